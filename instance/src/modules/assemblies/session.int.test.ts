import { beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/support/test-app.ts';
import { assemblyWorld, onDay, type AssemblyWorld } from './assemblies.fixture.ts';

const t = await createTestApp();
beforeEach(() => onDay(t, '2030-06-01'));

async function convened(w: AssemblyWorld, body: Record<string, unknown> = {}, items?: Record<string, unknown>[]) {
  const m = await w.meeting({ meetingDate: '2030-06-20', ...body }, items);
  const r = await w.api.post(`/buildings/${w.buildingId}/meetings/${m.id}/convocations`);
  if (r.statusCode !== 200) throw new Error(r.body);
  return m;
}

describe('proxies, attendance and quorum', () => {
  it('opens with the double quorum (R05: 6 owners / 500 shares of 10 / 1000), and fails at 6 / 450', async () => {
    const spec = Array.from({ length: 10 }, (_, i) => ({ name: `Owner${i}`, shares: 100 }));
    const w = await assemblyWorld(t, spec);
    const b = `/buildings/${w.buildingId}`;
    const ok = await convened(w);
    for (const o of w.owners.slice(0, 5)) expect((await w.api.post(`${b}/meetings/${ok.id}/attendance`, { personId: o.id, mode: 'present' })).statusCode).toBe(201);
    // A sixth owner, represented through a proxy held by owner 0.
    const proxy = await w.api.post(`${b}/meetings/${ok.id}/proxies`, { principalPersonId: w.owners[5]!.id, holderPersonId: w.owners[0]!.id });
    expect(proxy.statusCode, proxy.body).toBe(201);
    const rep = await w.api.post(`${b}/meetings/${ok.id}/attendance`, { personId: w.owners[5]!.id, mode: 'represented' });
    expect(rep.json()).toMatchObject({ holderPersonId: w.owners[0]!.id, votes: { numerator: '100' } });
    const early = await w.api.post(`${b}/meetings/${ok.id}/open`);
    expect(early.json().error).toMatchObject({ code: 'meeting.not_yet', details: { meetingDate: '2030-06-20' } });
    onDay(t, '2030-06-20');
    const opened = (await w.api.post(`${b}/meetings/${ok.id}/open`)).json();
    expect(opened.status).toBe('open');
    expect(opened.quorum).toMatchObject({ reached: true, path: 'owners_and_shares', ownersPresent: 6, ownersTotal: 10,
      sharesPresent: { numerator: '600' } });
  });

  it('ends a meeting without quorum as no_quorum, then allows a second session 15 days later whatever the attendance (R06)', async () => {
    const w = await assemblyWorld(t, [{ name: 'A', shares: 450 }, { name: 'B', shares: 50 }, { name: 'C', shares: 50 }, { name: 'D', shares: 450 }]);
    const b = `/buildings/${w.buildingId}`;
    const m = await convened(w);
    await w.api.post(`${b}/meetings/${m.id}/attendance`, { personId: w.owners[1]!.id, mode: 'present' });
    await w.api.post(`${b}/meetings/${m.id}/attendance`, { personId: w.owners[2]!.id, mode: 'present' });
    const remote = await w.api.post(`${b}/meetings/${m.id}/attendance`, { personId: w.owners[3]!.id, mode: 'remote' });
    expect(remote.json().error.code).toBe('attendance.remote_not_offered'); // R19
    onDay(t, '2030-06-20');
    const failed = (await w.api.post(`${b}/meetings/${m.id}/open`)).json();
    expect(failed.status).toBe('no_quorum');
    expect(failed.quorum.reached).toBe(false);
    const early = await w.api.post(`${b}/meetings`, { kind: 'second_session', firstMeetingId: m.id, meetingDate: '2030-07-04', startTime: '18:00', place: 'X' });
    expect(early.json().error).toMatchObject({ code: 'meeting.second_session_too_early', details: { earliestMeetingDate: '2030-07-05' } });
    const second = await w.api.post(`${b}/meetings`, { kind: 'second_session', firstMeetingId: m.id, meetingDate: '2030-07-05', startTime: '18:00', place: 'X' });
    expect(second.statusCode).toBe(201);
    expect(second.json().agenda.map((i: any) => i.title)).toEqual(['Approbation des comptes']);
    const s = second.json();
    expect((await w.api.post(`${b}/meetings/${s.id}/convocations`)).statusCode).toBe(200);
    await w.api.post(`${b}/meetings/${s.id}/attendance`, { personId: w.owners[1]!.id, mode: 'present' });
    onDay(t, '2030-07-05');
    const opened = (await w.api.post(`${b}/meetings/${s.id}/open`)).json();
    expect(opened.quorum).toMatchObject({ reached: true, path: 'second_session' });
  });

  it('refuses the syndic as proxy holder and a 4th proxy above 10 %, and says why', async () => {
    const w = await assemblyWorld(t, [{ name: 'Bob', shares: 20 }, { name: 'P1', shares: 20 }, { name: 'P2', shares: 20 }, { name: 'P3', shares: 20 },
      { name: 'P4', shares: 10 }, { name: 'Big', shares: 40 }, { name: 'Rest', shares: 870 }], 1000);
    const b = `/buildings/${w.buildingId}`;
    const [bob, p1, p2, p3, p4, big, rest] = w.owners;
    await w.api.patch(`${b}/assembly-settings`, { syndicPersonId: rest!.id });
    const m = await convened(w);
    const give = (principal: string, holder: string) => w.api.post(`${b}/meetings/${m.id}/proxies`, { principalPersonId: principal, holderPersonId: holder });
    expect((await give(p1!.id, rest!.id)).json().error.code).toBe('proxy.syndic_holder');
    for (const p of [p1, p2, p3]) expect((await give(p!.id, bob!.id)).statusCode).toBe(201);
    const tooMuch = await give(big!.id, bob!.id);
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().error).toMatchObject({ code: 'proxy.limit_exceeded', details: { proxies: 4, carriedVotes: '120', totalVotes: '1000' } });
    expect((await give(p4!.id, bob!.id)).statusCode).toBe(201); // 20 + 70 = 90 ≤ 100
    expect((await give(p4!.id, rest!.id)).json().error.code).toBe('proxy.syndic_holder');
  });
});

