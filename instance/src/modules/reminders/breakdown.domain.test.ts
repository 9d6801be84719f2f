import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../test/support/errors.ts';
import { breakdown } from './breakdown.domain.ts';
import { checkFee, checkIndemnity, indemnityAllowedCents } from './fees.domain.ts';
import type { Debt, SentReminder } from './ladder.domain.ts';
import { addDays } from './working-days.domain.ts';

const debt: Debt = { dueDate: '2024-02-20', principalCents: 65_000 };
const gentle: SentReminder = { level: 'Gentle', sentOn: '2024-03-01', channel: 'electronic' }; // T1 = 16 Mar 2024
const formal: SentReminder = { level: 'Formal', sentOn: '2024-04-15', channel: 'electronic', feeCents: 750, indemnityCents: 7_250 };

describe('R29: the first reminder is free', () => {
  it('a Gentle with a fee or postage is refused', () => {
    expect(codeOf(() => checkFee('Gentle', { channel: 'electronic', feeCents: 1, postageCents: 0 }, true)))
      .toEqual({ code: 'reminder.first_reminder_not_free', details: { field: 'feeCents', maxFeeCents: 0 } });
    expect(codeOf(() => checkFee('Gentle', { channel: 'post', feeCents: 0, postageCents: 150 }, true)).details).toMatchObject({ field: 'postageCents' });
  });

  it('its breakdown has no fee, no indemnity, no interest, and announces the indemnity and T1', () => {
    expect(breakdown({ level: 'Gentle', date: '2024-03-01', debt, history: [], channel: 'post', consumerSafe: true })).toEqual({
      level: 'Gentle', date: '2024-03-01', principalCents: 65_000, feeCents: 0, postageCents: 0, indemnityCents: 0,
      announcedIndemnityCents: 7_250, interestCents: 0, earlierChargesCents: 0, totalCents: 65_000,
      t1: '2024-03-20', interestFrom: null, interestSegments: [],
    });
  });
});

describe('R30: later reminders cost at most 7.50 € + postage', () => {
  it('7.50 € + postage accepted; 10.00 € refused', () => {
    expect(() => checkFee('Formal', { channel: 'post', feeCents: 750, postageCents: 211 }, true)).not.toThrow();
    expect(codeOf(() => checkFee('Formal', { channel: 'post', feeCents: 1_000, postageCents: 0 }, true)))
      .toEqual({ code: 'reminder.fee_too_high', details: { field: 'feeCents', maxFeeCents: 750 } });
  });

  it('no postage on an e-mail; no fee at all at LegalAction in consumer-safe mode', () => {
    expect(codeOf(() => checkFee('FinalNotice', { channel: 'electronic', feeCents: 0, postageCents: 100 }, true)).code).toBe('reminder.postage_not_allowed');
    expect(codeOf(() => checkFee('LegalAction', { channel: 'post', feeCents: 750, postageCents: 0 }, true)).details).toMatchObject({ maxFeeCents: 0 });
    expect(() => checkFee('LegalAction', { channel: 'post', feeCents: 750, postageCents: 0 }, false)).not.toThrow();
  });
});

describe('R31: one flat indemnity, capped by the balance', () => {
  const at = (principalCents: number, history: readonly SentReminder[] = [gentle], date = '2024-03-16', consumerSafe = true) =>
    indemnityAllowedCents({ level: 'Formal', date, debt: { ...debt, principalCents }, history, consumerSafe });

  it.each([[15_000, 2_000], [30_000, 4_500], [65_000, 7_250], [5_000_000, 200_000]])('balance %i → at most %i', (balance, cap) => {
    expect(at(balance)).toBe(cap);
  });

  it('is 0 before T1 in consumer-safe mode, and once claimed', () => {
    expect(at(65_000, [gentle], '2024-03-15')).toBe(0);
    expect(at(65_000, [gentle, formal], '2024-05-01')).toBe(0);
  });

  it('a partial payment lowers the cap (balance on the day of the claim)', () => {
    const partly = { ...debt, payments: [{ date: '2024-03-10', cents: 35_000 }] };
    expect(indemnityAllowedCents({ level: 'Formal', date: '2024-03-16', debt: partly, history: [gentle], consumerSafe: true })).toBe(4_500);
  });

  it('a second indemnity is refused; one above the cap too', () => {
    const input = { level: 'FinalNotice' as const, date: '2024-05-01', debt, history: [gentle, formal], consumerSafe: true };
    expect(codeOf(() => checkIndemnity(100, input)).code).toBe('reminder.indemnity_already_claimed');
    expect(() => checkIndemnity(0, input)).not.toThrow();
    expect(codeOf(() => checkIndemnity(7_251, { ...input, level: 'Formal', history: [gentle] })))
      .toEqual({ code: 'reminder.indemnity_too_high', details: { field: 'indemnityCents', maxCents: 7_250 } });
  });
});

