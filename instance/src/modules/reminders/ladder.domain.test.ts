import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../test/support/errors.ts';
import { checkApproval, graceStart, LEVELS, nextAllowed, t1Of, type Debt, type SentReminder } from './ladder.domain.ts';
import { addDays } from './working-days.domain.ts';

// Due Tue 20 Feb 2024: Gentle from D + 10 = Fri 1 Mar 2024 (collection.gentle.delayDays).
const debt: Debt = { dueDate: '2024-02-20', principalCents: 65_000 };
const gentleMail: SentReminder = { level: 'Gentle', sentOn: '2024-03-01', channel: 'electronic' };
const gentlePost: SentReminder = { level: 'Gentle', sentOn: '2024-03-01', channel: 'post' };
const formal: SentReminder = { level: 'Formal', sentOn: '2024-03-16', channel: 'electronic', feeCents: 750, indemnityCents: 7_250 };
const final: SentReminder = { level: 'FinalNotice', sentOn: '2024-03-30', channel: 'post', feeCents: 750, postageCents: 250 };
const legal: SentReminder = { level: 'LegalAction', sentOn: '2024-04-14', channel: 'post' };

describe('R30: grace period and T1', () => {
  it('e-mailed Fri 1 Mar 2024: grace runs 2–15 Mar, T1 = 16 Mar', () => {
    expect(graceStart('2024-03-01', 'electronic')).toBe('2024-03-02');
    expect(t1Of('2024-03-01', 'electronic')).toBe('2024-03-16');
  });

  it('posted Fri 1 Mar 2024: grace starts Wed 6 Mar (Saturday not a working day), T1 = 20 Mar', () => {
    expect(graceStart('2024-03-01', 'post')).toBe('2024-03-06');
    expect(t1Of('2024-03-01', 'post')).toBe('2024-03-20');
    expect(t1Of('2024-03-01', 'post', { saturdayIsWorkingDay: true })).toBe('2024-03-19');
  });

  it('Formal on 15 Mar after an e-mailed Gentle → reminder.too_early with the earliest date', () => {
    expect(codeOf(() => checkApproval('Formal', '2024-03-15', [gentleMail], debt)))
      .toEqual({ code: 'reminder.too_early', details: { field: 'date', level: 'Formal', earliestDate: '2024-03-16' } });
    expect(() => checkApproval('Formal', '2024-03-16', [gentleMail], debt)).not.toThrow();
  });

  it('Formal on 19 Mar after a posted Gentle → too early; 20 Mar accepted', () => {
    expect(codeOf(() => checkApproval('Formal', '2024-03-19', [gentlePost], debt)).details).toMatchObject({ earliestDate: '2024-03-20' });
    expect(() => checkApproval('Formal', '2024-03-20', [gentlePost], debt)).not.toThrow();
  });
});

describe('the ladder walked "as of" successive dates', () => {
  const walk: [string, readonly SentReminder[], unknown][] = [
    ['2024-02-25', [], { kind: 'next', level: 'Gentle', earliestDate: '2024-03-01', due: false, t1: '2024-03-16' }],
    ['2024-03-01', [], { kind: 'next', level: 'Gentle', earliestDate: '2024-03-01', due: true, t1: '2024-03-16' }],
    ['2024-03-10', [gentleMail], { kind: 'next', level: 'Formal', earliestDate: '2024-03-16', due: false, t1: '2024-03-16' }],
    ['2024-03-16', [gentleMail], { kind: 'next', level: 'Formal', earliestDate: '2024-03-16', due: true, t1: '2024-03-16' }],
    ['2024-03-20', [gentleMail, formal], { kind: 'next', level: 'FinalNotice', earliestDate: '2024-03-30', due: false, t1: '2024-03-16' }],
    ['2024-04-13', [gentleMail, formal, final], { kind: 'next', level: 'LegalAction', earliestDate: '2024-04-14', due: false, t1: '2024-03-16' }],
    ['2024-04-14', [gentleMail, formal, final], { kind: 'next', level: 'LegalAction', earliestDate: '2024-04-14', due: true, t1: '2024-03-16' }],
    ['2024-05-01', [gentleMail, formal, final, legal], { kind: 'complete' }],
  ];
  it.each(walk)('as of %s', (asOf, history, expected) => {
    expect(nextAllowed({ debt, history, asOf })).toEqual(expected);
  });

  it('projects T1 of a posted Gentle from the later of asOf and its earliest date', () => {
    expect(nextAllowed({ debt, history: [], asOf: '2024-02-25', channel: 'post' })).toMatchObject({ t1: '2024-03-20' });
  });
});

