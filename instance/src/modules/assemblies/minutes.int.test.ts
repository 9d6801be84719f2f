import { beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/support/test-app.ts';
import { pdfText } from '../calls/pdf-text.fixture.ts';
import { assemblyWorld, onDay } from './assemblies.fixture.ts';
import { flagOverdueMinutes } from './minutes.service.ts';

const t = await createTestApp();
beforeEach(() => onDay(t, '2030-06-01'));
const raw = (r: unknown) => (r as { rawPayload: Buffer }).rawPayload;
/** pdfText decodes WinAnsi except the en dash (0x96). */
const textOf = (pdf: Buffer) => pdfText(pdf).replace(/\u0096/g, '–');

describe('minutes and the decisions register', () => {
  it('renders the minutes in the building\'s language from the record, needs signatures, sends them once to every owner', async () => {
    const w = await assemblyWorld(t, [{ name: 'Aerts', shares: 500, email: 'aerts@example.org' }, { name: 'Bosmans', shares: 300 }, { name: 'Cools', shares: 200 }]);
    await w.api.patch(`/buildings/${w.buildingId}`, { language: 'nl' });
    const b = `/buildings/${w.buildingId}`;
    const [aerts, bosmans, cools] = w.owners;
    const m = await w.meeting({ meetingDate: '2030-06-20' }, [
      { title: 'Jaarrekening 2029', decisionType: 'accounts_budget', draftResolution: 'De jaarrekening wordt goedgekeurd.' },
      { title: 'Gevelrenovatie', decisionType: 'common_parts_works' },
    ]);
    await w.api.post(`${b}/meetings/${m.id}/convocations`);
    await w.api.post(`${b}/meetings/${m.id}/proxies`, { principalPersonId: cools!.id, holderPersonId: bosmans!.id });
    for (const [o, mode] of [[aerts, 'present'], [bosmans, 'present'], [cools, 'represented']] as const) {
      await w.api.post(`${b}/meetings/${m.id}/attendance`, { personId: o!.id, mode });
    }
    onDay(t, '2030-06-20');
    const [accounts, works] = (await w.api.post(`${b}/meetings/${m.id}/open`)).json().agenda;
    for (const [item, votes] of [[accounts, ['for', 'against', 'abstention']], [works, ['for', 'for', 'against']]] as const) {
      await w.api.post(`${b}/meetings/${m.id}/agenda-items/${item.id}/open-vote`);
      for (const [i, o] of [aerts, bosmans, cools].entries()) {
        await w.api.post(`${b}/meetings/${m.id}/agenda-items/${item.id}/votes`, { personId: o!.id, choice: votes[i] });
      }
      await w.api.post(`${b}/meetings/${m.id}/agenda-items/${item.id}/close-vote`);
    }
    expect((await w.api.get(`${b}/meetings/${m.id}/minutes`)).json().error.code).toBe('meeting.illegal_transition'); // still open
    await w.api.post(`${b}/meetings/${m.id}/close`);
    const mins = (await w.api.get(`${b}/meetings/${m.id}/minutes`)).json();
    expect(mins).toMatchObject({ language: 'nl', dueOn: '2030-07-20', signatures: [], sentOn: null });
    expect((await w.api.post(`${b}/meetings/${m.id}/minutes/send`)).json().error.code).toBe('minutes.unsigned');
    await w.api.post(`${b}/meetings/${m.id}/minutes/signatures`, { signatures: [{ name: 'Aerts', role: 'president' }, { name: 'Bosmans', role: 'secretary' }] });
    const text = textOf(raw(await w.api.get(`${b}/meetings/${m.id}/minutes/pdf`)));
    expect(text).toContain('Notulen');
    expect(text).toContain('Cools – vertegenwoordigd door Bosmans – 200');
    expect(text).toContain('bereikt: 3/3, 1000/1000');
    expect(text).toContain('Vereiste meerderheid: volstrekte meerderheid');
    expect(text).toContain('Uitslag: Voor 500 – Tegen 300 – Onthoudingen, blanco en ongeldig 200 (uitgebrachte stemmen: 800)');
    expect(text).toContain('AANGENOMEN');
    expect(text).toContain('Stemden tegen: Bosmans');
    expect(text).toContain('Onthielden zich: Cools');
    expect(text).toContain('Vereiste meerderheid: meerderheid van 2/3');
    expect(text).toContain('Stemden tegen: Cools');
    expect(text).toContain('Aerts (president)');
    const sent = await w.api.post(`${b}/meetings/${m.id}/minutes/send`);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ sentOn: '2030-06-20', recipients: 3 });
    expect(sent.json().sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await w.api.post(`${b}/meetings/${m.id}/minutes/send`)).statusCode).toBe(409);
    const channels = await t.deps.sql`select channel from deliveries where related_type = 'minutes' and related_id = ${m.id} order by channel`;
    expect(channels.map((c) => c.channel)).toEqual(['email', 'post', 'post']);

    const all = (await w.api.get(`${b}/decisions`)).json().items;
    expect(all.map((d: any) => [d.title, d.adopted])).toEqual([['Jaarrekening 2029', true], ['Gevelrenovatie', true]]);
    expect(all[0].contestableUntil).toBe('2030-10-20');
    expect((await w.api.get(`${b}/decisions?q=gevel`)).json().items.map((d: any) => d.title)).toEqual(['Gevelrenovatie']);
    expect((await w.api.get(`${b}/decisions?q=100%25`)).json().items).toEqual([]);
    expect((await w.api.get(`${b}/decisions?adopted=false`)).json().items).toEqual([]);
  });

  it('flags minutes not sent by meeting + 30 days, once, to the organization\'s admins (R17)', async () => {
    const w = await assemblyWorld(t, [{ name: 'Solo', shares: 600 }, { name: 'Duo', shares: 400 }]);
    const b = `/buildings/${w.buildingId}`;
    const m = await w.meeting({ meetingDate: '2030-06-17' });
    await w.api.post(`${b}/meetings/${m.id}/convocations`);
    onDay(t, '2030-06-17');
    expect((await w.api.post(`${b}/meetings/${m.id}/open`)).json().status).toBe('no_quorum'); // nobody signed in
    t.clock.set(new Date('2030-07-17T09:00:00Z'), { frozen: true });
    const before = await t.deps.sql`select 1 from minutes where meeting_id = ${m.id} and overdue_flagged_at is not null`;
    await flagOverdueMinutes(t.deps);
    expect(before).toHaveLength(0);
    expect(await t.deps.sql`select 1 from minutes where meeting_id = ${m.id} and overdue_flagged_at is not null`).toHaveLength(0); // day 30
    t.clock.set(new Date('2030-07-18T09:00:00Z'), { frozen: true });
    await flagOverdueMinutes(t.deps);
    await flagOverdueMinutes(t.deps);
    const notes = await t.deps.sql`select payload from notifications where organization_id = ${w.orgId} and type = 'assembly.minutes_overdue'`;
    expect(notes.map((n) => n.payload)).toEqual([{ meetingId: m.id, buildingId: w.buildingId, dueOn: '2030-07-17' }]);
  });
});

