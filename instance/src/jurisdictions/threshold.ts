import type { Comparator, LegalParam, Ratio } from './types.ts';

/**
 * Does `part / whole` meet a ratio threshold of the pack, with the pack's comparator?
 * Exact: compared by cross-multiplication on BigInt (part × den ⋚ num × whole), never as floats.
 *   meetsRatio(667n, 1000n, legalParam('ag.majority.twoThirds'))  // 667/1000 ≥ 2/3 → true
 * `whole` must be positive: a ratio of nothing (no votes cast, no shares) is not decided here.
 */
export function meetsRatio(part: bigint | number, whole: bigint | number, param: Pick<LegalParam<Ratio>, 'value' | 'comparator' | 'key'>): boolean {
  const p = BigInt(part);
  const w = BigInt(whole);
  if (w <= 0n) throw new RangeError(`${param.key}: the whole must be positive`);
  if (p < 0n) throw new RangeError(`${param.key}: the part must not be negative`);
  const left = p * BigInt(param.value.den);
  const right = BigInt(param.value.num) * w;
  return compareWith(left, right, param.comparator ?? '>=');
}

/** `value ⋚ threshold` with a pack comparator (for counts, days, cents). */
export function meetsValue(value: number, param: Pick<LegalParam<number>, 'value' | 'comparator'>): boolean {
  return compareWith(BigInt(value), BigInt(param.value), param.comparator ?? '>=');
}

function compareWith(left: bigint, right: bigint, comparator: Comparator): boolean {
  switch (comparator) {
    case '>': return left > right;
    case '>=': return left >= right;
    case '<=': return left <= right;
    case '<': return left < right;
  }
}
