/** Exact non-negative fractions on BigInt: parts of a lot are never floating-point numbers. */

export interface Fraction { readonly num: bigint; readonly den: bigint }

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** A reduced fraction; the denominator must be positive. */
export function fraction(num: bigint | number, den: bigint | number = 1n): Fraction {
  const n = BigInt(num);
  const d = BigInt(den);
  if (d <= 0n) throw new RangeError('A fraction needs a positive denominator');
  if (n === 0n) return ZERO;
  const g = gcd(n, d);
  return { num: n / g, den: d / g };
}

export const ZERO: Fraction = { num: 0n, den: 1n };
export const ONE: Fraction = { num: 1n, den: 1n };

export function add(a: Fraction, b: Fraction): Fraction {
  return fraction(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sum(parts: Iterable<Fraction>): Fraction {
  let total = ZERO;
  for (const p of parts) total = add(total, p);
  return total;
}

/** -1, 0 or 1, by cross-multiplication. */
export function compare(a: Fraction, b: Fraction): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export const equals = (a: Fraction, b: Fraction) => compare(a, b) === 0;

export function toText(f: Fraction): string {
  return f.den === 1n ? String(f.num) : `${f.num}/${f.den}`;
}
