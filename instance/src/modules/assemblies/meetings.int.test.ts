import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/support/test-app.ts';
import { pdfText } from '../calls/pdf-text.fixture.ts';
import { assemblyWorld } from './assemblies.fixture.ts';

const t = await createTestApp();
t.clock.set(new Date('2030-06-01T09:00:00Z'), { frozen: true });
const w = await assemblyWorld(t, [
  { name: 'Dupont', shares: 300, language: 'fr', email: 'dupont@example.org' }, { name: 'Janssens', shares: 250, language: 'nl' },
  { name: 'Müller', shares: 200, language: 'de' }, { name: 'Smith', shares: 150, language: 'en' }, { name: 'Leroy', shares: 100 },
]);
const b = `/buildings/${w.buildingId}`;

describe('meetings, agenda and convocation', () => {
  it('refuses a convocation sent too late with the earliest possible date, and applies a longer delay of the statutes', async () => {
    const m = await w.meeting({ meetingDate: '2030-06-15' });
    const late = await w.api.post(`${b}/meetings/${m.id}/convocations`);
    expect(late.statusCode).toBe(422);
    expect(late.json().error).toMatchObject({ code: 'meeting.convocation_too_late', details: { earliestMeetingDate: '2030-06-16', minDays: 15 } });
    expect((await w.api.patch(`${b}/assembly-settings`, { convocationMinDays: 10 })).json().error.code).toBe('assembly_settings.delay_too_short');
    expect((await w.api.patch(`${b}/assembly-settings`, { convocationMinDays: 20 })).statusCode).toBe(200);
    const m2 = await w.meeting({ meetingDate: '2030-06-18' });
    const r = await w.api.post(`${b}/meetings/${m2.id}/convocations`);
    expect(r.json().error.details.earliestMeetingDate).toBe('2030-06-21');
    await w.api.patch(`${b}/assembly-settings`, { convocationMinDays: 15 });
  });

  it('convenes the voting holders as of the sending day, each in their language, e-mail only with consent (with an .ics)', async () => {
    const m = await w.meeting({ meetingDate: '2030-06-16', remoteLink: 'https://meet.example.org/ag' }, [
      { title: 'Comptes 2029', decisionType: 'accounts_budget', draftResolution: 'Approuver les comptes 2029' },
      { title: 'Ravalement de façade', decisionType: 'common_parts_works' },
    ]);
    expect(m.agenda.map((i: any) => i.majority)).toEqual(['absolute', 'twoThirds']);
    const res = await w.api.post(`${b}/meetings/${m.id}/convocations`);
    expect(res.statusCode, res.body).toBe(200);
    const sent = res.json();
    expect(sent.days).toBe(15);
    expect(sent.warnings).toHaveLength(1); // calendar days only: the clear-days reading needs one more
    expect(sent.recipients).toHaveLength(5);
    const byId = new Map<string, any>(sent.recipients.map((r: any) => [r.personId, r]));
    expect(byId.get(w.owners[0]!.id)).toMatchObject({ channel: 'email', language: 'fr' });
    expect(byId.get(w.owners[1]!.id)).toMatchObject({ channel: 'post', language: 'nl' });
    const [ics] = await t.deps.sql`select a.filename, a.content from delivery_attachments x join archived_documents a on a.id = x.document_id
      where x.delivery_id = ${byId.get(w.owners[0]!.id)!.deliveryId as string} and a.content_type = 'text/calendar'`;
    expect(String(ics!.content)).toMatch(/DTSTART:20300616T163000Z/); // 18:30 in Brussels summer time
    const postIcs = await t.deps.sql`select 1 from delivery_attachments x join archived_documents a on a.id = x.document_id
      where x.delivery_id = ${byId.get(w.owners[1]!.id)!.deliveryId as string} and a.content_type = 'text/calendar'`;
    expect(postIcs).toHaveLength(0);
    const pdfNl = await w.api.get(`${b}/meetings/${m.id}/convocations/${w.owners[1]!.id}/pdf`);
    expect(pdfNl.statusCode).toBe(200);
    const text = pdfText((pdfNl as unknown as { rawPayload: Buffer }).rawPayload);
    expect(text).toContain('Oproeping');
    expect(text).toContain('Ravalement de façade (meerderheid van 2/3)');
    expect(text).toContain('Volmacht');
    expect(text).toContain('https://meet.example.org/ag');
    expect(pdfText(((await w.api.get(`${b}/meetings/${m.id}/convocations/${w.owners[2]!.id}/pdf`)) as unknown as { rawPayload: Buffer }).rawPayload)).toContain('Einberufung');
    const again = await w.api.post(`${b}/meetings/${m.id}/convocations`);
    expect(again.statusCode).toBe(409);
    const frozen = await w.api.post(`${b}/meetings/${m.id}/agenda-items`, { title: 'Point ajouté' });
    expect(frozen.json().error.code).toBe('meeting.agenda_frozen');
  });

  it('puts an owner\'s agenda request on the agenda only if received 21 days before the window', async () => {
    const m = await w.meeting({ meetingDate: '2030-06-25', windowStart: '2030-06-21' });
    const onTime = await w.api.post(`${b}/agenda-requests`, { meetingId: m.id, personId: w.owners[1]!.id, title: 'Vélos', receivedOn: '2030-05-31' });
    expect(onTime.json()).toMatchObject({ outcome: 'added' });
    const late = await w.api.post(`${b}/agenda-requests`, { meetingId: m.id, personId: w.owners[1]!.id, title: 'Jardin', receivedOn: '2030-06-01' });
    expect(late.json()).toMatchObject({ outcome: 'deferred', agendaItemId: null });
    const future = await w.api.post(`${b}/agenda-requests`, { meetingId: m.id, personId: w.owners[1]!.id, title: 'X', receivedOn: '2030-06-02' });
    expect(future.json().error.code).toBe('request.received_in_future');
    const got = (await w.api.get(`${b}/meetings/${m.id}`)).json();
    expect(got.agenda.map((i: any) => i.title)).toEqual(['Approbation des comptes', 'Vélos']);
  });

  it('records an owners\' request for an assembly at 1/5, and lets the requesters convene only after the syndic\'s 30 days', async () => {
    const small = await w.api.post(`${b}/assembly-requests`, { requesterPersonIds: [w.owners[4]!.id, w.owners[4]!.id], subject: 'Toiture' });
    expect(small.json().error.code).toBe('assembly_request.insufficient_shares'); // 100/1000
    const r = await w.api.post(`${b}/assembly-requests`, { requesterPersonIds: [w.owners[4]!.id, w.owners[3]!.id], subject: 'Toiture', receivedOn: '2030-04-01' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ syndicDeadline: '2030-05-01', requesterVotes: { numerator: '250', denominator: '1' } });
    const list = (await w.api.get(`${b}/assembly-requests`)).json().items;
    expect(list.find((x: any) => x.id === r.json().id).requestersMayConvene).toBe(true);
    const byThem = await w.api.post(`${b}/meetings`, { kind: 'extraordinary', meetingDate: '2030-07-01', startTime: '19:00', place: 'Chez Leroy',
      convenedBy: 'requesters', assemblyRequestId: r.json().id });
    expect(byThem.statusCode).toBe(201);
    const fresh = await w.api.post(`${b}/assembly-requests`, { requesterPersonIds: [w.owners[0]!.id], subject: 'Ascenseur' });
    const tooSoon = await w.api.post(`${b}/meetings`, { kind: 'extraordinary', meetingDate: '2030-07-01', startTime: '19:00', place: 'X',
      convenedBy: 'requesters', assemblyRequestId: fresh.json().id });
    expect(tooSoon.json().error.code).toBe('meeting.requesters_cannot_convene_yet');
  });

  it('answers 404 for another organization\'s meeting and for an unknown one', async () => {
    const other = await assemblyWorld(t, [{ name: 'Autre', shares: 100 }], 100);
    const m = await other.meeting();
    expect((await w.api.get(`${b}/meetings/${m.id}`)).statusCode).toBe(404);
    expect((await w.api.get(`/buildings/${other.buildingId}/meetings`)).statusCode).toBe(404);
  });
});
