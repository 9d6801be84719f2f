import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fraction, type Fraction } from '../holdings/fraction.domain.ts';
import { allocate, AllocationError, type Allocation, type Recipient } from './allocation.domain.ts';

// ---- Independent reference arithmetic (exact, on BigInt) --------------------------------------

const asFraction = (w: bigint | Fraction): Fraction => (typeof w === 'bigint' ? { num: w, den: 1n } : w);
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

/** Integer weights proportional to the given ones (common denominator), and their total. */
function scaled(recipients: readonly Recipient[]): { weights: bigint[]; total: bigint } {
  const fr = recipients.map((r) => asFraction(r.weight));
  const common = fr.reduce((acc, f) => (acc / gcd(acc, f.den)) * f.den, 1n);
  const weights = fr.map((f) => f.num * (common / f.den));
  return { weights, total: weights.reduce((a, b) => a + b, 0n) };
}

const byKey = (a: Allocation[]) => [...a].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));

// ---- Arbitraries --------------------------------------------------------------------------------

const weightArb: fc.Arbitrary<bigint | Fraction> = fc.oneof(
  fc.bigInt({ min: 0n, max: 1_000_000n }),
  fc.bigInt({ min: 0n, max: 5n }), // small weights: many equal remainders, so the tie-break matters
  fc.tuple(fc.bigInt({ min: 0n, max: 1_000n }), fc.bigInt({ min: 1n, max: 1_000n })).map(([n, d]) => fraction(n, d)),
);

const recipientsArb = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 40 })
  .chain((keys) => fc.tuple(...keys.map((key) => weightArb.map((weight): Recipient => ({ key, weight })))))
  .filter((rs) => rs.some((r) => asFraction(r.weight).num > 0n));

const amountArb = fc.oneof(
  fc.integer({ min: -10_000, max: 10_000 }),
  fc.integer({ min: -1e12, max: 1e12 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0, 1, -1),
);

// ---- Properties ---------------------------------------------------------------------------------

describe('allocate: properties (fast-check)', () => {
  it('returns one allocation per recipient, in the input order, whose cents add up exactly to the amount', () => {
    fc.assert(fc.property(amountArb, recipientsArb, (amount, recipients) => {
      const result = allocate(amount, recipients);
      expect(result.map((a) => a.key)).toEqual(recipients.map((r) => r.key));
      expect(result.every((a) => Number.isSafeInteger(a.cents))).toBe(true);
      expect(result.reduce((s, a) => s + BigInt(a.cents), 0n)).toBe(BigInt(amount));
    }));
  });

  it('gives each recipient its exact share rounded down or up: |cents × Σw − amount × w| < Σw', () => {
    fc.assert(fc.property(amountArb, recipientsArb, (amount, recipients) => {
      const { weights, total } = scaled(recipients);
      allocate(amount, recipients).forEach((a, i) => {
        const diff = BigInt(a.cents) * total - BigInt(amount) * weights[i]!;
        expect(diff < total && -diff < total).toBe(true);
      });
    }));
  });

  it('is deterministic and independent of the order of the recipients', () => {
    fc.assert(fc.property(amountArb, recipientsArb.chain((rs) => fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length, maxLength: rs.length }))),
      (amount, [recipients, shuffled]) => {
        const first = allocate(amount, recipients);
        expect(allocate(amount, recipients)).toEqual(first);
        expect(byKey(allocate(amount, shuffled))).toEqual(byKey(first));
      }));
  });

  it('gives zero-weight recipients nothing', () => {
    fc.assert(fc.property(amountArb, recipientsArb, fc.uniqueArray(fc.string({ minLength: 7, maxLength: 9 }), { minLength: 1, maxLength: 5 }),
      (amount, recipients, zeroKeys) => {
        const zeros: Recipient[] = zeroKeys.map((key, i) => ({ key, weight: i % 2 ? 0n : fraction(0, 7) }));
        const result = allocate(amount, [...zeros, ...recipients]);
        expect(result.slice(0, zeros.length).map((a) => a.cents)).toEqual(zeros.map(() => 0));
        // …and the others share exactly as if the zero-weight recipients were not there.
        expect(result.slice(zeros.length)).toEqual(allocate(amount, recipients));
      }));
  });

  it('splits a negative amount as the mirror image of the positive one (credit notes)', () => {
    fc.assert(fc.property(amountArb, recipientsArb, (amount, recipients) => {
      const positive = allocate(Math.abs(amount), recipients);
      const negative = allocate(-Math.abs(amount), recipients);
      expect(negative.map((a) => a.cents)).toEqual(positive.map((a) => (a.cents === 0 ? 0 : -a.cents)));
      expect(negative.every((a) => !Object.is(a.cents, -0))).toBe(true);
    }));
  });

  it('treats fractions as exact weights: w/d gives the same split as the integer weights w', () => {
    fc.assert(fc.property(amountArb, recipientsArb, fc.bigInt({ min: 1n, max: 10_000n }), (amount, recipients, d) => {
      const integer = recipients.map((r, i): Recipient => ({ key: r.key, weight: BigInt(i % 5) + 1n }));
      const fractional = integer.map((r): Recipient => ({ key: r.key, weight: fraction(r.weight as bigint, d) }));
      expect(allocate(amount, fractional)).toEqual(allocate(amount, integer));
    }));
  });

  it('is a largest-remainder split: an extra cent never goes to a smaller remainder, ties to the larger weight, then the smaller key', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), recipientsArb, (amount, recipients) => {
      const { weights, total } = scaled(recipients);
      const rows = allocate(amount, recipients).map((a, i) => {
        const exact = BigInt(amount) * weights[i]!;
        return { key: a.key, weight: weights[i]!, remainder: exact % total, extra: BigInt(a.cents) !== exact / total };
      });
      const rank = (r: (typeof rows)[number]) => [r.remainder, r.weight] as const;
      for (const got of rows.filter((r) => r.extra)) {
        for (const not of rows.filter((r) => !r.extra && r.weight > 0n)) {
          const [gr, gw] = rank(got);
          const [nr, nw] = rank(not);
          const before = gr > nr || (gr === nr && (gw > nw || (gw === nw && got.key < not.key)));
          expect(before, `${got.key} got the cent before ${not.key}`).toBe(true);
        }
      }
    }));
  });
});

