import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/errors.ts';
import { addDays, addYears, checkOptOut, reserveMinimum, type ReserveRule } from './funds.domain.ts';

const rule: ReserveRule = { minAnnualRateBp: 500, mandatoryAfterYears: 5, legalRef: 'C. civ. art. 3.86 §3' };
const base = { startsOn: '2026-01-01', acceptanceDate: '2015-06-30', previousOrdinaryChargesCents: 4_000_000, reserveCents: 180_000, optedOut: false };

describe('reserve-fund minimum (R23)', () => {
  it('flags 1 800 € planned against last year\'s 40 000 € of ordinary charges (minimum 2 000 €)', () => {
    // 5 % × 4 000 000 cents = 200 000 cents; 180 000 < 200 000.
    expect(reserveMinimum(base, rule)).toEqual({ applies: true, reason: 'acceptance_5_years_ago', minimumCents: 200_000, belowMinimum: true });
  });

  it('accepts exactly 5 %, and rounds the minimum up to the cent', () => {
    expect(reserveMinimum({ ...base, reserveCents: 200_000 }, rule).belowMinimum).toBe(false);
    // 5 % of 1 234 567 cents = 61 728.35 → at least 61 729 cents.
    const r = reserveMinimum({ ...base, previousOrdinaryChargesCents: 1_234_567, reserveCents: 61_728 }, rule);
    expect(r.minimumCents).toBe(61_729);
    expect(r.belowMinimum).toBe(true);
    expect(reserveMinimum({ ...base, previousOrdinaryChargesCents: 1_234_567, reserveCents: 61_729 }, rule).belowMinimum).toBe(false);
  });

  it('does not apply to a building whose réception provisoire is less than 5 years before the fiscal year', () => {
    // Réception 2023-01-01 + 5 years = 2028-01-01 > 2026-01-01: a 3-year-old building has no obligation.
    expect(reserveMinimum({ ...base, acceptanceDate: '2023-01-01' }, rule)).toMatchObject({ applies: false, belowMinimum: false });
    // Exactly 5 years: 2021-01-01 + 5 = 2026-01-01 ≤ start → applies.
    expect(reserveMinimum({ ...base, acceptanceDate: '2021-01-01' }, rule)).toMatchObject({ applies: true, belowMinimum: true });
    expect(reserveMinimum({ ...base, acceptanceDate: '2021-01-02' }, rule).applies).toBe(false);
  });

  it('assumes the obligation when the réception provisoire is unknown', () => {
    expect(reserveMinimum({ ...base, acceptanceDate: null }, rule)).toMatchObject({ applies: true, reason: 'acceptance_date_unknown', belowMinimum: true });
  });

  it('raises no flag without last year\'s charges, or with an opt-out', () => {
    expect(reserveMinimum({ ...base, previousOrdinaryChargesCents: null }, rule)).toMatchObject({ minimumCents: null, belowMinimum: false });
    expect(reserveMinimum({ ...base, optedOut: true }, rule)).toMatchObject({ minimumCents: 200_000, belowMinimum: false });
  });
});

describe('dates', () => {
  it('adds years, 29 February falling on 28 February in a common year', () => {
    expect(addYears('2020-02-29', 5)).toBe('2025-02-28');
    expect(addYears('2020-02-29', 4)).toBe('2024-02-29');
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('refuses an assembly decision dated after today', () => {
    expect(errorOf(() => checkOptOut({ decisionDate: '2026-06-02', reference: 'AG' }, '2026-06-01')).code).toBe('budget.opt_out_decision_in_future');
    expect(() => checkOptOut({ decisionDate: '2026-06-01', reference: 'AG' }, '2026-06-01')).not.toThrow();
  });
});