describe('voting', () => {
  it('replaces a changed vote, refuses a vote after close (409), and tallies exactly with the cap and a conflict of interest', async () => {
    const w = await assemblyWorld(t, [{ name: 'Alpha', shares: 600 }, { name: 'Beta', shares: 200 }, { name: 'Gamma', shares: 100 }, { name: 'Delta', shares: 100 }]);
    const b = `/buildings/${w.buildingId}`;
    const [alpha, beta, gamma, delta] = w.owners;
    const m = await convened(w, {}, [
      { title: 'Budget', decisionType: 'accounts_budget' },
      { title: 'Contrat de Gamma', decisionType: 'other', excludedPersonIds: [gamma!.id] },
    ]);
    for (const o of [alpha, beta, gamma, delta]) await w.api.post(`${b}/meetings/${m.id}/attendance`, { personId: o!.id, mode: 'present' });
    onDay(t, '2030-06-20');
    const opened = (await w.api.post(`${b}/meetings/${m.id}/open`)).json();
    const [budget, contract] = opened.agenda;
    const vote = (itemId: string, personId: string, choice: string, clientVoteId?: string) =>
      w.api.post(`${b}/meetings/${m.id}/agenda-items/${itemId}/votes`, { personId, choice, ...(clientVoteId ? { clientVoteId } : {}) });
    expect((await vote(budget.id, alpha!.id, 'for')).json().error.code).toBe('resolution.not_open');
    expect((await w.api.post(`${b}/meetings/${m.id}/agenda-items/${budget.id}/open-vote`)).statusCode).toBe(200);
    expect((await vote(budget.id, alpha!.id, 'against')).json()).toMatchObject({ replaced: false });
    expect((await vote(budget.id, alpha!.id, 'for')).json()).toMatchObject({ replaced: true, choice: 'for' });
    await vote(budget.id, beta!.id, 'against');
    await vote(budget.id, gamma!.id, 'abstention');
    await vote(budget.id, delta!.id, 'against', 'd-1');
    expect((await vote(budget.id, delta!.id, 'against', 'd-1')).json()).toMatchObject({ replaced: false }); // idempotent resend
    const closed = (await w.api.post(`${b}/meetings/${m.id}/agenda-items/${budget.id}/close-vote`)).json();
    // Alpha carries 600 but the others present hold 400: capped at 400. 400 for, 300 against → adopted.
    expect(closed.result).toMatchObject({ for: { numerator: '400' }, against: { numerator: '300' }, abstention: { numerator: '100' },
      cast: { numerator: '700' }, adopted: true, ballots: 4, againstNames: ['Beta', 'Delta'], abstainedNames: ['Gamma'] });
    const late = await vote(budget.id, beta!.id, 'for');
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('resolution.closed');
    await w.api.post(`${b}/meetings/${m.id}/agenda-items/${contract.id}/open-vote`);
    expect((await vote(contract.id, gamma!.id, 'for')).json().error.code).toBe('vote.conflict_of_interest');
    const notHere = await w.api.post(`${b}/meetings/${m.id}/agenda-items/${contract.id}/votes`, { personId: w.owners[0]!.id, choice: 'for' });
    expect(notHere.statusCode).toBe(200);
    const live = (await w.api.get(`${b}/meetings/${m.id}/agenda-items/${contract.id}/result`)).json();
    expect(live).toMatchObject({ for: { numerator: '300' } }); // Alpha capped at Beta + Delta = 300 (Gamma excluded)
    expect((await w.api.post(`${b}/meetings/${m.id}/close`)).json().error.code).toBe('meeting.has_open_votes');
    await w.api.post(`${b}/meetings/${m.id}/agenda-items/${contract.id}/close-vote`);
    const done = (await w.api.post(`${b}/meetings/${m.id}/close`)).json();
    expect(done).toMatchObject({ status: 'closed', minutesDueOn: '2030-07-20' });
  });

  it('counts 200 owners voting at once exactly, each once, while some change their vote', async () => {
    const spec = Array.from({ length: 200 }, (_, i) => ({ name: `V${String(i).padStart(3, '0')}`, shares: 5 }));
    const w = await assemblyWorld(t, spec, 1000);
    const b = `/buildings/${w.buildingId}`;
    const m = await convened(w);
    await Promise.all(w.owners.map((o) => w.api.post(`${b}/meetings/${m.id}/attendance`, { personId: o.id, mode: 'present' })));
    onDay(t, '2030-06-20');
    const opened = (await w.api.post(`${b}/meetings/${m.id}/open`)).json();
    expect(opened.quorum.ownersPresent).toBe(200);
    const item = opened.agenda[0].id;
    await w.api.post(`${b}/meetings/${m.id}/agenda-items/${item}/open-vote`);
    const choiceOf = (i: number) => (i % 4 === 0 ? 'against' : i % 7 === 0 ? 'abstention' : 'for');
    const first = await Promise.all(w.owners.map((o, i) => w.api.post(`${b}/meetings/${m.id}/agenda-items/${item}/votes`,
      { personId: o.id, choice: i % 2 ? 'against' : choiceOf(i) })));
    expect(first.every((r) => r.statusCode === 200)).toBe(true);
    // Everyone votes again at once (the odd ones change their mind), twice the same client id for half of them.
    const second = await Promise.all(w.owners.flatMap((o, i) => {
      const body = { personId: o.id, choice: choiceOf(i), clientVoteId: `final-${i}` };
      const send = () => w.api.post(`${b}/meetings/${m.id}/agenda-items/${item}/votes`, body);
      return i % 2 ? [send(), send()] : [send()];
    }));
    expect(second.map((r) => r.statusCode).filter((s) => s !== 200)).toEqual([]);
    const closed = (await w.api.post(`${b}/meetings/${m.id}/agenda-items/${item}/close-vote`)).json();
    const expected = { for: 0, against: 0, abstention: 0 };
    w.owners.forEach((_, i) => { expected[choiceOf(i) as keyof typeof expected] += 5; });
    expect(closed.result).toMatchObject({ ballots: 200, for: { numerator: String(expected.for) }, against: { numerator: String(expected.against) },
      abstention: { numerator: String(expected.abstention) } });
    const [row] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from votes where agenda_item_id = ${item}`;
    expect(row!.n).toBe(200);
  });
});
