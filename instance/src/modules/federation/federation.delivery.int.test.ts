import { afterEach, describe, expect, it } from 'vitest';
import { FED_CONTEXT } from '@koprogo/protocols';
import { deliverOnce } from './federation.delivery.ts';
import { originFor } from './federation.identity.ts';
import { enqueueActivity, fanOut, newActivityId } from './federation.outbox.ts';
import { adminCall, eventually, peer, startFedInstance, type FedInstance } from './federation.test-fixture.ts';

/** Delivery failure paths between real instances on loopback: a sender A and receivers that go down. */
const A = await startFedInstance('Instance A');
afterEach(() => A.clock.reset()); // a failed test must not leave A's clock moved (tokens would expire)
const deliveries = async (i: FedInstance) => i.deps.sql<{ state: string; peerHost: string; attempts: number; activityId: string }[]>`
  select d.state, p.host as "peerHost", d.attempts, d.activity_id as "activityId" from fed_deliveries d join fed_peers p on p.id = d.peer_id`;

describe('parking, re-sending and the circuit breaker', () => {
  it('parks a delivery after 16 retries, shows it to admins, and re-sends it on request once the peer is back', async () => {
    const E = await startFedInstance('Instance E');
    await peer(A, E);
    await peer(E, A);
    await new Promise<void>((r) => E.app.server.close(() => r()));
    const { activityId } = (await adminCall(A).post('/federation/stats', { period: '2026-06' })).json();
    const row = await eventually(async () => (await deliveries(A)).find((d) => d.activityId === activityId && d.peerHost === E.host), (d) => !!d && d.attempts >= 1);
    // Fast-forward the retry count to the limit (the real curve spans ≈ 50–74 h), then one more failed attempt.
    await A.deps.sql`update fed_deliveries set attempts = 16, state = 'pending' where activity_id = ${row!.activityId} and state <> 'delivered'
      and peer_id = (select id from fed_peers where host = ${E.host})`;
    const id = (await A.deps.sql<{ id: string }[]>`select d.id from fed_deliveries d join fed_peers p on p.id = d.peer_id
      where d.activity_id = ${activityId} and p.host = ${E.host}`)[0]!.id;
    await A.deps.sql`update fed_peers set circuit_state = 'closed', circuit_failures = 0 where host = ${E.host}`;
    expect(await deliverOnce(A.deps, id)).toBe('parked');
    const parked = (await adminCall(A).get('/federation/outbox?state=parked')).json().items;
    expect(parked.map((p: { id: string }) => p.id)).toContain(id);

    await new Promise<void>((r) => E.app.server.listen(E.port, '127.0.0.1', () => r()));
    expect((await adminCall(A).post(`/federation/outbox/${id}/resend`)).statusCode).toBe(200);
    expect((await adminCall(A).post(`/federation/outbox/${id}/resend`)).statusCode).toBe(409); // already pending again
    await eventually(async () => (await A.deps.sql<{ state: string }[]>`select state from fed_deliveries where id = ${id}`)[0]!.state, (s) => s === 'delivered', 20_000);
    expect((await E.deps.sql`select 1 from fed_inbox where activity_id = ${activityId}`).length).toBe(1);
    expect((await adminCall(A).post('/federation/outbox/00000000-0000-4000-8000-000000000000/resend')).statusCode).toBe(404);
  });

  it('opens the circuit after 5 failures: held deliveries keep their attempt count', async () => {
    const F = await startFedInstance('Instance F');
    await peer(A, F);
    await peer(F, A);
    await new Promise<void>((r) => F.app.server.close(() => r()));
    const { activityId } = (await adminCall(A).post('/federation/stats', { period: '2026-05' })).json();
    const id = (await eventually(async () => A.deps.sql<{ id: string }[]>`select d.id from fed_deliveries d join fed_peers p on p.id = d.peer_id
      where d.activity_id = ${activityId} and p.host = ${F.host}`, (r) => r.length === 1))[0]!.id;
    const attempt = async () => {
      await A.deps.sql`update fed_deliveries set state = 'pending' where id = ${id} and state in ('pending', 'in_flight', 'held')`;
      return deliverOnce(A.deps, id);
    };
    for (let i = 0; i < 6; i++) await attempt();
    const [p] = await A.deps.sql<{ circuitState: string }[]>`select circuit_state as "circuitState" from fed_peers where host = ${F.host}`;
    expect(p!.circuitState).toBe('open');
    const before = (await A.deps.sql<{ attempts: number }[]>`select attempts from fed_deliveries where id = ${id}`)[0]!.attempts;
    expect(await attempt()).toBe('held');
    expect((await A.deps.sql<{ attempts: number; state: string }[]>`select attempts, state from fed_deliveries where id = ${id}`)[0]).toEqual({ attempts: before, state: 'held' });
    // A second activity while the circuit is open: held, no attempt made.
    const second = (await adminCall(A).post('/federation/stats', { period: '2026-01' })).json().activityId;
    const id2 = (await eventually(async () => A.deps.sql<{ id: string; state: string }[]>`select d.id, d.state from fed_deliveries d join fed_peers p on p.id = d.peer_id
      where d.activity_id = ${second} and p.host = ${F.host}`, (r) => r[0]?.state === 'held'))[0]!.id;
    // After the 30 min cool-off (test clocks of both), exactly one attempt is the half-open trial; it fails: open again.
    for (const c of [A.clock, F.clock]) c.advance(31 * 60_000);
    expect(await attempt()).toBe('pending');
    expect((await A.deps.sql<{ s: string }[]>`select circuit_state as s from fed_peers where host = ${F.host}`)[0]!.s).toBe('open');
    // F comes back; after the next cool-off the trial succeeds, closes the circuit and releases the held backlog.
    await new Promise<void>((r) => F.app.server.listen(F.port, '127.0.0.1', () => r()));
    for (const c of [A.clock, F.clock]) c.advance(31 * 60_000);
    await A.deps.sql`update fed_deliveries set state = 'pending' where id = ${id} and state in ('pending', 'held')`;
    // Failures on 7 distinct days without a success: one "peer_unavailable" alert (days forged, today is the 7th).
    await A.deps.sql`update fed_peers set failure_days = array['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06']
      where host = ${F.host}`;
    await A.deps.sql`update fed_peers set circuit_state = 'closed', circuit_failures = 0 where host = ${F.host}`;
    await new Promise<void>((r) => F.app.server.close(() => r()));
    await A.deps.sql`update fed_deliveries set state = 'pending' where id = ${id} and state in ('pending', 'held')`;
    expect(await deliverOnce(A.deps, id)).toBe('pending');
    // (A's clock is 62 min ahead here, past its admin's token lifetime: read the alerts table directly.)
    expect(await A.deps.sql`select details from fed_alerts where kind = 'peer_unavailable' and peer_host = ${F.host}`).toEqual([{ details: { days: 7 } }]);
    await new Promise<void>((r) => F.app.server.listen(F.port, '127.0.0.1', () => r()));
    await A.deps.sql`update fed_deliveries set state = 'pending' where id = ${id} and state in ('pending', 'held')`;
    await A.deps.sql`update fed_peers set circuit_state = 'open', circuit_opened_at = ${new Date(A.clock.now().getTime() - 31 * 60_000)} where host = ${F.host}`;
    expect(await deliverOnce(A.deps, id)).toBe('delivered');
    expect((await A.deps.sql<{ s: string; days: string[] }[]>`select circuit_state as s, failure_days as days from fed_peers where host = ${F.host}`)[0])
      .toEqual({ s: 'closed', days: [] });
    await eventually(async () => (await A.deps.sql<{ state: string }[]>`select state from fed_deliveries where id = ${id2}`)[0]!.state, (s) => s === 'delivered', 20_000);
    A.clock.reset();
    F.clock.reset();
  });
});

