import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../test/support/errors.ts';
import { letterMail, letterText, type LetterData } from './letter.domain.ts';
import { amountsFor, chargesFor, channelFor, checkSettings, historyOf, isRegisteredMail, ladderChannel, runDecision, type LadderSettings } from './plan.domain.ts';
import type { Debt, SentReminder } from './ladder.domain.ts';

const settings: LadderSettings = {
  consumerSafe: true, fees: { Formal: 750, FinalNotice: 500, LegalAction: 0 }, postageCents: 150, registeredPostageCents: 900, clauseRateBp: null,
};
// Due Sat 31 Jan 2026, 400.00 €: Gentle from D + 10 = Tue 10 Feb 2026.
const debt: Debt = { dueDate: '2026-01-31', principalCents: 40_000 };
const gentle: SentReminder = { level: 'Gentle', sentOn: '2026-02-10', channel: 'electronic' };

describe('charges of a reminder', () => {
  it('Gentle is free (R29); later levels carry the building\'s fee, plus postage by post only', () => {
    expect(chargesFor('Gentle', 'post', settings)).toEqual({ feeCents: 0, postageCents: 0 });
    expect(chargesFor('Formal', 'post', settings)).toEqual({ feeCents: 750, postageCents: 150 });
    expect(chargesFor('Formal', 'electronic', settings)).toEqual({ feeCents: 750, postageCents: 0 });
    expect(chargesFor('FinalNotice', 'post', settings)).toEqual({ feeCents: 500, postageCents: 900 }); // registered letter
  });

  it('LegalAction: no amicable-stage cost in consumer-safe mode; the fee otherwise', () => {
    const fees = { ...settings.fees, LegalAction: 300 };
    expect(chargesFor('LegalAction', 'post', { ...settings, fees })).toEqual({ feeCents: 0, postageCents: 0 });
    expect(chargesFor('LegalAction', 'post', { ...settings, fees, consumerSafe: false })).toEqual({ feeCents: 300, postageCents: 150 });
  });

  it('refuses settings over the caps: 7.50 € per later reminder; no LegalAction fee in consumer-safe mode', () => {
    expect(() => checkSettings(settings)).not.toThrow();
    expect(codeOf(() => checkSettings({ ...settings, fees: { ...settings.fees, Formal: 751 } })).code).toBe('reminder.fee_too_high');
    expect(codeOf(() => checkSettings({ ...settings, fees: { ...settings.fees, LegalAction: 1 } })).code).toBe('reminder.fee_too_high');
    expect(() => checkSettings({ ...settings, consumerSafe: false, fees: { ...settings.fees, LegalAction: 750 } })).not.toThrow();
  });

  it('maps delivery channels to the ladder\'s and flags only FinalNotice as registered mail', () => {
    expect([ladderChannel('email'), ladderChannel('post')]).toEqual(['electronic', 'post']);
    expect(['Gentle', 'Formal', 'FinalNotice', 'LegalAction'].map((l) => isRegisteredMail(l as never))).toEqual([false, false, true, false]);
  });
});

describe('run decision', () => {
  it('drafts nothing before the earliest date, then the next level with its amounts', () => {
    expect(runDecision(debt, [], '2026-02-09', 'electronic', settings)).toMatchObject({ kind: 'none', step: { kind: 'next', due: false, earliestDate: '2026-02-10' } });
    expect(runDecision(debt, [], '2026-02-10', 'electronic', settings)).toMatchObject({ kind: 'draft', level: 'Gentle',
      amounts: { principalCents: 40_000, feeCents: 0, announcedIndemnityCents: 5_500, totalCents: 40_000, t1: '2026-02-25' } });
    // T1 = 02-25; on 03-07 (10 days of interest at 4.50 %): 40 000 × 450 × 10 / 3 650 000 = 49.32 → 49.
    expect(runDecision(debt, [gentle], '2026-03-07', 'electronic', settings)).toMatchObject({ kind: 'draft', level: 'Formal',
      amounts: { feeCents: 750, indemnityCents: 5_500, interestCents: 49, totalCents: 46_299 } });
  });

  it('drafts nothing on a paused or settled debt', () => {
    expect(runDecision({ ...debt, status: 'disputed' }, [gentle], '2026-03-07', 'post', settings))
      .toMatchObject({ kind: 'none', step: { kind: 'paused', reason: 'disputed' } });
    expect(runDecision({ ...debt, payments: [{ date: '2026-03-01', cents: 40_000 }] }, [gentle], '2026-03-07', 'post', settings))
      .toMatchObject({ kind: 'none', step: { kind: 'stopped', reason: 'paid' } });
  });

  it('reads a history in level order whatever the order of the rows', () => {
    const formal: SentReminder = { level: 'Formal', sentOn: '2026-03-07', channel: 'post' };
    expect(historyOf([formal, gentle]).map((r) => r.level)).toEqual(['Gentle', 'Formal']);
  });
});

