import { generateEd25519, privateKeyFromDer } from '@koprogo/federation';
import { describe, expect, it } from 'vitest';
import { signingIdentity } from './federation.identity.ts';
import { adminCall, currentFingerprint, eventually, peer, signedPost, startFedInstance, statsActivity, type FedInstance } from './federation.test-fixture.ts';

/**
 * Three real instances (each its own database, pg-boss and HTTP port on loopback): A peers with
 * B and C; B and C do not know each other. C has a tiny inbox rate limit.
 */
const A = await startFedInstance('Instance A');
const B = await startFedInstance('Instance B');
const C = await startFedInstance('Instance C', { FEDERATION_INBOX_RATE_PER_SECOND: '1', FEDERATION_INBOX_BURST: '4' });
await peer(A, B);
await peer(B, A);
await peer(A, C);
await peer(C, A);

const inboxCount = async (i: FedInstance) => (await i.deps.sql<{ n: number }[]>`select count(*)::int as n from fed_inbox`)[0]!.n;
const deliveries = async (i: FedInstance) => i.deps.sql<{ state: string; peerHost: string; attempts: number; receipt: { verified: boolean } | null; activityId: string }[]>`
  select d.state, p.host as "peerHost", d.attempts, d.receipt, d.activity_id as "activityId" from fed_deliveries d join fed_peers p on p.id = d.peer_id`;

describe('instance identity and peering', () => {
  it('publishes an instance document with its key, inbox and supported activities', async () => {
    const doc = (await A.app.inject({ method: 'GET', url: '/.well-known/koprogo-federation' })).json();
    expect(doc).toMatchObject({ id: `${A.url}/fed/actor`, type: 'Service', name: 'Instance A', country: 'BE', inbox: `${A.url}/fed/inbox`, protocol: 'copro-fed/1' });
    expect(doc.assertionMethod).toHaveLength(1);
    expect(doc.assertionMethod[0].id).toMatch(new RegExp(`^${A.url}/fed/actor#ed25519-`));
    const [row] = await A.deps.sql<{ enc: Buffer }[]>`select private_key_enc as enc from fed_own_keys`;
    expect(row!.enc.length).toBeGreaterThan(28); // stored encrypted (iv | tag | ciphertext), never as PKCS#8
    expect(row!.enc.includes(Buffer.from([0x30, 0x2e, 0x02, 0x01, 0x00]))).toBe(false);
  });

  it('pins a peer only with the fingerprint compared out of band', async () => {
    const D = await startFedInstance('Instance D');
    const wrong = await adminCall(D).post('/federation/peers', { url: A.url, fingerprint: `SHA256:${'A'.repeat(43)}` });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.code).toBe('federation.fingerprint_mismatch');
    expect((await adminCall(D).get('/federation/peers')).json().items).toEqual([]);
    const list = (await adminCall(A).get('/federation/peers')).json().items;
    expect(list.map((p: { host: string }) => p.host).sort()).toEqual([B.host, C.host].sort());
    expect(list[0].keys[0]).toMatchObject({ learned: 'pinned', state: 'active' });
  });

  it('refuses a peer URL resolving to a private address unless allowed by configuration', async () => {
    const strict = await startFedInstance('Strict', { FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'false' }, { listen: false });
    // localhost resolves (through the system resolver) to a loopback address.
    const res = await adminCall(strict).post('/federation/peers', { url: `https://localhost:${A.port}`, fingerprint: await currentFingerprint(A) });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('federation.private_address');
    const plain = await adminCall(strict).post('/federation/peers', { url: A.url, fingerprint: await currentFingerprint(A) });
    expect(plain.json().error.code).toBe('federation.invalid_url'); // plain http only where private addresses are allowed
    expect((await adminCall(strict).get('/federation/peers')).json().items).toEqual([]);
    // The same loopback peer is accepted where the configuration allows private addresses (as for A, B, C here).
    expect((await adminCall(A).get('/federation/peers')).json().items.length).toBeGreaterThan(0);
  });

  it('keeps the federation administration to the instance administrator', async () => {
    const { createActor } = await import('../../../test/support/actors.ts');
    const someone = await createActor(A.deps, {});
    const res = await A.app.inject({ method: 'GET', url: '/api/v1/federation/peers', headers: someone.headers });
    expect(res.statusCode).toBe(403);
  });
});