describe('expiry', () => {
  it('marks an activity still undelivered at its expiry as expired, without sending it', async () => {
    const H = await startFedInstance('Instance H');
    await peer(A, H);
    const o = originFor(A.deps);
    const id = newActivityId(o);
    const at = A.clock.now();
    await A.deps.sql.begin((tx) => enqueueActivity(tx, { ...A.deps, boss: null }, { '@context': [...FED_CONTEXT], id, type: 'Create', actor: o.actorId,
      published: at.toISOString(), expires: new Date(at.getTime() + 60_000).toISOString(),
      object: { type: 'copro:StatsBulletin', id: `${id}#b`, period: '2026-04', buildings: null, lots: null, owners: null, softwareVersion: 'test' } }));
    await fanOut({ ...A.deps, boss: null }, id);
    const dId = (await A.deps.sql<{ id: string }[]>`select d.id from fed_deliveries d join fed_peers p on p.id = d.peer_id
      where d.activity_id = ${id} and p.host = ${H.host}`)[0]!.id;
    A.clock.advance(61_000);
    expect(await deliverOnce(A.deps, dId)).toBe('expired');
    A.clock.reset();
    expect((await adminCall(A).get('/federation/outbox?state=expired')).json().items.map((d: { id: string }) => d.id)).toContain(dId);
    expect((await H.deps.sql`select 1 from fed_inbox where activity_id = ${id}`).length).toBe(0);
  });
});

