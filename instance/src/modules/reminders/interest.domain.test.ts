import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../test/support/errors.ts';
import { balanceOn, divideHalfUp, lateInterest, lateInterestCents, rateOn } from './interest.domain.ts';
import { addDays } from './working-days.domain.ts';

describe('late interest, day by day at the legal civil rate', () => {
  it('1 000.00 € for 45 days in 2026 at 4.50 %: 1 000 × 0.045 × 45/365 = 5.547… → 5.55 €', () => {
    const r = lateInterest({ principalCents: 100_000, from: '2026-02-01', to: '2026-03-18', consumerSafe: true });
    expect(r.segments).toEqual([{ from: '2026-02-01', to: '2026-03-18', days: 45, balanceCents: 100_000, rateBp: 450, basis: 'legalCivil' }]);
    expect(r.exact).toEqual({ num: 100_000n * 450n * 45n, den: 3_650_000n });
    expect(r.cents).toBe(555);
  });

  it('across 2024 → 2025: 15 days at 5.75 % then 15 days at 4.50 % on 1 000.00 €', () => {
    // 1 000 × 0.0575 × 15/365 = 2.36301…; 1 000 × 0.045 × 15/365 = 1.84931…; sum 4.21232… → 4.21 €
    const r = lateInterest({ principalCents: 100_000, from: '2024-12-17', to: '2025-01-16', consumerSafe: true });
    expect(r.segments.map((s) => [s.from, s.to, s.days, s.rateBp])).toEqual([
      ['2024-12-17', '2025-01-01', 15, 575],
      ['2025-01-01', '2025-01-16', 15, 450],
    ]);
    expect(r.cents).toBe(421);
  });

  it('rounds once at the end, half up (exact sum, not per-day roundings)', () => {
    // 100.00 € × 4.5 % / 365 = 0.0123… € a day: per-day rounding would give 1 cent × 10 = 10 cents
    expect(lateInterestCents({ principalCents: 10_000, from: '2026-01-01', to: '2026-01-11', consumerSafe: true })).toBe(12); // 12.33 cents
    expect(divideHalfUp(5n, 10n)).toBe(1n);
    expect(divideHalfUp(4n, 10n)).toBe(0n);
  });

  it('follows partial payments: a payment dated d reduces the balance from d on', () => {
    // 1 000 € for 10 days, then 400 € for 20 days, 2026 at 4.5 %: (100 000 × 10 + 40 000 × 20) × 450 / 3 650 000 = 221.9… → 222
    const r = lateInterest({
      principalCents: 100_000, payments: [{ date: '2026-03-11', cents: 60_000 }], from: '2026-03-01', to: '2026-03-31', consumerSafe: true,
    });
    expect(r.segments.map((s) => [s.days, s.balanceCents])).toEqual([[10, 100_000], [20, 40_000]]);
    expect(r.cents).toBe(222);
  });

  it('stops when the debt is paid, and is 0 for an empty period', () => {
    const payments = [{ date: '2026-03-05', cents: 100_000 }];
    expect(lateInterest({ principalCents: 100_000, payments, from: '2026-03-01', to: '2026-12-31', consumerSafe: true }).segments)
      .toEqual([{ from: '2026-03-01', to: '2026-03-05', days: 4, balanceCents: 100_000, rateBp: 450, basis: 'legalCivil' }]);
    expect(lateInterestCents({ principalCents: 100_000, from: '2026-03-01', to: '2026-03-01', consumerSafe: true })).toBe(0);
    expect(lateInterestCents({ principalCents: 100_000, from: '2026-03-05', to: '2026-03-01', consumerSafe: true })).toBe(0);
    expect(balanceOn(100_000, [{ date: '2026-01-01', cents: 150_000 }], '2026-01-01')).toBe(0);
  });
});

