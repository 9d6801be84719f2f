import { describe, expect, it } from 'vitest';
import { add, compare, equals, fraction, ONE, sum, toText } from './fraction.domain.ts';

describe('fractions', () => {
  it('reduces', () => {
    expect(fraction(2, 4)).toEqual({ num: 1n, den: 2n });
    expect(fraction(0, 7)).toEqual({ num: 0n, den: 1n });
  });

  it('adds 1/3 three times to exactly 1', () => {
    const third = fraction(1, 3);
    expect(equals(sum([third, third, third]), ONE)).toBe(true);
    expect(toText(sum([third, third, third]))).toBe('1');
  });

  it('finds that 1/2 + 2/3 exceeds 1', () => {
    const s = add(fraction(1, 2), fraction(2, 3));
    expect(toText(s)).toBe('7/6');
    expect(compare(s, ONE)).toBe(1);
  });

  it('stays exact where floats are not', () => {
    // 0.1 + 0.2 !== 0.3 in floating point; exactly equal here
    expect(equals(add(fraction(1, 10), fraction(2, 10)), fraction(3, 10))).toBe(true);
    // large co-prime denominators: a float sum drifts, BigInt does not
    const parts = [fraction(1, 999_999_937), fraction(999_999_936, 999_999_937)];
    expect(equals(sum(parts), ONE)).toBe(true);
    expect(compare(sum([...parts, fraction(1, 1_000_000_000)]), ONE)).toBe(1);
  });

  it('refuses a zero denominator', () => {
    expect(() => fraction(1, 0)).toThrow(RangeError);
  });
});
