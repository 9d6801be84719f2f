import { AppError } from '../platform/errors.ts';
import { legalParam } from './be.ts';

/**
 * The cap of the one flat indemnity Book XIX allows on an owner's debt (rules doc §7, R31),
 * from the pack's brackets: for a balance B in cents, `base + rate × (B − over)` in B's bracket,
 * at most the ceiling, fractions of a cent rounded down (product choice).
 *   indemnityCapCents(15_000) = 2_000   (150 € → 20 €)
 *   indemnityCapCents(65_000) = 7_250   (650 € → 65 € + 5 % × 150 € = 72.50 €)
 */
export function indemnityCapCents(balanceCents: number, onDate?: string): number {
  if (!Number.isSafeInteger(balanceCents) || balanceCents <= 0) {
    throw new AppError('collection.invalid_balance', 'The balance must be a positive whole number of cents', { field: 'balanceCents' });
  }
  const { brackets, maxCents } = legalParam('collection.indemnity.brackets', onDate).value;
  const bracket = brackets.find((b) => b.upToCents === null || balanceCents <= b.upToCents)!;
  const over = BigInt(balanceCents - bracket.overCents);
  const variable = (over * BigInt(bracket.rateBp)) / 10_000n; // BigInt division rounds down (over ≥ 0)
  return Math.min(bracket.baseCents + Number(variable), maxCents);
}
