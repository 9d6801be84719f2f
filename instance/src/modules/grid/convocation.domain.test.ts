import { describe, expect, it } from 'vitest';
import { convocationValues, type MeetingFacts } from './convocation-facts.domain.ts';
import { convocationTemplate } from './convocation-templates.domain.ts';
import { fillPlaceholders, placeholdersIn, type DraftLocale } from './placeholders.domain.ts';
import { convocationPlaceholders, convocationPrompt, promptOfDraft } from './prompt.domain.ts';
import { factsOf, verifyDraft } from './verify.domain.ts';

const LOCALES: DraftLocale[] = ['fr', 'nl', 'de', 'en'];
const spec = (locale: DraftLocale = 'fr', agendaCount = 3) => ({ documentType: 'convocation' as const, level: null, locale, agendaCount });
const facts: MeetingFacts = {
  buildingName: 'Résidence Canari', kind: 'ordinary', meetingDate: '2031-06-30', startTime: '18:30', place: 'Salle Zorglub, rue du Canari 77',
  remoteLink: 'https://meet.example.org/canary-room', documentsInfo: null,
  agenda: [{ position: 1, title: 'Approbation des comptes Canary' }, { position: 2, title: 'Toiture Zorglub' }, { position: 3, title: 'Budget' }],
};
const good = {
  subject: 'Convocation à l\'assemblée du {{AG_DATE}}',
  body: 'Madame, Monsieur {{OWNER_NAME}},\n\nVous êtes convoqué à l\'assemblée générale de {{BUILDING}} le {{AG_DATE}} à {{AG_TIME}}, à l\'adresse {{AG_PLACE}}.\n\n'
    + 'Ordre du jour :\n{{AGENDA_1}}\n{{AGENDA_2}}\n{{AGENDA_3}}\n\nNous comptons sur votre présence.',
};

describe('convocation drafts (pure parts)', () => {
  it('accepts the deterministic template in every language, with every legal mention and no flag', () => {
    for (const locale of LOCALES) for (const n of [1, 3, 12]) {
      const t = convocationTemplate(locale, n);
      const v = verifyDraft(t, spec(locale, n));
      expect(v, `${locale} ${n}`).toMatchObject({ ok: true, flags: [] });
      const used = new Set([...placeholdersIn(t.subject), ...placeholdersIn(t.body)]);
      for (const p of convocationPlaceholders(n)) expect(used.has(p), `${locale} ${p}`).toBe(true);
    }
  });

  it('fills the template with the meeting\'s values in each language, the owner\'s name left for each recipient', () => {
    for (const locale of LOCALES) {
      const t = convocationTemplate(locale, 3);
      const values = { ...convocationValues(facts, locale), OWNER_NAME: '{{OWNER_NAME}}' };
      const body = fillPlaceholders(t.body, values);
      expect(body.missing).toEqual([]);
      expect(body.text).toContain('1. Approbation des comptes Canary\n2. Toiture Zorglub\n3. Budget');
      expect(body.text).toContain('Salle Zorglub, rue du Canari 77');
      expect(body.text).toContain('18:30');
      expect(body.text).toContain('https://meet.example.org/canary-room');
      expect(body.text).toContain('3.87 §7'); // the proxy rules
      expect(placeholdersIn(body.text)).toEqual(['OWNER_NAME']);
    }
    expect(convocationValues(facts, 'fr').AG_DATE).toBe('30/06/2031');
    expect(convocationValues({ ...facts, remoteLink: null }, 'en').REMOTE_PARTICIPATION).toBe('No remote participation is offered for this assembly.');
  });

  it('appends the legal mentions, flagged, when a node leaves them out', () => {
    const v = verifyDraft(good, spec());
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.flags).toEqual(['legal_mentions_added']);
    expect(v.body.startsWith(good.body)).toBe(true);
    for (const p of ['DOCUMENTS_INFO', 'PROXY_INFO', 'REMOTE_PARTICIPATION']) expect(v.body).toContain(`{{${p}}}`);
  });

  it('rejects a convocation without its place, time, date or an agenda item, and invented agenda items', () => {
    for (const p of ['AG_PLACE', 'AG_TIME', 'AG_DATE', 'AGENDA_2']) {
      const v = verifyDraft({ subject: 'Convocation à l\'assemblée générale', body: good.body.replace(`{{${p}}}`, 'ici') }, spec());
      expect(v, p).toMatchObject({ ok: false, fault: 'placeholder_missing' });
    }
    expect(verifyDraft({ ...good, body: `${good.body}\n{{AGENDA_4}}` }, spec())).toMatchObject({ ok: false, fault: 'placeholder_unknown' });
    expect(verifyDraft({ ...good, body: `${good.body} Montant : {{AMOUNT_DUE}}.` }, spec())).toMatchObject({ ok: false, fault: 'placeholder_unknown' });
  });

  it('rejects dates, times and numbers written outside placeholders', () => {
    for (const fact of ['30/06/2031', '18h30', '30 juin 2031', 'point 4']) {
      const v = verifyDraft({ ...good, body: `${good.body} Rappel : ${fact}.` }, spec());
      expect(v, fact).toMatchObject({ ok: false, fault: 'number_outside_placeholder' });
    }
  });

  it('refuses a text in another language than asked', () => {
    expect(verifyDraft(convocationTemplate('nl', 3), spec('fr'))).toMatchObject({ ok: false, fault: 'language' });
  });

  it('builds a prompt of placeholders only: no name, date, time, place or agenda title of the meeting (PII canaries)', () => {
    for (const locale of LOCALES) {
      const prompt = convocationPrompt({ locale, tone: 'friendly', agendaCount: 3 });
      for (const canary of ['Canari', 'Canary', 'Zorglub', '2031', '30/06', '18:30', 'meet.example', 'Approbation', 'Toiture', 'Budget']) {
        expect(prompt, `${locale} ${canary}`).not.toContain(canary);
      }
      for (const p of ['AG_DATE', 'AG_TIME', 'AG_PLACE', 'AGENDA_1', 'AGENDA_3']) expect(prompt).toContain(`{{${p}}}`);
      expect(prompt).not.toContain('{{AGENDA_4}}');
    }
    const built = promptOfDraft({ documentType: 'convocation', level: null, locale: 'nl', tone: 'neutral', agendaCount: 2 });
    expect(built.required).toEqual(expect.arrayContaining(['AG_DATE', 'AG_TIME', 'AG_PLACE', 'AGENDA_1', 'AGENDA_2']));
    expect(built.templateVersion).toBe('convocation-v1');
    expect(promptOfDraft({ documentType: 'reminder', level: 'Formal', locale: 'nl', tone: 'neutral', agendaCount: null }).templateVersion).toBe('reminder-v1');
  });

  it('compares redundant runs on their placeholders, agenda included', () => {
    const reordered = { subject: good.subject, body: good.body.replace('{{AGENDA_1}}\n{{AGENDA_2}}', '{{AGENDA_2}}\n{{AGENDA_1}}') };
    expect(factsOf(reordered)).toBe(factsOf(good));
    expect(factsOf({ ...good, body: good.body.replace('{{AGENDA_3}}', '') })).not.toBe(factsOf(good));
  });
});