describe('written procedure (3.87 §11, R18)', () => {
  it('adopts only with every owner\'s written agreement, rejects on one refusal, and refuses decisions needing a notarial act', async () => {
    const w = await assemblyWorld(t, Array.from({ length: 10 }, (_, i) => ({ name: `W${i}`, shares: 100 })));
    const b = `/buildings/${w.buildingId}`;
    const notarial = await w.api.post(`${b}/written-procedures`, { title: 'Statuts', resolution: 'Modifier les statuts', decisionType: 'statutes_other', needsAuthenticAct: true });
    expect(notarial.json().error.code).toBe('written_procedure.authentic_act_required');
    const p = (await w.api.post(`${b}/written-procedures`, { title: 'Peinture', resolution: 'Repeindre le hall en bleu', decisionType: 'routine_maintenance' })).json();
    for (const o of w.owners.slice(0, 9)) await w.api.post(`${b}/written-procedures/${p.id}/answers`, { personId: o.id, agrees: true });
    expect((await w.api.get(`${b}/written-procedures/${p.id}`)).json()).toMatchObject({ status: 'open', owners: 10, agreed: 9 });
    expect((await w.api.post(`${b}/written-procedures/${p.id}/answers`, { personId: w.owners[0]!.id, agrees: false })).statusCode).toBe(409);
    expect((await w.api.post(`${b}/written-procedures/${p.id}/close`)).json()).toMatchObject({ status: 'rejected', closedOn: '2030-06-01' });
    const q = (await w.api.post(`${b}/written-procedures`, { title: 'Vélos', resolution: 'Local vélos', decisionType: 'other' })).json();
    let last: any;
    for (const o of w.owners) last = (await w.api.post(`${b}/written-procedures/${q.id}/answers`, { personId: o.id, agrees: true })).json();
    expect(last).toMatchObject({ status: 'adopted', agreed: 10 });
    const r = (await w.api.post(`${b}/written-procedures`, { title: 'Cour', resolution: 'Paver la cour', decisionType: 'other' })).json();
    expect((await w.api.post(`${b}/written-procedures/${r.id}/answers`, { personId: w.owners[3]!.id, agrees: false })).json().status).toBe('rejected');
  });
});