describe('letters', () => {
  const base = (over: Partial<LetterData>): LetterData => ({
    language: 'fr', level: 'Gentle', date: '2026-02-10', associationName: 'ACP Łódź Résidence', enterpriseNumber: '0123456749',
    ownerName: 'Jean Dupont', periodLabel: '2026 T1', dueDate: '2026-01-31', iban: 'BE68539007547034',
    structuredCommunication: '+++000/0000/00101+++', amounts: amountsFor('Gentle', '2026-02-10', debt, [], 'post', settings),
    registeredMail: false, trackingNumber: null, consumerSafe: true, ...over,
  });

  it('Gentle carries every mention of R29 in each language', () => {
    const fr = letterText(base({}));
    const all = [fr.title, ...fr.rows.flat(), ...fr.amounts.flat(), ...fr.paragraphs].join('\n');
    // Posted Tue 10 Feb: grace from Fri 13 Feb (3rd working day), T1 = 27 Feb, last day 26 Feb.
    for (const s of ['Rappel de paiement', 'ACP Lódz Résidence', '0123456749', '31/01/2026', '400,00 €', '55,00 €', '26/02/2026', 'gratuit', '14 jours']) {
      expect(all).toContain(s);
    }
    expect(letterText(base({ language: 'nl' })).paragraphs.join(' ')).toContain('14 dagen');
    expect(letterText(base({ language: 'de' })).paragraphs.join(' ')).toContain('14 Tagen');
    expect(letterText(base({ language: 'en' })).paragraphs.join(' ')).toContain('14 days');
  });

  it('FinalNotice: registered mail with its tracking number, the last deadline and legal action announced', () => {
    const amounts = amountsFor('FinalNotice', '2026-03-21', debt, [gentle, { level: 'Formal', sentOn: '2026-03-07', channel: 'post' }], 'post', settings);
    const t = letterText(base({ level: 'FinalNotice', date: '2026-03-21', amounts, registeredMail: true, trackingNumber: 'RR1BE', language: 'en' }));
    expect(t.title).toBe('Formal notice');
    expect(t.rows).toContainEqual(['Registered mail', 'Tracking number: RR1BE']);
    expect(t.paragraphs.join(' ')).toContain('by 04/04/2026 at the latest');
    expect(t.paragraphs.join(' ')).toContain('justice of the peace');
    expect(letterMail(base({ level: 'FinalNotice', date: '2026-03-21', amounts, registeredMail: true, language: 'en' })).subject)
      .toBe('Formal notice – 2026 T1');
  });
});

describe('channelFor', () => {
  it('sends the registered FinalNotice by post whatever the owner accepted, the other levels by the owner\'s channel', () => {
    expect(channelFor('FinalNotice', 'electronic')).toBe('post');
    expect(channelFor('FinalNotice', 'post')).toBe('post');
    for (const level of ['Gentle', 'Formal', 'LegalAction'] as const) expect(channelFor(level, 'electronic')).toBe('electronic');
  });

  it('prices a drafted FinalNotice with registered postage for an owner who accepts e-mail', () => {
    const formal: SentReminder = { level: 'Formal', sentOn: '2026-02-25', channel: 'electronic', feeCents: 750, indemnityCents: 5_500 };
    const d = runDecision(debt, [gentle, formal], '2026-03-11', 'electronic', settings);
    expect(d).toMatchObject({ kind: 'draft', level: 'FinalNotice', channel: 'post', amounts: { postageCents: 900 } });
  });
});