describe('R32: clause rates', () => {
  it('no clause → legal civil rate for the period (2025: 4.5 %)', () => {
    expect(rateOn('2025-03-01', null, true)).toEqual({ rateBp: 450, basis: 'legalCivil' });
  });

  it('a clause above the law-2002 rate is void in consumer-safe mode: the legal civil rate applies', () => {
    expect(rateOn('2025-03-01', 1200, true)).toEqual({ rateBp: 450, basis: 'clauseVoid' }); // 12 % > 11.5 %
    expect(rateOn('2026-03-01', 1200, true)).toEqual({ rateBp: 450, basis: 'clauseVoid' }); // 12 % > 10.5 %
    expect(rateOn('2025-03-01', 1200, false)).toEqual({ rateBp: 1200, basis: 'clause' });
  });

  it('a clause at or below the law-2002 rate applies', () => {
    expect(rateOn('2025-03-01', 1150, true)).toEqual({ rateBp: 1150, basis: 'clause' });
    expect(rateOn('2024-03-01', 800, true)).toEqual({ rateBp: 800, basis: 'clause' });
    // 1 000 € for 73 days at 8 % in 2024: 100 000 × 800 × 73 / 3 650 000 = 1 600 → 16.00 €
    expect(lateInterestCents({ principalCents: 100_000, from: '2024-03-01', to: addDays('2024-03-01', 73), clauseRateBp: 800, consumerSafe: true })).toBe(1_600);
  });

  it('a clause of 12 % is void only for the half-years where it exceeds the cap (2024: 12.5 %, 2025 H1: 11.5 %)', () => {
    const r = lateInterest({ principalCents: 100_000, from: '2024-12-30', to: '2025-01-02', clauseRateBp: 1200, consumerSafe: true });
    expect(r.segments.map((s) => [s.days, s.rateBp, s.basis])).toEqual([[2, 1200, 'clause'], [1, 450, 'clauseVoid']]);
  });

  it('does not guess a missing law-2002 rate (2025 H2) when a clause must be checked', () => {
    expect(codeOf(() => rateOn('2025-09-01', 800, true)).code).toBe('jurisdiction.no_value');
    expect(rateOn('2025-09-01', null, true)).toEqual({ rateBp: 450, basis: 'legalCivil' });
  });
});

describe('validation', () => {
  it('refuses bad amounts, rates and dates', () => {
    expect(codeOf(() => lateInterest({ principalCents: 0, from: '2026-01-01', to: '2026-02-01', consumerSafe: true })).details).toEqual({ field: 'principalCents' });
    expect(codeOf(() => lateInterest({ principalCents: 1.5, from: '2026-01-01', to: '2026-02-01', consumerSafe: true })).code).toBe('reminder.invalid_amount');
    expect(codeOf(() => lateInterest({ principalCents: 100, from: '2026-01-01', to: '2026-02-01', clauseRateBp: -1, consumerSafe: true })).code).toBe('reminder.invalid_rate');
    expect(codeOf(() => lateInterest({ principalCents: 100, payments: [{ date: '2026-01-02', cents: 0 }], from: '2026-01-01', to: '2026-02-01', consumerSafe: true })).code).toBe('reminder.invalid_amount');
    expect(codeOf(() => lateInterest({ principalCents: 100, from: '2026-13-01', to: '2026-02-01', consumerSafe: true })).code).toBe('reminder.invalid_date');
  });
});

describe('properties', () => {
  const start = fc.integer({ min: 0, max: 365 * 3 }).map((n) => addDays('2022-01-01', n)) // + ≤ 600 days stays within the pack's 2022–2026 rates;
  const principal = fc.integer({ min: 1, max: 100_000_000 });

  it('interest is monotonic in days and in principal', () => {
    fc.assert(fc.property(principal, start, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 60 }), (p, from, days, more) => {
      const at = (n: number, cents = p) => lateInterestCents({ principalCents: cents, from, to: addDays(from, n), consumerSafe: true });
      expect(at(days + more)).toBeGreaterThanOrEqual(at(days));
      expect(at(days, p + 1)).toBeGreaterThanOrEqual(at(days));
    }), { numRuns: 60 });
  });

  it('is additive before rounding: splitting a period changes the result by at most one cent', () => {
    fc.assert(fc.property(principal, start, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), (p, from, a, b) => {
      const mid = addDays(from, a);
      const to = addDays(mid, b);
      const whole = lateInterest({ principalCents: p, from, to, consumerSafe: true });
      const left = lateInterest({ principalCents: p, from, to: mid, consumerSafe: true });
      const right = lateInterest({ principalCents: p, from: mid, to, consumerSafe: true });
      expect(whole.exact.num).toBe(left.exact.num + right.exact.num);
      expect(Math.abs(whole.cents - left.cents - right.cents)).toBeLessThanOrEqual(1);
      expect(whole.segments.reduce((s, x) => s + x.days, 0)).toBe(a + b);
    }), { numRuns: 60 });
  });
});
