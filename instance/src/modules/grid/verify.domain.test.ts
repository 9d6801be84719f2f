import { describe, expect, it } from 'vitest';
import { fillPlaceholders, placeholdersIn, type DraftLocale, type ReminderLevel } from './placeholders.domain.ts';
import { reminderPlaceholders, reminderPrompt } from './prompt.domain.ts';
import { reminderTemplate } from './templates.domain.ts';
import { factsOf, strayNumbers, verifyDraft } from './verify.domain.ts';

const LEVELS: ReminderLevel[] = ['Gentle', 'Formal', 'FinalNotice', 'LegalAction'];
const LOCALES: DraftLocale[] = ['fr', 'nl', 'de', 'en'];
const spec = (level: ReminderLevel = 'Gentle', locale: DraftLocale = 'fr') => ({ documentType: 'reminder' as const, level, locale });
const good = {
  subject: 'Rappel de paiement : échéance du {{DUE_DATE}}',
  body: 'Madame, Monsieur {{OWNER_NAME}},\n\nNous vous prions de verser {{AMOUNT_DUE}}, échu le {{DUE_DATE}}, avec la communication {{PAYMENT_REF}}. Merci pour votre compréhension.',
};

describe('AI draft verification', () => {
  it('accepts every deterministic template as it is (all legal mentions present, no flag)', () => {
    for (const level of LEVELS) for (const locale of LOCALES) {
      const v = verifyDraft(reminderTemplate(level, locale), spec(level, locale));
      expect(v, `${level} ${locale}`).toMatchObject({ ok: true, flags: [] });
    }
  });

  it('appends the legal frame, flagged, when a node leaves a mandatory mention out', () => {
    const v = verifyDraft(good, spec('Gentle', 'fr'));
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.flags).toEqual(['legal_mentions_added']);
    expect(v.body).toContain('{{ENTERPRISE_NUMBER}}');
    expect(v.body).toContain('{{INDEMNITY}}');
    expect(v.body.startsWith(good.body)).toBe(true);
  });

  it('rejects amounts, dates, IBANs and percentages written outside placeholders', () => {
    for (const fact of ['1.250,00 €', '15/01/2026', '15 janvier 2026', 'BE68 5390 0754 7034', '8 %', '+++123/4567/89002+++']) {
      const v = verifyDraft({ ...good, body: `${good.body} Montant : ${fact}.` }, spec());
      expect(v, fact).toMatchObject({ ok: false, fault: 'number_outside_placeholder' });
    }
  });

  it('lets legal references through (their digits are not facts)', () => {
    expect(strayNumbers('Selon l\'art. 3.87 §3 C. civ. et le livre XIX.2, {{AMOUNT_DUE}}')).toEqual([]);
  });

  it('rejects missing, unknown and malformed placeholders', () => {
    expect(verifyDraft({ ...good, body: good.body.replace('{{PAYMENT_REF}}', 'la référence') }, spec()))
      .toMatchObject({ ok: false, fault: 'placeholder_missing' });
    expect(verifyDraft({ ...good, body: `${good.body} {{OWNER_EMAIL}}` }, spec())).toMatchObject({ ok: false, fault: 'placeholder_unknown' });
    expect(verifyDraft({ ...good, body: `${good.body} {{AMOUNT_DUE}` }, spec())).toMatchObject({ ok: false, fault: 'placeholder_malformed' });
    expect(verifyDraft({ ...good, body: `${good.body} {{ amount }}` }, spec())).toMatchObject({ ok: false, fault: 'placeholder_malformed' });
  });

  it('rejects the wrong language, lengths out of bounds, links and non-strings', () => {
    expect(verifyDraft({ subject: 'Reminder {{DUE_DATE}}', body: 'Dear {{OWNER_NAME}}, please pay {{AMOUNT_DUE}} due on {{DUE_DATE}} with the reference {{PAYMENT_REF}} to the account. Thank you for your attention.' }, spec()))
      .toMatchObject({ ok: false, fault: 'language' });
    expect(verifyDraft({ subject: '', body: good.body }, spec())).toMatchObject({ ok: false, fault: 'length' });
    expect(verifyDraft({ subject: 'x', body: 'court' }, spec())).toMatchObject({ ok: false, fault: 'length' });
    expect(verifyDraft({ ...good, body: `${good.body} Voir https://example.org` }, spec())).toMatchObject({ ok: false, fault: 'content' });
    expect(verifyDraft({ subject: 1, body: null }, spec())).toMatchObject({ ok: false, fault: 'schema' });
  });

  it('compares redundant runs on facts (the placeholder multiset), not wording', () => {
    const other = { subject: 'Paiement attendu {{DUE_DATE}}', body: 'Cher {{OWNER_NAME}}, merci de payer {{PAYMENT_REF}} {{AMOUNT_DUE}} {{DUE_DATE}}.' };
    expect(factsOf(other)).toBe(factsOf(good));
    expect(factsOf({ ...other, body: other.body.replace('{{DUE_DATE}}', '') })).not.toBe(factsOf(good));
  });
});

describe('the prompt sent to nodes', () => {
  it('holds placeholders and allowed context only: no digit at all', () => {
    for (const level of LEVELS) for (const locale of LOCALES) {
      const p = reminderPrompt({ level, locale, tone: 'firm' });
      expect(p, `${level} ${locale}`).not.toMatch(/[0-9]/);
      for (const name of reminderPlaceholders(level)) expect(p).toContain(`{{${name}}}`);
    }
  });
});

describe('placeholders', () => {
  it('fills every placeholder and reports those without a value', () => {
    expect(fillPlaceholders('A {{X}} B {{Y}}', { X: '1' })).toEqual({ text: 'A 1 B {{Y}}', missing: ['Y'] });
    expect(placeholdersIn('{{A}}{{B_2}} {{c}}')).toEqual(['A', 'B_2']);
  });
});
