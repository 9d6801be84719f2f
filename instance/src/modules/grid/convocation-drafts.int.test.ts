import { describe, expect, it } from 'vitest';
import { createActor } from '../../../test/support/actors.ts';
import { createTestApp } from '../../../test/support/test-app.ts';
import type { Role } from '../access/access.domain.ts';
import { assemblyWorld } from '../assemblies/assemblies.fixture.ts';

/**
 * Convocation drafts without an edge node (the template fallback), their permissions, approval with the
 * meeting's values, and the assemblies' convocation sending with an approved draft as the message text.
 * Real PostgreSQL; the grid end to end with a node is in convocation-grid.int.test.ts.
 */
const t = await createTestApp();
t.clock.set(new Date('2030-06-01T09:00:00Z'), { frozen: true });
const w = await assemblyWorld(t, [
  { name: 'Dupont', shares: 400, language: 'fr', email: 'dupont@example.org' }, { name: 'Janssens', shares: 350, language: 'nl', email: 'janssens@example.org' },
  { name: 'Smith', shares: 250, language: 'en' },
]);
const b = `/buildings/${w.buildingId}`;
const items = [{ title: 'Comptes Canari', decisionType: 'accounts_budget' }, { title: 'Toiture Zorglub', decisionType: 'common_parts_works' }];
const as = async (role: Role) => {
  const a = await createActor(t.deps, { organizationId: w.orgId, grants: [{ role }] });
  return (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1/orgs/${w.orgId}${url}`, headers: a.headers, ...(payload ? { payload } : {}) });
};
const ask = (meetingId: string, locale = 'fr') => w.api.post(`${b}/ai-drafts`, { documentType: 'convocation', meetingId, locale });

describe('convocation drafts', () => {
  it('is asked for a draft meeting far enough away; refuses an unknown, convened, empty or too-close meeting', async () => {
    expect((await ask('00000000-0000-4000-8000-000000000001')).json().error.code).toBe('meeting.not_found');
    const close = await w.meeting({ meetingDate: '2030-06-10' }, items);
    const late = await ask(close.id);
    expect(late.statusCode).toBe(422);
    expect(late.json().error).toMatchObject({ code: 'meeting.convocation_too_late', details: { earliestMeetingDate: '2030-06-16' } });
    const empty = await w.meeting({ meetingDate: '2030-07-10' }, []);
    expect((await ask(empty.id)).json().error.code).toBe('meeting.agenda_empty');
    const bad = await w.api.post(`${b}/ai-drafts`, { documentType: 'convocation', ownerCallId: empty.id, locale: 'fr' });
    expect(bad.statusCode).toBe(400);
    const m = await w.meeting({ meetingDate: '2030-07-01' }, items);
    const res = await ask(m.id);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ documentType: 'convocation', meetingId: m.id, ownerCallId: null, level: null, status: 'queued', locale: 'fr' });
    expect((await w.api.post(`${b}/meetings/${m.id}/convocations`)).statusCode).toBe(200);
    expect((await ask(m.id)).json().error.code).toBe('meeting.illegal_transition');
    // Convened without it: the unfinished draft is cancelled and no longer changes.
    expect((await w.api.get(`${b}/ai-drafts/${res.json().id}`)).json().status).toBe('cancelled');
    const revived = await w.api.post(`${b}/ai-drafts/${res.json().id}/use-template`);
    expect(revived.statusCode).toBe(409);
    expect(revived.json().error.code).toBe('ai_draft.closed');
  });

  it('takes the template when no node writes it, approves it with the meeting\'s real values, the owner\'s name left per recipient', async () => {
    const m = await w.meeting({ meetingDate: '2030-07-02', place: 'Salle du Canari', remoteLink: 'https://meet.example.org/ag' }, items);
    const id = (await ask(m.id)).json().id;
    expect((await w.api.post(`${b}/ai-drafts/${id}/approve`)).json().error.code).toBe('ai_draft.illegal_transition');
    const templ = (await w.api.post(`${b}/ai-drafts/${id}/use-template`)).json();
    expect(templ).toMatchObject({ status: 'ready', source: 'template', flags: ['template'] });
    expect(templ.body).toContain('{{AGENDA_1}}\n{{AGENDA_2}}');
    const approved = (await w.api.post(`${b}/ai-drafts/${id}/approve`)).json();
    expect(approved.status).toBe('approved');
    expect(approved.final.subject).toBe('Convocation : Assemblée générale ordinaire du 02/07/2030');
    for (const v of ['1. Comptes Canari\n2. Toiture Zorglub', 'Salle du Canari', '18:30', 'https://meet.example.org/ag', 'procuration', '3.87 §7']) {
      expect(approved.final.body).toContain(v);
    }
    expect(approved.final.body.match(/\{\{\w+\}\}/g)).toEqual(['{{OWNER_NAME}}']);
  });

  it('refuses approval when the agenda changed since the draft was asked for, or the meeting is now too close', async () => {
    const m = await w.meeting({ meetingDate: '2030-07-03' }, items);
    const id = (await ask(m.id)).json().id;
    await w.api.post(`${b}/ai-drafts/${id}/use-template`);
    await w.api.post(`${b}/meetings/${m.id}/agenda-items`, { title: 'Divers' });
    expect((await w.api.post(`${b}/ai-drafts/${id}/approve`)).json().error.code).toBe('ai_draft.agenda_changed');
    const m2 = await w.meeting({ meetingDate: '2030-07-04' }, items);
    const id2 = (await ask(m2.id)).json().id;
    await w.api.post(`${b}/ai-drafts/${id2}/use-template`);
    t.clock.set(new Date('2030-06-25T09:00:00Z'), { frozen: true });
    try {
      expect((await w.api.post(`${b}/ai-drafts/${id2}/approve`)).json().error.code).toBe('meeting.convocation_too_late');
    } finally {
      t.clock.set(new Date('2030-06-01T09:00:00Z'), { frozen: true });
    }
  });

  it('checks a hand-written text like a node\'s: every agenda item, no date written out', async () => {
    const m = await w.meeting({ meetingDate: '2030-07-05' }, items);
    const id = (await ask(m.id, 'en')).json().id;
    const body = 'Dear {{OWNER_NAME}},\n\nYou are invited to the general assembly on {{AG_DATE}} at {{AG_TIME}}, at {{AG_PLACE}}.\n\nAgenda:\n{{AGENDA_1}}\n{{AGENDA_2}}\n\nWe hope to see you there.';
    const missing = await w.api.patch(`${b}/ai-drafts/${id}`, { subject: 'Convocation', body: body.replace('{{AGENDA_2}}', '') });
    expect(missing.json().error).toMatchObject({ code: 'ai_draft.text_rejected', details: { fault: 'placeholder_missing' } });
    const dated = await w.api.patch(`${b}/ai-drafts/${id}`, { subject: 'Convocation of 5 July', body });
    expect(dated.json().error.details.fault).toBe('number_outside_placeholder');
    const ok = (await w.api.patch(`${b}/ai-drafts/${id}`, { subject: 'Convocation to the general assembly', body })).json();
    expect(ok).toMatchObject({ status: 'ready', source: 'syndic', flags: ['legal_mentions_added', 'edited'] });
    expect(ok.body).toContain('{{PROXY_INFO}}');
  });

  it('governs convocation drafts by the assemblies\' permissions, reminders\' by the reminders\'', async () => {
    const m = await w.meeting({ meetingDate: '2030-07-06' }, items);
    const id = (await ask(m.id)).json().id;
    const accountant = await as('accountant'); // reminder.read, no assembly.read
    const council = await as('council_member'); // assembly.read and reminder.read, no write
    const owner = await as('owner'); // assembly.read only
    expect((await accountant('GET', `${b}/ai-drafts/${id}`)).statusCode).toBe(403);
    expect((await accountant('GET', `${b}/ai-drafts`)).json().items.some((d: { id: string }) => d.id === id)).toBe(false);
    expect((await council('GET', `${b}/ai-drafts/${id}`)).statusCode).toBe(200);
    expect((await council('GET', `${b}/ai-drafts`)).json().items.some((d: { id: string }) => d.id === id)).toBe(true);
    expect((await council('POST', `${b}/ai-drafts/${id}/use-template`)).json().error.code).toBe('auth.forbidden');
    expect((await council('POST', `${b}/ai-drafts`, { documentType: 'convocation', meetingId: m.id, locale: 'fr' })).statusCode).toBe(403);
    expect((await owner('GET', `${b}/ai-drafts/${id}`)).statusCode).toBe(200);
    expect((await owner('POST', `${b}/ai-drafts/${id}/approve`)).statusCode).toBe(403);
    const syndic = await as('syndic');
    expect((await syndic('POST', `${b}/ai-drafts/${id}/use-template`)).statusCode).toBe(200);
  });

  it('sends the convocations with approved drafts as the message text, per language; the PDF stays the assemblies\'', async () => {
    const m = await w.meeting({ meetingDate: '2030-07-07' }, items);
    const other = await w.meeting({ meetingDate: '2030-07-08' }, items);
    const approve = async (meetingId: string, locale: string) => {
      const id = (await ask(meetingId, locale)).json().id;
      await w.api.post(`${b}/ai-drafts/${id}/use-template`);
      expect((await w.api.post(`${b}/ai-drafts/${id}/approve`)).statusCode).toBe(200);
      return id as string;
    };
    const fr = await approve(m.id, 'fr');
    const nl = await approve(m.id, 'nl');
    const fr2 = await approve(m.id, 'fr');
    const elsewhere = await approve(other.id, 'fr');
    const pending = (await ask(m.id, 'de')).json().id;
    const send = (aiDraftIds: string[]) => w.api.post(`${b}/meetings/${m.id}/convocations`, { aiDraftIds });
    expect((await send([elsewhere])).json().error.code).toBe('ai_draft.wrong_meeting');
    expect((await send([pending])).json().error.code).toBe('ai_draft.not_approved');
    expect((await send([fr, fr2])).json().error.code).toBe('ai_draft.locale_taken');
    expect((await send(['00000000-0000-4000-8000-000000000001'])).statusCode).toBe(404);
    // The meeting's place changes after approval: the approved text is outdated.
    expect((await w.api.patch(`${b}/meetings/${m.id}`, { place: 'Ailleurs' })).statusCode).toBe(200);
    expect((await send([fr])).json().error.code).toBe('ai_draft.outdated');
    expect((await w.api.patch(`${b}/meetings/${m.id}`, { place: 'Salle communale, Bruxelles' })).statusCode).toBe(200);
    const res = await send([fr, nl]);
    expect(res.statusCode, res.body).toBe(200);
    const byPerson = new Map(res.json().recipients.map((r: { personId: string; deliveryId: string }) => [r.personId, r.deliveryId]));
    const delivery = async (personId: string) => (await t.deps.sql<{ subject: string; body: string }[]>`select subject, body_text as body
      from deliveries where id = ${byPerson.get(personId) as string}`)[0]!;
    const dupont = await delivery(w.owners[0]!.id);
    expect(dupont.subject).toBe('Convocation : Assemblée générale ordinaire du 07/07/2030');
    expect(dupont.body).toContain('Madame, Monsieur Dupont');
    expect(dupont.body).toContain('1. Comptes Canari');
    const janssens = await delivery(w.owners[1]!.id);
    expect(janssens.body).toContain('Geachte mevrouw, geachte heer Janssens');
    expect(janssens.body).toContain('07-07-2030');
    // No English draft: the standard text.
    expect((await delivery(w.owners[2]!.id)).subject).toMatch(/^Convocation – Ordinary general assembly/);
    const pdfs = await t.deps.sql`select 1 from delivery_attachments x join archived_documents a on a.id = x.document_id
      where x.delivery_id = ${byPerson.get(w.owners[0]!.id) as string} and a.content_type = 'application/pdf'`;
    expect(pdfs).toHaveLength(1);
    const [audit] = await t.deps.sql<{ details: { aiDraftIds: string[] } }[]>`select details from audit_log
      where organization_id = ${w.orgId} and action = 'meeting.convened' and entity_id = ${m.id}`;
    expect(audit!.details.aiDraftIds.sort()).toEqual([fr, nl].sort());
  });
});
