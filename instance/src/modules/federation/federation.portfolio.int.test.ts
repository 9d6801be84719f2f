import { signRequest } from '@koprogo/federation';
import { describe, expect, it } from 'vitest';
import { createActor, createOrganization, type Actor } from '../../../test/support/actors.ts';
import { insertLedgerBuilding } from '../accounting/accounting.fixture.ts';
import { postEntry } from '../accounting/posting.ts';
import { signingIdentity } from './federation.identity.ts';
import { eventually, peer, startFedInstance, type FedInstance } from './federation.test-fixture.ts';

/**
 * An owner with lots on two instances: H (home) and X (where another building is). Two real
 * instances, each with its own database, pg-boss and HTTP port.
 */
const H = await startFedInstance('Home H');
const X = await startFedInstance('Building X');
const xOnH = await peer(H, X);
await peer(X, H);

const as = (i: FedInstance, a: Actor) => ({
  get: (url: string) => i.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: a.headers }),
  post: (url: string, payload: object = {}) => i.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: a.headers, payload }),
});

/** A building whose first lot is held by a person with `email`; on X, a call of 123.45 € to that owner and a convened meeting. */
async function ownedBuilding(i: FedInstance, email: string, withBooks: boolean): Promise<string> {
  const { id: orgId } = await createOrganization(i.deps);
  const { buildingId, lots } = await insertLedgerBuilding(i.deps.sql, orgId, { lots: 3, name: `Résidence ${i === H ? 'Home' : 'Ailleurs'}` });
  await i.deps.sql`update persons set email = ${email} where id = ${lots[0]!.personId}`;
  if (!withBooks) return buildingId;
  const admin = await createActor(i.deps, { organizationId: orgId, grants: [{ role: 'admin' }] });
  const today = i.deps.clock.today();
  const fy = await i.app.inject({ method: 'POST', url: `/api/v1/orgs/${orgId}/buildings/${buildingId}/fiscal-years`, headers: admin.headers, payload: { startDate: `${today.slice(0, 4)}-01-01` } });
  expect(fy.statusCode, fy.body).toBe(201);
  const at = i.deps.clock.now();
  await i.deps.sql.begin((tx) => postEntry(tx, { organizationId: orgId, buildingId, journal: 'VEN', date: today, description: 'call', source: { type: 'call', id: 'c1' },
    lines: [{ account: '4101', debitCents: 12_345, creditCents: 0, personId: lots[0]!.personId }, { account: '701', debitCents: 0, creditCents: 12_345 }] },
  { actorUserId: null, requestId: null, at }));
  const inTenDays = new Date(at.getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
  await i.deps.sql`insert into meetings (organization_id, building_id, kind, meeting_date, start_time, place, status, convened_on, created_at, updated_at)
    values (${orgId}, ${buildingId}, 'ordinary', ${inTenDays}, '18:00', 'Salle', 'convened', ${today}, ${at}, ${at})`;
  return buildingId;
}

const aliceHome = await createActor(H.deps, { email: 'alice@home.test' });
const aliceThere = await createActor(X.deps, { email: 'alice@x.test' });
const bobThere = await createActor(X.deps, { email: 'bob@x.test' });
const homeBuilding = await ownedBuilding(H, 'alice@home.test', false);
const remoteBuilding = await ownedBuilding(X, 'alice@x.test', true);

async function feedGet(from: FedInstance, url: string) {
  const res = await fetch(url, { headers: await signRequest({ method: 'GET', url, headers: { accept: 'application/json' } }, await signingIdentity(from.deps), from.deps.clock.now()) });
  return { status: res.status, body: await res.json() as { error?: { code: string } } };
}

describe('owner portfolio across instances', () => {
  it('needs consent on both sides, then shows one portfolio; withdrawing consent stops the fetches', async () => {
    const alone = (await as(H, aliceHome).get('/federation/portfolio')).json();
    expect(alone.parts.map((p: { instance: string }) => p.instance)).toEqual([H.host]);
    expect(alone.parts[0].holdings.map((h: { buildingId: string }) => h.buildingId)).toEqual([homeBuilding]);

    const asked = await as(H, aliceHome).post('/federation/links', { fedPeerId: xOnH, email: 'alice@x.test' });
    expect(asked.statusCode, asked.body).toBe(201);
    expect(asked.json()).toMatchObject({ side: 'home', state: 'requested', peerHost: X.host });
    const pending = await eventually(async () => (await as(X, aliceThere).get('/federation/links')).json().items, (l: Array<{ id: string }>) => l.length === 1);
    expect(pending[0]).toMatchObject({ side: 'building', state: 'requested', peerHost: H.host, remoteEmail: 'alice@x.test' });
    const xLink = pending[0]!.id as string;
    const feedUrl = `${X.url}/fed/owner-feeds/${xLink}/portfolio`;

    // No consent on X yet: another user cannot accept it, and the feed is refused even to H.
    expect((await as(X, bobThere).get('/federation/links')).json().items).toEqual([]);
    expect((await as(X, bobThere).post(`/federation/links/${xLink}/accept`)).statusCode).toBe(404);
    expect(await feedGet(H, feedUrl)).toMatchObject({ status: 403, body: { error: { code: 'fed_link.withdrawn' } } });
    expect((await as(H, aliceHome).get('/federation/portfolio')).json().parts).toHaveLength(1);

    const accepted = await as(X, aliceThere).post(`/federation/links/${xLink}/accept`);
    expect(accepted.json()).toMatchObject({ state: 'active' });
    await eventually(async () => (await as(H, aliceHome).get('/federation/links')).json().items[0].state, (s) => s === 'active');
    const full = (await as(H, aliceHome).get('/federation/portfolio')).json();
    expect(full.unavailable).toEqual([]);
    expect(full.parts.map((p: { instance: string }) => p.instance)).toEqual([H.host, X.host]);
    expect(full.parts[1].holdings).toEqual([expect.objectContaining({ buildingId: remoteBuilding, building: 'Résidence Ailleurs', lots: ['001'], balanceCents: 12_345 })]);
    expect(full.parts[1].holdings[0].upcomingMeetings).toHaveLength(1);
    expect(full.totals).toEqual({ balanceCents: 12_345, buildings: 2 });
    // Only the linked peer may read the feed; an unsigned request is refused.
    expect((await fetch(feedUrl)).status).toBe(401);

    // Withdrawal on the building side: refused at once, and H learns it.
    expect((await as(X, aliceThere).post(`/federation/links/${xLink}/withdraw`)).json()).toMatchObject({ state: 'withdrawn' });
    expect(await feedGet(H, feedUrl)).toMatchObject({ status: 403, body: { error: { code: 'fed_link.withdrawn' } } });
    expect((await as(H, aliceHome).get('/federation/portfolio')).json().parts.map((p: { instance: string }) => p.instance)).toEqual([H.host]);
    await eventually(async () => (await as(H, aliceHome).get('/federation/links')).json().items[0].state, (s) => s === 'withdrawn');
  });

  it('withdrawal on the home side reaches the building instance, which then refuses the feed', async () => {
    const link = (await as(H, aliceHome).post('/federation/links', { fedPeerId: xOnH, email: 'alice@x.test' })).json();
    const xLink = await eventually(async () => (await as(X, aliceThere).get('/federation/links')).json().items.find((l: { state: string }) => l.state === 'requested'), (l) => !!l);
    await as(X, aliceThere).post(`/federation/links/${xLink.id}/accept`);
    await eventually(async () => (await as(H, aliceHome).get('/federation/links')).json().items.find((l: { id: string }) => l.id === link.id).state, (s) => s === 'active');
    expect((await as(H, aliceHome).get('/federation/portfolio')).json().parts).toHaveLength(2);
    expect((await as(H, aliceHome).post(`/federation/links/${link.id}/withdraw`)).statusCode).toBe(200);
    expect((await as(H, aliceHome).get('/federation/portfolio')).json().parts).toHaveLength(1);
    await eventually(async () => (await as(X, aliceThere).get('/federation/links')).json().items.find((l: { id: string }) => l.id === xLink.id).state, (s) => s === 'withdrawn');
    expect((await feedGet(H, `${X.url}/fed/owner-feeds/${xLink.id}/portfolio`)).status).toBe(403);
    // Someone else's link cannot be withdrawn.
    expect((await as(X, bobThere).post(`/federation/links/${xLink.id}/withdraw`)).statusCode).toBe(404);
  });
});