describe('delivery', () => {
  it('delivers a statistics bulletin to every peer exactly once, with a verified signed receipt', async () => {
    const res = await adminCall(A).post('/federation/stats', { period: '2026-09' });
    expect(res.statusCode).toBe(201);
    const { activityId } = res.json();
    for (const receiver of [B, C]) {
      await eventually(async () => (await receiver.deps.sql`select 1 from fed_stats_bulletins where activity_id = ${activityId}`).length, (n) => n === 1);
    }
    const done = await eventually(async () => (await deliveries(A)).filter((d) => d.activityId === activityId), (d) => d.length === 2 && d.every((x) => x.state === 'delivered'));
    expect(done.every((d) => d.receipt?.verified === true)).toBe(true);
    const agg = (await adminCall(B).get('/federation/stats?period=2026-09')).json();
    expect(agg.instances.map((i: { host: string }) => i.host)).toEqual([A.host]);
    expect((await B.deps.sql`select state from fed_inbox where activity_id = ${activityId}`)[0]).toEqual({ state: 'processed' });
    const pub = await fetch(`${A.url}/fed/stats/2026-09`); // public, no token
    expect(pub.status).toBe(200);
    expect(await pub.json()).toMatchObject({ host: A.host, period: '2026-09', activityId, buildings: null });
    expect((await fetch(`${A.url}/fed/stats/2026-13`)).status).toBe(400);
    expect((await fetch(`${A.url}/fed/stats/2020-01`)).status).toBe(404);
  });

  it('delivers once to a receiver that was down for a while, after it returns', async () => {
    await new Promise<void>((r) => B.app.server.close(() => r()));
    const { activityId } = (await adminCall(A).post('/federation/stats', { period: '2026-08' })).json();
    const failed = await eventually(async () => (await deliveries(A)).find((d) => d.activityId === activityId && d.peerHost === B.host),
      (d) => !!d && d.attempts >= 2 && d.state === 'pending');
    expect(failed!.state).toBe('pending');
    expect((await B.deps.sql`select 1 from fed_inbox where activity_id = ${activityId}`).length).toBe(0);
    await new Promise<void>((r) => B.app.server.listen(B.port, '127.0.0.1', () => r()));
    const d = await eventually(async () => (await deliveries(A)).find((x) => x.activityId === activityId && x.peerHost === B.host), (x) => x?.state === 'delivered', 25_000);
    expect(d!.attempts).toBeGreaterThanOrEqual(3);
    await eventually(async () => (await B.deps.sql`select 1 from fed_stats_bulletins where activity_id = ${activityId}`).length, (n) => n === 1);
    expect((await B.deps.sql`select count(*)::int as n from fed_inbox where activity_id = ${activityId}`)[0]).toEqual({ n: 1 });
  });
});