describe('breakdown of later reminders (worked by hand)', () => {
  it('Formal on 15 Apr 2024, consumer-safe: interest from T1 (16 Mar), 30 days at 5.75 %', () => {
    // 650 × 0.0575 × 30/365 = 3.0719… → 3.07 €; indemnity 65 + 5 % × 150 = 72.50 €
    const b = breakdown({ level: 'Formal', date: '2024-04-15', debt, history: [gentle], channel: 'electronic', consumerSafe: true, feeCents: 750 });
    expect(b).toMatchObject({
      principalCents: 65_000, feeCents: 750, postageCents: 0, indemnityCents: 7_250, interestCents: 307,
      earlierChargesCents: 0, totalCents: 73_307, t1: '2024-03-16', interestFrom: '2024-03-16',
    });
  });

  it('consumer-safe off: interest from the day after the due date (21 Feb → 15 Apr 2024: 54 days)', () => {
    // 650 × 0.0575 × 54/365 = 5.5294… → 5.53 €
    const b = breakdown({ level: 'Formal', date: '2024-04-15', debt, history: [gentle], channel: 'electronic', consumerSafe: false, feeCents: 750 });
    expect(b).toMatchObject({ interestFrom: '2024-02-21', interestCents: 553, totalCents: 65_000 + 750 + 7_250 + 553 });
  });

  it('FinalNotice: no second indemnity, earlier charges carried, interest to date across the rate change', () => {
    // 16 Mar 2024 → 10 Jan 2025: 291 days at 5.75 % + 9 days at 4.50 % on 650 €
    // 65 000 × (291 × 575 + 9 × 450) / 3 650 000 = 65 000 × 171 375 / 3 650 000 = 3 051.88… → 30.52 €
    const b = breakdown({
      level: 'FinalNotice', date: '2025-01-10', debt, history: [gentle, formal], channel: 'post', consumerSafe: true, feeCents: 750, postageCents: 250,
    });
    expect(b).toMatchObject({
      principalCents: 65_000, feeCents: 750, postageCents: 250, indemnityCents: 0, interestCents: 3_052, earlierChargesCents: 8_000,
      totalCents: 65_000 + 750 + 250 + 3_052 + 8_000,
    });
    expect(b.interestSegments.map((s) => [s.days, s.rateBp])).toEqual([[291, 575], [9, 450]]);
  });

  it('a clause above the law-2002 rate is void in consumer-safe mode (R32)', () => {
    const input = { level: 'Formal' as const, date: '2024-04-15', debt, history: [gentle], channel: 'electronic' as const, feeCents: 750 };
    expect(breakdown({ ...input, consumerSafe: true, clauseRateBp: 1_300 }).interestCents).toBe(307); // 13 % > 12.5 % → 5.75 %
    // 650 × 0.13 × 54/365 = 12.50… → consumer-safe off: the clause applies from 21 Feb
    expect(breakdown({ ...input, consumerSafe: false, clauseRateBp: 1_300 }).interestCents).toBe(1_250);
  });

  it('refuses a fee above the cap', () => {
    expect(codeOf(() => breakdown({ level: 'Formal', date: '2024-04-15', debt, history: [gentle], channel: 'post', consumerSafe: true, feeCents: 1_000 })).code)
      .toBe('reminder.fee_too_high');
  });
});

describe('property: total = sum of the parts, indemnity within its cap', () => {
  it('holds for random debts, payments and dates', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 99 }), fc.boolean(), fc.integer({ min: 0, max: 750 }),
      (principal, later, paidPct, consumerSafe, fee) => {
        const paid = Math.floor((principal * paidPct) / 100);
        const d: Debt = { ...debt, principalCents: principal, payments: paid > 0 ? [{ date: '2024-03-20', cents: paid }] : [] };
        const date = addDays('2024-03-16', later);
        const b = breakdown({ level: 'Formal', date, debt: d, history: [gentle], channel: 'electronic', consumerSafe, feeCents: fee });
        expect(b.totalCents).toBe(b.principalCents + b.feeCents + b.postageCents + b.indemnityCents + b.interestCents + b.earlierChargesCents);
        expect(b.indemnityCents).toBeLessThanOrEqual(200_000);
        expect(b.indemnityCents).toBeGreaterThanOrEqual(2_000);
        expect(Number.isSafeInteger(b.interestCents) && b.interestCents >= 0).toBe(true);
      },
    ), { numRuns: 60 });
  });
});