describe('clock skew with a peer', () => {
  it('measures it from the signed receipts and alerts above 10 s', async () => {
    const K = await startFedInstance('Instance K');
    await peer(A, K);
    await peer(K, A);
    K.clock.advance(30_000); // K's clock runs 30 s ahead: still inside the window both ways
    const { activityId } = (await adminCall(A).post('/federation/stats', { period: '2026-03' })).json();
    await eventually(async () => (await deliveries(A)).find((d) => d.activityId === activityId && d.peerHost === K.host)?.state, (s) => s === 'delivered');
    const [p] = await A.deps.sql<{ skew: number }[]>`select skew_seconds as skew from fed_peers where host = ${K.host}`;
    expect(p!.skew).toBeGreaterThanOrEqual(29);
    expect(p!.skew).toBeLessThanOrEqual(31);
    const alerts = (await adminCall(A).get('/federation/alerts')).json().items;
    expect(alerts.filter((a: { kind: string; peerHost: string }) => a.kind === 'peer_clock_skew' && a.peerHost === K.host)).toHaveLength(1);
    K.clock.reset();
  });
});

describe('persistent 401', () => {
  it('alerts the administrator after 3 attempts refused with 401 (here: the receiver revoked our key)', async () => {
    const L = await startFedInstance('Instance L');
    await peer(A, L);
    const aOnL = await peer(L, A);
    const { keyId } = await (await import('./federation.identity.ts')).signingIdentity(A.deps);
    expect((await adminCall(L).post(`/federation/peers/${aOnL}/keys/revoke`, { keyId })).statusCode).toBe(200);
    const { activityId } = (await adminCall(A).post('/federation/stats', { period: '2026-02' })).json();
    const id = (await eventually(async () => A.deps.sql<{ id: string }[]>`select d.id from fed_deliveries d join fed_peers p on p.id = d.peer_id
      where d.activity_id = ${activityId} and p.host = ${L.host}`, (r) => r.length === 1))[0]!.id;
    for (let i = 0; i < 3; i++) {
      await A.deps.sql`update fed_deliveries set state = 'pending' where id = ${id} and state in ('pending', 'in_flight')`;
      await deliverOnce(A.deps, id);
    }
    const [d] = await A.deps.sql<{ lastStatus: number; lastReason: string }[]>`select last_status as "lastStatus", last_reason as "lastReason" from fed_deliveries where id = ${id}`;
    expect(d).toEqual({ lastStatus: 401, lastReason: 'key_revoked' });
    const alerts = (await adminCall(A).get('/federation/alerts')).json().items;
    expect(alerts.filter((a: { kind: string; peerHost: string }) => a.kind === 'persistent_401' && a.peerHost === L.host)).toHaveLength(1);
  });
});