describe('inbox refusals (each refused with its status and nothing stored)', () => {
  const refused = async (res: { status: number; json: () => { error: { code: string; details: { reason: string } } } }, status: number, reason: string, before: number) => {
    expect(res.status).toBe(status);
    expect(res.json().error.details.reason).toBe(reason);
    expect(res.json().error.code).toBe(`federation.${reason}`);
    expect(await inboxCount(B)).toBe(before);
  };

  it('accepts a good request once, then refuses its replay', async () => {
    const body = Buffer.from(JSON.stringify(statsActivity(A)));
    const before = await inboxCount(B);
    const first = await signedPost(A, B, body);
    expect(first.status).toBe(202);
    expect(await inboxCount(B)).toBe(before + 1);
    const replay = await fetch(`${B.url}/fed/inbox`, { method: 'POST', headers: first.sent, body });
    const replayBody = await replay.json() as { error: { code: string; details: { reason: string; serverTime: string } } };
    await refused({ status: replay.status, json: () => replayBody }, 401, 'replayed', before + 1);
    expect(replayBody.error.details.serverTime).toBeTruthy();
  });

  it('refuses a tampered body', async () => {
    const body = Buffer.from(JSON.stringify(statsActivity(A)));
    const before = await inboxCount(B);
    await refused(await signedPost(A, B, body, { sendBody: Buffer.from(body.toString().replace('"owners":40', '"owners":90')) }), 401, 'digest_mismatch', before);
  });

  it('refuses a signature by another key under the pinned keyid', async () => {
    const other = generateEd25519();
    const { keyId } = await signingIdentity(A.deps);
    const before = await inboxCount(B);
    await refused(await signedPost(A, B, Buffer.from(JSON.stringify(statsActivity(A))), { identity: { keyId, privateKey: privateKeyFromDer(other.privateKeyDer) } }),
      401, 'bad_signature', before);
  });

  it('refuses an unknown instance without fetching anything from it', async () => {
    const before = await inboxCount(B);
    await refused(await signedPost(C, B, Buffer.from(JSON.stringify(statsActivity(C)))), 401, 'unknown_peer', before);
    expect(await B.deps.sql`select host from fed_peers where host = ${C.host}`).toEqual([]); // nothing learned about it
    expect(await B.deps.sql`select 1 from fed_nonces where key_id like ${`${C.url}%`}`).toEqual([]);
  });

  it('refuses a skewed clock (61 s ahead) and an expired signature (over 5 min old), telling the server time', async () => {
    const before = await inboxCount(B);
    A.clock.advance(61_000);
    const ahead = await signedPost(A, B, Buffer.from(JSON.stringify(statsActivity(A))));
    A.clock.reset();
    await refused(ahead, 401, 'clock_skew', before);
    expect(ahead.headers.get('date')).toBeTruthy();
    const old = await signedPost(A, B, Buffer.from(JSON.stringify(statsActivity(A))), { at: new Date(Date.now() - 301_000) });
    await refused(old, 401, 'clock_skew', before);
    B.clock.advance(-59_000); // a receiver 59 s behind still accepts (60 s future margin)
    expect((await signedPost(A, B, Buffer.from(JSON.stringify(statsActivity(A))))).status).toBe(202);
    B.clock.reset();
  });

  it('refuses an oversized payload (413) before verifying it', async () => {
    const before = await inboxCount(B);
    const big = Buffer.from(JSON.stringify(statsActivity(A, '2026-10', { pad: 'x'.repeat(300 * 1024) })));
    const res = await signedPost(A, B, big);
    expect(res.status).toBe(413);
    expect(res.json().error.code).toBe('request.too_large');
    expect(await inboxCount(B)).toBe(before);
  });

  it('refuses unknown activity shapes (422) and activities claiming another origin (401)', async () => {
    const before = await inboxCount(B);
    await refused(await signedPost(A, B, Buffer.from(JSON.stringify({ ...statsActivity(A), type: 'Delete' }))), 422, 'invalid_activity', before);
    const foreign = { ...statsActivity(A), actor: `${C.url}/fed/actor` };
    await refused(await signedPost(A, B, Buffer.from(JSON.stringify(foreign))), 401, 'origin_mismatch', before);
  });

  it('answers a retried activity id with 202 and the same id with another body with 409 and an alert', async () => {
    const act = statsActivity(A);
    expect((await signedPost(A, B, Buffer.from(JSON.stringify(act)))).status).toBe(202);
    const again = await signedPost(A, B, Buffer.from(JSON.stringify(act)));
    expect(again.status).toBe(202);
    expect(again.json()).toEqual({ status: 'duplicate', activityId: act.id });
    const evil = await signedPost(A, B, Buffer.from(JSON.stringify({ ...act, object: { ...act.object, owners: 999 } })));
    expect(evil.status).toBe(409);
    expect(evil.json().error.details.reason).toBe('equivocation');
    const alerts = (await adminCall(B).get('/federation/alerts')).json().items;
    expect(alerts.some((a: { kind: string; details: { activityId: string } }) => a.kind === 'equivocation' && a.details.activityId === act.id)).toBe(true);
    expect((await B.deps.sql<{ body: { object: { owners: number } } }[]>`select body from fed_inbox where activity_id = ${act.id}`)[0]!.body.object.owners).toBe(40);
  });

  it('rate limits a peer (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const r = await signedPost(A, C, Buffer.from(JSON.stringify(statsActivity(A))));
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(3);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });
});