describe('stops and pauses', () => {
  it('a payment that settles the principal stops the ladder; a partial one does not', () => {
    const paid = { ...debt, payments: [{ date: '2024-03-10', cents: 65_000 }] };
    expect(nextAllowed({ debt: paid, history: [gentleMail], asOf: '2024-03-20' })).toEqual({ kind: 'stopped', reason: 'paid' });
    expect(nextAllowed({ debt: paid, history: [gentleMail], asOf: '2024-03-09' })).toMatchObject({ kind: 'next', level: 'Formal' });
    const partial = { ...debt, payments: [{ date: '2024-03-10', cents: 30_000 }] };
    expect(nextAllowed({ debt: partial, history: [gentleMail], asOf: '2024-03-20' })).toMatchObject({ kind: 'next', level: 'Formal', due: true });
    expect(codeOf(() => checkApproval('Formal', '2024-03-20', [gentleMail], paid)).code).toBe('reminder.debt_settled');
  });

  it('a disputed debt or a payment plan pauses it', () => {
    expect(nextAllowed({ debt: { ...debt, status: 'disputed' }, history: [gentleMail], asOf: '2024-03-20' })).toEqual({ kind: 'paused', reason: 'disputed' });
    expect(nextAllowed({ debt: { ...debt, status: 'paymentPlan' }, history: [], asOf: '2024-03-20' })).toEqual({ kind: 'paused', reason: 'paymentPlan' });
    expect(codeOf(() => checkApproval('Formal', '2024-03-20', [gentleMail], { ...debt, status: 'disputed' })))
      .toEqual({ code: 'reminder.ladder_paused', details: { field: 'status', reason: 'disputed' } });
  });
});

describe('checkApproval', () => {
  it('no level may be skipped', () => {
    expect(codeOf(() => checkApproval('Formal', '2024-04-01', [], debt)))
      .toEqual({ code: 'reminder.level_skipped', details: { field: 'level', level: 'Formal', expectedLevel: 'Gentle' } });
    expect(codeOf(() => checkApproval('LegalAction', '2024-06-01', [gentleMail, formal], debt)).details)
      .toMatchObject({ expectedLevel: 'FinalNotice' });
  });

  it('a level already reached is refused (409 by naming convention)', () => {
    expect(codeOf(() => checkApproval('Gentle', '2024-04-01', [gentleMail], debt)).code).toBe('reminder.already_sent');
  });

  it('Gentle not before D + collection.gentle.delayDays', () => {
    expect(codeOf(() => checkApproval('Gentle', '2024-02-29', [], debt)).details).toEqual({ field: 'date', level: 'Gentle', earliestDate: '2024-03-01' });
    expect(() => checkApproval('Gentle', '2024-03-01', [], debt)).not.toThrow();
  });

  it('FinalNotice ≥ Formal + 14; LegalAction after the FinalNotice deadline', () => {
    expect(codeOf(() => checkApproval('FinalNotice', '2024-03-29', [gentleMail, formal], debt)).details).toMatchObject({ earliestDate: '2024-03-30' });
    expect(codeOf(() => checkApproval('LegalAction', '2024-04-13', [gentleMail, formal, final], debt)).details).toMatchObject({ earliestDate: '2024-04-14' });
    expect(() => checkApproval('LegalAction', '2024-04-14', [gentleMail, formal, final], debt)).not.toThrow();
  });

  it('refuses an inconsistent history and an unknown level', () => {
    expect(codeOf(() => nextAllowed({ debt, history: [formal], asOf: '2024-04-01' })).code).toBe('reminder.invalid_history');
    expect(codeOf(() => nextAllowed({ debt, history: [gentleMail, { ...formal, sentOn: '2024-02-01' }], asOf: '2024-04-01' })).code).toBe('reminder.invalid_history');
    expect(codeOf(() => checkApproval('Urgent' as never, '2024-04-01', [], debt)).code).toBe('reminder.invalid_level');
    expect(codeOf(() => nextAllowed({ debt: { ...debt, principalCents: -5 }, history: [], asOf: '2024-04-01' })).code).toBe('reminder.invalid_amount');
  });
});

describe('property: approving on the earliest date always works, the day before never does', () => {
  it('holds along random ladders', () => {
    const due = fc.integer({ min: 0, max: 900 }).map((n) => addDays('2023-01-01', n));
    const channel = fc.constantFrom('electronic' as const, 'post' as const);
    fc.assert(fc.property(due, fc.array(fc.tuple(channel, fc.integer({ min: 0, max: 20 })), { minLength: 4, maxLength: 4 }), (dueDate, steps) => {
      const d: Debt = { dueDate, principalCents: 10_000 };
      const history: SentReminder[] = [];
      for (const [i, [ch, late]] of steps.entries()) {
        const step = nextAllowed({ debt: d, history, asOf: dueDate });
        if (step.kind !== 'next') throw new Error('expected a next level');
        expect(step.level).toBe(LEVELS[i]);
        expect(codeOf(() => checkApproval(step.level, addDays(step.earliestDate, -1), history, d)).code).toBe('reminder.too_early');
        const sentOn = addDays(step.earliestDate, late);
        checkApproval(step.level, sentOn, history, d);
        if (i > 0) expect(sentOn > history.at(-1)!.sentOn).toBe(true);
        history.push({ level: step.level, sentOn, channel: ch });
      }
      expect(nextAllowed({ debt: d, history, asOf: dueDate })).toEqual({ kind: 'complete' });
    }), { numRuns: 100 });
  });
});
