import { AppError } from '../../platform/errors.ts';
import { legalValue } from '../../jurisdictions/be.ts';
import { addDays } from './working-days.domain.ts';

/**
 * Late interest on an owner's arrears, day by day (rules doc §7, R32).
 *
 * - Simple interest on the principal still due, never on fees, indemnity or earlier interest
 *   (no capitalisation; `to verify` in the rules doc).
 * - Each day accrues at the rate valid THAT day: `collection.interest.legalCivilRateBp` (dated by
 *   calendar year in the pack), so a period across a rate change uses each rate for its days.
 * - A clause rate (statutes or ROI) replaces the legal civil rate. In consumer-safe mode a clause
 *   above `collection.interest.commercialRateBp` (law of 2 Aug 2002, the cap named by
 *   `collection.interest.capRef`) is void for the days it exceeds that cap, and the legal civil
 *   rate applies on those days. Where the pack has no commercial rate for a day (2023 H2, 2025 H2),
 *   a clause cannot be checked and `jurisdiction.no_value` is thrown rather than guessed.
 * - Days counted: every day d with from ≤ d < to (`from` is the first day interest runs, `to` the
 *   day of the computation or of the payment). A payment dated d reduces the balance from d on.
 * - Day basis: actual days / `collection.interest.dayBasis` (365, also in leap years; product choice, to verify).
 * - Rounding: the exact rational sum Σ balance × rateBp / (10 000 × 365) over all days, rounded
 *   half up to the cent ONCE at the end (amounts are never negative). Segment figures are exact
 *   rationals for display; only `cents` is a money amount.
 */
const BP = 10_000n;

export interface Payment {
  date: string;
  cents: number;
}

export type RateBasis = 'legalCivil' | 'clause' | 'clauseVoid';

export interface InterestInput {
  /** Principal due before any payment (the amount called), integer cents > 0. */
  principalCents: number;
  /** Payments on this debt, applied to the principal. */
  payments?: readonly Payment[] | undefined;
  /** First day interest runs (inclusive). */
  from: string;
  /** Day of the computation (exclusive). `to <= from` gives 0. */
  to: string;
  /** Contractual rate of the statutes or the ROI, in basis points; none → legal civil rate. */
  clauseRateBp?: number | null | undefined;
  consumerSafe: boolean;
}

export interface InterestSegment {
  from: string;
  /** Exclusive. */
  to: string;
  days: number;
  balanceCents: number;
  rateBp: number;
  basis: RateBasis;
}

export interface InterestResult {
  cents: number;
  segments: InterestSegment[];
  /** The exact amount in cents before rounding: numerator / denominator. */
  exact: { num: bigint; den: bigint };
}

/** Balance of principal still due at the end of `date` (payments dated ≤ date), never below 0. */
export function balanceOn(principalCents: number, payments: readonly Payment[] | undefined, date: string): number {
  const paid = (payments ?? []).filter((p) => p.date <= date).reduce((a, p) => a + p.cents, 0);
  return Math.max(0, principalCents - paid);
}

/** The rate that applies on `day`, and why. */
export function rateOn(day: string, clauseRateBp: number | null | undefined, consumerSafe: boolean): { rateBp: number; basis: RateBasis } {
  const civil = legalValue('collection.interest.legalCivilRateBp', day);
  if (clauseRateBp === null || clauseRateBp === undefined) return { rateBp: civil, basis: 'legalCivil' };
  if (consumerSafe && clauseRateBp > legalValue('collection.interest.commercialRateBp', day)) {
    return { rateBp: civil, basis: 'clauseVoid' };
  }
  return { rateBp: clauseRateBp, basis: 'clause' };
}

/** Half-up division of non-negative bigints. */
export const divideHalfUp = (num: bigint, den: bigint): bigint => (2n * num + den) / (2n * den);

export function lateInterest(input: InterestInput): InterestResult {
  validate(input);
  const den = BP * BigInt(legalValue('collection.interest.dayBasis'));
  const segments: InterestSegment[] = [];
  let num = 0n;
  for (let day = input.from; day < input.to; day = addDays(day, 1)) {
    const balance = balanceOn(input.principalCents, input.payments, day);
    if (balance === 0) continue;
    const { rateBp, basis } = rateOn(day, input.clauseRateBp, input.consumerSafe);
    num += BigInt(balance) * BigInt(rateBp);
    const last = segments.at(-1);
    if (last && last.to === day && last.balanceCents === balance && last.rateBp === rateBp && last.basis === basis) {
      last.to = addDays(day, 1);
      last.days += 1;
    } else {
      segments.push({ from: day, to: addDays(day, 1), days: 1, balanceCents: balance, rateBp, basis });
    }
  }
  return { cents: Number(divideHalfUp(num, den)), segments, exact: { num, den } };
}

/** Shortcut: the interest in cents. */
export const lateInterestCents = (input: InterestInput): number => lateInterest(input).cents;

function validate(input: InterestInput): void {
  if (!Number.isSafeInteger(input.principalCents) || input.principalCents <= 0) {
    throw new AppError('reminder.invalid_amount', 'The principal must be a positive whole number of cents', { field: 'principalCents' });
  }
  for (const p of input.payments ?? []) {
    if (!Number.isSafeInteger(p.cents) || p.cents <= 0) {
      throw new AppError('reminder.invalid_amount', 'A payment must be a positive whole number of cents', { field: 'payments' });
    }
  }
  const rate = input.clauseRateBp;
  if (rate !== null && rate !== undefined && (!Number.isSafeInteger(rate) || rate < 0)) {
    throw new AppError('reminder.invalid_rate', 'A clause rate must be a whole number of basis points ≥ 0', { field: 'clauseRateBp' });
  }
  addDays(input.from, 0); // validates both dates
  addDays(input.to, 0);
}