describe('keys and defederation', () => {
  it('learns a rotated key through its continuity proof, then accepts signatures by it', async () => {
    const old = await signingIdentity(B.deps);
    const rotated = await adminCall(B).post('/federation/keys/rotate', { overlapHours: 0 });
    expect(rotated.statusCode).toBe(201);
    const newKeyId = rotated.json().keyId;
    const keys = await eventually(async () => (await adminCall(A).get('/federation/peers')).json().items.find((p: { host: string }) => p.host === B.host).keys,
      (k: Array<{ keyId: string }>) => k.some((x) => x.keyId === newKeyId));
    expect(keys.find((k: { keyId: string }) => k.keyId === newKeyId)).toMatchObject({ learned: 'continuity', state: 'active' });
    expect((await signingIdentity(B.deps)).keyId).toBe(newKeyId);
    expect((await signedPost(B, A, Buffer.from(JSON.stringify(statsActivity(B))))).status).toBe(202);
    // The previous key still verifies during the overlap.
    expect((await signedPost(B, A, Buffer.from(JSON.stringify(statsActivity(B))), { identity: old })).status).toBe(202);

    // Revocation of the old key, announced (signed by the new key): refused at once afterwards.
    expect((await adminCall(B).post('/federation/keys/revoke', { keyId: old.keyId, reason: 'compromised' })).statusCode).toBe(200);
    await eventually(async () => (await A.deps.sql`select state from fed_peer_keys where key_id = ${old.keyId}`)[0]?.state, (s) => s === 'revoked');
    const before = await inboxCount(A);
    const res = await signedPost(B, A, Buffer.from(JSON.stringify(statsActivity(B))), { identity: old });
    expect(res.status).toBe(401);
    expect(res.json().error.details.reason).toBe('key_revoked');
    expect(await inboxCount(A)).toBe(before);
  });

  it('blocks a peer: 403 inbound, deliveries suspended, the block announced to the other peers', async () => {
    const cId = (await adminCall(A).get('/federation/peers')).json().items.find((p: { host: string }) => p.host === C.host).id;
    expect((await adminCall(A).post(`/federation/peers/${cId}/block`, { reasons: ['spam'] })).statusCode).toBe(200);
    const before = await inboxCount(A);
    const res = await signedPost(C, A, Buffer.from(JSON.stringify(statsActivity(C))));
    expect(res.status).toBe(403);
    expect(res.json().error.details.reason).toBe('peer_blocked');
    expect(await inboxCount(A)).toBe(before);
    const { activityId } = (await adminCall(A).post('/federation/stats', { period: '2026-07' })).json();
    await eventually(async () => (await B.deps.sql`select 1 from fed_stats_bulletins where activity_id = ${activityId}`).length, (n) => n === 1);
    expect((await deliveries(A)).filter((d) => d.activityId === activityId).map((d) => d.peerHost)).toEqual([B.host]);
    await eventually(async () => (await adminCall(B).get('/federation/alerts')).json().items, (a: Array<{ kind: string }>) => a.some((x) => x.kind === 'peer_announced_block'));
    expect((await C.deps.sql`select 1 from fed_stats_bulletins where activity_id = ${activityId}`).length).toBe(0);
  });
});

describe('the inbox never answers 500', () => {
  it('answers malformed requests with JSON errors carrying a stable code', async () => {
    const good = await signedPost(A, B, Buffer.from(JSON.stringify(statsActivity(A))));
    const probes: Array<{ headers: Record<string, string>; body?: string | Buffer }> = [
      { headers: { 'content-type': 'application/json' }, body: '' },
      { headers: { 'content-type': 'application/json' }, body: '{' },
      { headers: { 'content-type': 'text/plain' }, body: 'hello' },
      { headers: {}, body: undefined },
      { headers: { 'content-type': 'application/activity+json', 'signature-input': 'sig1=("@method";x=);created=1', signature: 'sig1=:AAAA:' }, body: '{}' },
      { headers: { 'content-type': 'application/activity+json', 'signature-input': `sig1=(${'"@method" '.repeat(500)})`, signature: 'sig1=::' }, body: '{}' },
      { headers: { 'content-type': 'application/activity+json', 'signature-input': 'sig1=();keyid="javascript:alert(1)"', signature: 'sig1=::' }, body: '[]' },
      { headers: { 'content-type': 'application/activity+json', 'signature-input': 'sig1=();keyid="https://[::1"', signature: 'sig1=::' }, body: '[]' },
      { headers: { 'content-type': 'application/activity+json', 'signature-input': 'sig1=("@method");created=99999999999999999999;keyid="x"', signature: 'sig1=:!!:' }, body: '{}' },
      { headers: { 'content-type': 'application/json', 'content-digest': 'sha-256=:x:', 'signature-input': '\u0000', signature: '\u0000' }, body: Buffer.from([0xff, 0xfe, 0x00]) },
      // A genuine signature with its headers shuffled into garbage.
      { headers: { ...good.sent, 'content-digest': 'sha-512=:AAAA:' }, body: '{}' },
    ];
    for (const p of probes) {
      const res = await fetch(`${B.url}/fed/inbox`, { method: 'POST', headers: p.headers, body: p.body }).catch(() => null);
      if (!res) continue; // the client itself refused to send (invalid header value)
      expect(res.status, JSON.stringify(p.headers).slice(0, 120)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const text = await res.text();
      expect(text, `${res.status}`).toMatch(/^{"error":{"code":"[a-z_]+\.[a-z_]+"/);
    }
  });
});