// ---- Examples worked out by hand ----------------------------------------------------------------

describe('allocate: examples and the documented tie-break', () => {
  it('splits 100.00 € over 1/3 each: 33.34 + 33.33 + 33.33, the extra cent to the smallest key', () => {
    // 10 000 × 1/3 = 3 333.33…: floors 3 333 × 3 = 9 999, one cent left; equal remainders and weights → key 'A'.
    const r = allocate(10_000, [{ key: 'C', weight: 1n }, { key: 'A', weight: 1n }, { key: 'B', weight: 1n }]);
    expect(r).toEqual([{ key: 'C', cents: 3_333 }, { key: 'A', cents: 3_334 }, { key: 'B', cents: 3_333 }]);
  });

  it('gives the cents left to the largest remainders first', () => {
    // 1 001 cents over shares 120, 330, 550 (of 1 000): exact 120.12, 330.33, 550.55;
    // floors 120 + 330 + 550 = 1 000, one cent left → the largest remainder (0.55, lot 'L3').
    const r = allocate(1_001, [{ key: 'L1', weight: 120n }, { key: 'L2', weight: 330n }, { key: 'L3', weight: 550n }]);
    expect(r.map((a) => a.cents)).toEqual([120, 330, 551]);
  });

  it('on equal remainders prefers the larger weight, whatever the keys', () => {
    // 2 cents over weights 1 and 3: exact 0.5 and 1.5, floors 0 and 1, remainders both 0.5 → the weight-3 recipient.
    expect(allocate(2, [{ key: 'a', weight: 1n }, { key: 'b', weight: 3n }])).toEqual([{ key: 'a', cents: 0 }, { key: 'b', cents: 2 }]);
    expect(allocate(2, [{ key: 'z', weight: 3n }, { key: 'a', weight: 1n }])).toEqual([{ key: 'z', cents: 2 }, { key: 'a', cents: 0 }]);
  });

  it('compares keys as strings (lot "10" before lot "9")', () => {
    // 1 cent over two equal weights: exact 0.5 each, the cent to the smaller string key '10'.
    expect(allocate(1, [{ key: '9', weight: 1n }, { key: '10', weight: 1n }])).toEqual([{ key: '9', cents: 0 }, { key: '10', cents: 1 }]);
  });

  it('splits a refund of −100.00 € as the mirror of +100.00 €', () => {
    expect(allocate(-10_000, [{ key: 'A', weight: 1n }, { key: 'B', weight: 1n }, { key: 'C', weight: 1n }]).map((a) => a.cents))
      .toEqual([-3_334, -3_333, -3_333]);
  });

  it('splits a lot share over holders by fractional parts (usufruct 1/2, two bare owners 1/4 each)', () => {
    // 333 × 1/2 = 166.5, 333 × 1/4 = 83.25 twice: floors 166 + 83 + 83 = 332, 1 cent left to the largest remainder (0.5).
    const r = allocate(333, [{ key: 'U', weight: fraction(1, 2) }, { key: 'N1', weight: fraction(1, 4) }, { key: 'N2', weight: fraction(1, 4) }]);
    expect(r.map((a) => a.cents)).toEqual([167, 83, 83]);
  });

  it('refuses what it cannot split', () => {
    expect(() => allocate(1.5, [{ key: 'a', weight: 1n }])).toThrow(AllocationError);
    expect(() => allocate(Number.MAX_SAFE_INTEGER + 1, [{ key: 'a', weight: 1n }])).toThrow(AllocationError);
    expect(() => allocate(100, [])).toThrow(AllocationError);
    expect(() => allocate(100, [{ key: 'a', weight: 1n }, { key: 'a', weight: 2n }])).toThrow(AllocationError);
    expect(() => allocate(100, [{ key: 'a', weight: -1n }, { key: 'b', weight: 2n }])).toThrow(AllocationError);
    expect(() => allocate(100, [{ key: 'a', weight: 0n }, { key: 'b', weight: fraction(0, 3) }])).toThrow(AllocationError);
  });

  it('splits over 1 000 lots quickly', () => {
    const lots: Recipient[] = Array.from({ length: 1_000 }, (_, i) => ({ key: String(i + 1).padStart(4, '0'), weight: BigInt(1 + (i % 37)) }));
    const t0 = performance.now();
    const r = allocate(123_456_789, lots);
    expect(performance.now() - t0).toBeLessThan(200); // the target for a whole distribution is 20 ms
    expect(r.reduce((s, a) => s + a.cents, 0)).toBe(123_456_789);
  });
});
