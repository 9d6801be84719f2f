import { describe, expect, it } from 'vitest';
import { legalParam } from './be.ts';
import { indemnityCapCents } from './indemnity.ts';
import { meetsRatio, meetsValue } from './threshold.ts';

describe('meetsRatio on the pack ratios (rules doc §2.4)', () => {
  it('R05 double quorum: 10 owners, 1000 shares', () => {
    const quorum = (owners: number, shares: number) =>
      (meetsRatio(owners, 10, legalParam('ag.quorum.ownersMin')) && meetsRatio(shares, 1000, legalParam('ag.quorum.sharesWithOwnersMin')))
      || meetsRatio(shares, 1000, legalParam('ag.quorum.sharesAloneMin'));
    expect(quorum(6, 450)).toBe(false); // 450 < 500 and 450 ≤ 750
    expect(quorum(5, 600)).toBe(false); // 5 is not more than half of 10, and 600 ≤ 750
    expect(quorum(6, 500)).toBe(true); // 6 > 5 and 500 ≥ 500
    expect(quorum(3, 760)).toBe(true); // 760 > 750
    expect(quorum(3, 750)).toBe(false); // exactly 3/4 is not more than 3/4
  });

  it('R08 absolute majority: For 300 against 250 → 300 of 550 cast, 300 × 2 = 600 > 550', () => {
    expect(meetsRatio(300, 550, legalParam('ag.majority.absolute'))).toBe(true);
    expect(meetsRatio(275, 550, legalParam('ag.majority.absolute'))).toBe(false); // exactly half is not more
  });

  it('R14 two thirds: 660/1000 → 1980 < 2000 refused; 667/1000 → 2001 ≥ 2000 adopted', () => {
    expect(meetsRatio(660, 1000, legalParam('ag.majority.twoThirds'))).toBe(false);
    expect(meetsRatio(667, 1000, legalParam('ag.majority.twoThirds'))).toBe(true);
    expect(meetsRatio(2, 3, legalParam('ag.majority.twoThirds'))).toBe(true); // exact tie assumed ≥ (§12 Q5)
  });

  it('R15 four fifths: 79 % refused, 80 % adopted', () => {
    expect(meetsRatio(79, 100, legalParam('ag.majority.fourFifths'))).toBe(false);
    expect(meetsRatio(80, 100, legalParam('ag.majority.fourFifths'))).toBe(true);
  });

  it('R10 proxy exception: 90 of 1000 votes ≤ 10 % accepted, 110 refused', () => {
    expect(meetsRatio(90, 1000, legalParam('ag.proxy.exceptionMaxVotes'))).toBe(true);
    expect(meetsRatio(100, 1000, legalParam('ag.proxy.exceptionMaxVotes'))).toBe(true);
    expect(meetsRatio(110, 1000, legalParam('ag.proxy.exceptionMaxVotes'))).toBe(false);
  });

  it('stays exact on large numbers and refuses an empty whole', () => {
    const big = 10n ** 30n;
    expect(meetsRatio(2n * big, 3n * big, legalParam('ag.majority.twoThirds'))).toBe(true);
    expect(meetsRatio(2n * big - 1n, 3n * big, legalParam('ag.majority.twoThirds'))).toBe(false);
    expect(() => meetsRatio(0, 0, legalParam('ag.majority.absolute'))).toThrow(RangeError);
  });

  it('compares plain values with the comparator: R01 convocation 14 days refused, 15 accepted', () => {
    expect(meetsValue(14, legalParam('ag.convocation.minDays'))).toBe(false);
    expect(meetsValue(15, legalParam('ag.convocation.minDays'))).toBe(true);
    expect(meetsValue(750, legalParam('collection.laterReminder.maxFeeCents'))).toBe(true); // R30: 7.50 € accepted
    expect(meetsValue(1000, legalParam('collection.laterReminder.maxFeeCents'))).toBe(false); // 10.00 € refused
  });
});

describe('indemnityCapCents (R31, brackets from the pack)', () => {
  it.each([
    [15_000, 2_000], // 150 € → 20 € (first bracket)
    [15_001, 3_000], // 150.01 € → 30 € + 10 % × 0.01 € = 30.001 € → 30.00 € rounded down
    [30_000, 4_500], // 300 € → 30 € + 10 % × 150 € = 45 €
    [50_000, 6_500], // 500 € → 30 € + 10 % × 350 € = 65 € (continuous with the next bracket)
    [65_000, 7_250], // 650 € → 65 € + 5 % × 150 € = 72.50 €
    [65_019, 7_250], // 650.19 € → 65 € + 5 % × 150.19 € = 72.5095 € → 72.50 €
    [3_920_000, 200_000], // 39 200 € → 65 € + 5 % × 38 700 € = 2 000 € exactly (the ceiling)
    [5_000_000, 200_000], // 50 000 € → 65 € + 5 % × 49 500 € = 2 540 €, capped at 2 000 €
  ])('balance %i cents → cap %i cents', (balance, cap) => {
    expect(indemnityCapCents(balance)).toBe(cap);
  });

  it('refuses a balance that is not a positive number of cents', () => {
    expect(() => indemnityCapCents(0)).toThrow(/positive/);
    expect(() => indemnityCapCents(12.5)).toThrow(/positive/);
  });
});
