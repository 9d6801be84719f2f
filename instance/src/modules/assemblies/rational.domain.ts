import { add, compare, fraction, sum, toText, ZERO, type Fraction } from '../holdings/fraction.domain.ts';

/**
 * Exact vote arithmetic on the register's BigInt fractions (holdings/fraction.domain.ts), plus the
 * few operations votes need. Votes are quote-parts × a holder's part: never floating point.
 */
export { add, compare, fraction, sum, toText, ZERO, type Fraction };

export const mul = (a: Fraction, b: Fraction): Fraction => fraction(a.num * b.num, a.den * b.den);

/** a − b, never below zero (votes cannot be negative). */
export function sub(a: Fraction, b: Fraction): Fraction {
  const n = a.num * b.den - b.num * a.den;
  return n <= 0n ? ZERO : fraction(n, a.den * b.den);
}

export function div(a: Fraction, b: Fraction): Fraction {
  if (b.num === 0n) throw new RangeError('Division by zero votes');
  return fraction(a.num * b.den, a.den * b.num);
}

export const min = (a: Fraction, b: Fraction): Fraction => (compare(a, b) <= 0 ? a : b);

export const isZero = (a: Fraction) => a.num === 0n;

/** The wire form of an exact fraction, reduced. */
export const toWire = (f: Fraction) => ({ numerator: f.num.toString(), denominator: f.den.toString() });
