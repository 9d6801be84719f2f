import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/support/test-app.ts';
import { assemblyWorld, onDay } from './assemblies.fixture.ts';

const t = await createTestApp();
t.clock.set(new Date('2030-06-01T09:00:00Z'), { frozen: true });
await t.app.listen({ host: '127.0.0.1', port: 0 });
const port = (t.app.server.address() as AddressInfo).port;
const w = await assemblyWorld(t, [{ name: 'Anna', shares: 400 }, { name: 'Bert', shares: 300 }, { name: 'Cara', shares: 200 }, { name: 'Dirk', shares: 100 }]);
const [anna, bert, cara, dirk] = w.owners;
const b = `/buildings/${w.buildingId}`;

async function eventually(check: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

type Msg = { type: string; [k: string]: any };
function socket(meetingId: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/orgs/${w.orgId}/meetings/${meetingId}/live`);
  const messages: Msg[] = [];
  ws.addEventListener('message', (m) => messages.push(JSON.parse(String(m.data))));
  const closed = new Promise<number>((resolve) => ws.addEventListener('close', (e) => resolve(e.code)));
  const opened = new Promise<void>((resolve, reject) => { ws.addEventListener('open', () => resolve()); ws.addEventListener('error', () => reject(new Error('socket error'))); });
  return { ws, messages, closed, opened, of: (type: string) => messages.filter((m) => m.type === type) };
}
async function connect(meetingId: string, auth: object) {
  const s = socket(meetingId);
  await s.opened;
  s.ws.send(JSON.stringify(auth));
  await eventually(() => s.of('ready').length > 0);
  return s;
}

const m = await w.meeting({ meetingDate: '2030-06-20', remoteLink: 'https://meet.example.org/ag' });
await w.api.post(`${b}/meetings/${m.id}/convocations`);
await w.api.post(`${b}/meetings/${m.id}/proxies`, { principalPersonId: dirk!.id, holderPersonId: cara!.id });
const tokens: Record<string, string> = {};
for (const [o, mode] of [[anna, 'present'], [bert, 'remote'], [cara, 'present'], [dirk, 'represented']] as const) {
  const r = await w.api.post(`${b}/meetings/${m.id}/attendance`, { personId: o!.id, mode });
  tokens[o!.name] = r.json().voterToken;
}
onDay(t, '2030-06-20');
const item = (await w.api.post(`${b}/meetings/${m.id}/open`)).json().agenda[0].id;

describe('live voting over WebSocket', () => {
  it('announces the open resolution, acknowledges votes, shows them to the chair, resumes without doubling, and refuses after close', async () => {
    const chair = await connect(m.id, { type: 'auth', token: await w.token() });
    expect(chair.of('ready')[0]).toMatchObject({ role: 'chair', openItems: [] });
    const voterA = await connect(m.id, { type: 'voter', voterToken: tokens.Anna });
    const voterB = await connect(m.id, { type: 'voter', voterToken: tokens.Bert });
    const voterC = await connect(m.id, { type: 'voter', voterToken: tokens.Cara });
    expect((await w.api.post(`${b}/meetings/${m.id}/agenda-items/${item}/open-vote`)).statusCode).toBe(200);
    await eventually(() => [voterA, voterB, voterC, chair].every((s) => s.of('resolution.opened').length === 1));
    expect(voterA.of('resolution.opened')[0]).toMatchObject({ itemId: item, majority: 'absolute' });

    voterA.ws.send(JSON.stringify({ type: 'vote', itemId: item, choice: 'for', clientVoteId: 'a-1' }));
    voterB.ws.send(JSON.stringify({ type: 'vote', itemId: item, choice: 'against', clientVoteId: 'b-1' }));
    voterC.ws.send(JSON.stringify({ type: 'vote', itemId: item, choice: 'for', clientVoteId: 'c-1' }));
    voterC.ws.send(JSON.stringify({ type: 'vote', itemId: item, choice: 'against', clientVoteId: 'c-d-1', personId: dirk!.id })); // as Dirk's proxy
    voterC.ws.send(JSON.stringify({ type: 'vote', itemId: item, choice: 'for', clientVoteId: 'c-x', personId: anna!.id }));
    await eventually(() => voterA.of('vote.ack').length === 1 && voterB.of('vote.ack').length === 1
      && voterC.of('vote.ack').length === 2 && voterC.of('vote.rejected').length === 1);
    expect(voterC.of('vote.rejected')[0]).toMatchObject({ clientVoteId: 'c-x', code: 'vote.not_your_ballot' });
    await eventually(() => chair.of('vote.recorded').length === 4);
    expect(voterA.of('vote.recorded')).toEqual([]); // ballots are the chair's view only

    // Bert's connection drops; he reconnects, changes his vote, and his client resends it (same id) as it never saw the ack.
    voterB.ws.close();
    await voterB.closed;
    const again = await connect(m.id, { type: 'voter', voterToken: tokens.Bert });
    expect(again.of('ready')[0]!.openItems).toEqual([{ itemId: item, title: 'Approbation des comptes', draftResolution: expect.anything(), majority: 'absolute' }]);
    expect(again.of('ready')[0]).toMatchObject({ carries: [{ personId: bert!.id }], ballots: [{ itemId: item, personId: bert!.id, choice: 'against' }] });
    again.ws.send(JSON.stringify({ type: 'vote', itemId: item, choice: 'for', clientVoteId: 'b-2' }));
    again.ws.send(JSON.stringify({ type: 'vote', itemId: item, choice: 'for', clientVoteId: 'b-2' }));
    await eventually(() => again.of('vote.ack').length === 2);
    expect(again.of('vote.ack').map((a) => a.replaced)).toEqual([true, false]);

    expect((await w.api.post(`${b}/meetings/${m.id}/agenda-items/${item}/close-vote`)).statusCode).toBe(200);
    await eventually(() => voterA.of('resolution.closed').length === 1 && chair.of('resolution.closed').length === 1);
    const result = (await w.api.get(`${b}/meetings/${m.id}/agenda-items/${item}/result`)).json();
    // Anna 400 + Bert 300 + Cara 200 for, Dirk 100 against: exactly one ballot each.
    expect(result).toMatchObject({ ballots: 4, for: { numerator: '900' }, against: { numerator: '100' }, adopted: true, againstNames: ['Dirk'] });
    // Every participant hears the result with the close (without the names, which stay in the minutes).
    expect(voterA.of('resolution.closed')[0]!.result).toEqual({ majority: result.majority, for: result.for, against: result.against,
      abstention: result.abstention, blank: result.blank, null: result.null, cast: result.cast, adopted: true });
    voterA.ws.send(JSON.stringify({ type: 'vote', itemId: item, choice: 'against', clientVoteId: 'a-late' }));
    await eventually(() => voterA.of('vote.rejected').length === 1);
    expect(voterA.of('vote.rejected')[0]).toMatchObject({ code: 'resolution.closed', clientVoteId: 'a-late' });
    for (const s of [chair, voterA, voterC, again]) s.ws.close();
  });

  it('closes a socket with a bad voter token (4401), an unknown meeting (4404), and answers plain HTTP with 426', async () => {
    const bad = socket(m.id);
    await bad.opened;
    bad.ws.send(JSON.stringify({ type: 'voter', voterToken: 'not-a-token' }));
    expect(await bad.closed).toBe(4401);
    const unknown = socket('00000000-0000-4000-8000-000000000000');
    await unknown.opened;
    unknown.ws.send(JSON.stringify({ type: 'voter', voterToken: tokens.Anna }));
    expect(await unknown.closed).toBe(4404);
    const http = await t.app.inject({ method: 'GET', url: `/api/v1/orgs/${w.orgId}/meetings/${m.id}/live`, headers: { authorization: `Bearer ${await w.token()}` } });
    expect(http.statusCode).toBe(426);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/orgs/${w.orgId}/meetings/${m.id}/live` })).statusCode).toBe(401);
  });
});
