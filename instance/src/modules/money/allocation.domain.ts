import type { Fraction } from '../holdings/fraction.domain.ts';

/**
 * Splits an amount of integer cents over weighted recipients, exact to the cent, by the
 * largest-remainder method (Hamilton):
 *   1. each recipient gets floor(amount × weight / Σweights) cents;
 *   2. the cents left over (fewer than the number of recipients) go one each to the recipients
 *      with the largest remainders;
 *   3. ties between equal remainders go to the larger weight, then to the smaller `key`
 *      (a stable reference such as the lot number, compared as strings): deterministic, and
 *      independent of the order the recipients are given in.
 * The parts always add up to the amount, and each is within one cent of its exact share.
 * Negative amounts (credit notes, refunds) are split as their absolute value, then negated.
 * Weights are exact: integers (shares) or fractions (holders' parts); never floats.
 */
export interface Recipient<K extends string = string> {
  key: K;
  weight: bigint | Fraction;
}

export interface Allocation<K extends string = string> {
  key: K;
  cents: number;
}

export class AllocationError extends Error {
  override name = 'AllocationError';
}

const asFraction = (w: bigint | Fraction): Fraction => (typeof w === 'bigint' ? { num: w, den: 1n } : w);

export function allocate<K extends string>(amountCents: number, recipients: readonly Recipient<K>[]): Allocation<K>[] {
  if (!Number.isSafeInteger(amountCents)) throw new AllocationError('The amount must be a whole number of cents');
  if (recipients.length === 0) throw new AllocationError('Nothing to allocate to: no recipient');
  const keys = new Set(recipients.map((r) => r.key));
  if (keys.size !== recipients.length) throw new AllocationError('Recipients must have distinct keys');
  const sign = amountCents < 0 ? -1 : 1;
  const amount = BigInt(Math.abs(amountCents));
  // Bring every weight to one common denominator so the arithmetic stays in integers.
  const fractions = recipients.map((r) => asFraction(r.weight));
  if (fractions.some((f) => f.num < 0n || f.den <= 0n)) throw new AllocationError('Weights must be non-negative');
  const common = fractions.reduce((acc, f) => lcm(acc, f.den), 1n);
  const weights = fractions.map((f) => f.num * (common / f.den));
  const total = weights.reduce((a, b) => a + b, 0n);
  if (total === 0n) throw new AllocationError('The weights add up to zero');

  const rows = recipients.map((r, i) => {
    const exact = amount * weights[i]!;
    return { key: r.key, weight: weights[i]!, base: exact / total, remainder: exact % total };
  });
  let left = amount - rows.reduce((a, r) => a + r.base, 0n);
  const order = [...rows].sort((a, b) =>
    a.remainder !== b.remainder ? (a.remainder > b.remainder ? -1 : 1)
      : a.weight !== b.weight ? (a.weight > b.weight ? -1 : 1)
        : a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const extra = new Set<string>();
  for (const r of order) {
    if (left === 0n) break;
    if (r.weight === 0n) continue;
    extra.add(r.key);
    left -= 1n;
  }
  return rows.map((r) => ({ key: r.key, cents: sign * Number(r.base + (extra.has(r.key) ? 1n : 0n)) + 0 })); // + 0: no -0
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}
