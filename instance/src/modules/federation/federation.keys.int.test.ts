import { describe, expect, it } from 'vitest';
import { adminCall, peer, signedPost, startFedInstance, statsActivity } from './federation.test-fixture.ts';

/** A peer's new key that arrives without a continuity proof: re-fetched once, quarantined, approved by an admin. */
const A = await startFedInstance('Instance A');
const G = await startFedInstance('Instance G');
const gId = await peer(A, G); // G does not list A: A never receives G's rotation announcement

describe('key re-fetch for an allow-listed peer', () => {
  it('quarantines a key learned by re-fetching the document, refuses it until an administrator approves it', async () => {
    const rotated = await adminCall(G).post('/federation/keys/rotate', { overlapHours: 0 });
    expect(rotated.statusCode).toBe(201);
    const newKeyId = rotated.json().keyId;
    const before = (await A.deps.sql`select 1 from fed_inbox`).length;
    const first = await signedPost(G, A, Buffer.from(JSON.stringify(statsActivity(G))));
    expect(first.status).toBe(401);
    expect(first.json().error.details.reason).toBe('key_quarantined');
    const keys = (await adminCall(A).get('/federation/peers')).json().items.find((p: { id: string }) => p.id === gId).keys;
    expect(keys.find((k: { keyId: string }) => k.keyId === newKeyId)).toMatchObject({ learned: 'fetched', state: 'quarantined' });
    const alerts = (await adminCall(A).get('/federation/alerts')).json().items;
    expect(alerts.filter((a: { kind: string }) => a.kind === 'peer_key_quarantined')).toHaveLength(1);
    expect((await A.deps.sql`select 1 from fed_inbox`).length).toBe(before);

    const approve = await adminCall(A).post(`/federation/peers/${gId}/keys/approve`, { keyId: newKeyId });
    expect(approve.statusCode).toBe(200);
    expect((await signedPost(G, A, Buffer.from(JSON.stringify(statsActivity(G))))).status).toBe(202);
    expect((await adminCall(A).post(`/federation/peers/${gId}/keys/approve`, { keyId: newKeyId })).statusCode).toBe(409);
  });

  it('re-fetches at most once per 5 minutes per peer', async () => {
    // G rotates again; within the 5 minutes the unknown key is simply unknown (no fetch).
    const again = (await adminCall(G).post('/federation/keys/rotate', { overlapHours: 0 })).json().keyId;
    const res = await signedPost(G, A, Buffer.from(JSON.stringify(statsActivity(G))));
    expect(res.json().error.details.reason).toBe('unknown_key');
    expect(await A.deps.sql`select 1 from fed_peer_keys where key_id = ${again}`).toEqual([]);
    A.clock.advance(5 * 60_000 + 1000);
    G.clock.advance(5 * 60_000 + 1000);
    const later = await signedPost(G, A, Buffer.from(JSON.stringify(statsActivity(G))));
    expect(later.json().error.details.reason).toBe('key_quarantined');
    A.clock.reset();
    G.clock.reset();
  });
});

describe('federation without FEDERATION_KEY_SECRET in production', () => {
  it('stays off: no key is created, the document, the inbox and the admin API answer 404', async () => {
    const P = await startFedInstance('Prod', { NODE_ENV: 'production', KOPROGO_TEST_MODE: 'false' }, { listen: false });
    const doc = await P.app.inject({ method: 'GET', url: '/.well-known/koprogo-federation' });
    expect(doc.statusCode).toBe(404);
    expect(doc.json().error.code).toBe('federation.disabled');
    expect((await P.app.inject({ method: 'POST', url: '/fed/inbox', headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode).toBe(404);
    expect((await adminCall(P).get('/federation/peers')).statusCode).toBe(404);
    expect(await P.deps.sql`select 1 from fed_own_keys`).toEqual([]);
    expect(await P.deps.sql`select 1 from instance_secrets where name = 'federation_key_secret'`).toEqual([]);
  });

  it('encrypts the key with FEDERATION_KEY_SECRET when set, and refuses to use it under another secret', async () => {
    const S = await startFedInstance('Secret', { NODE_ENV: 'production', KOPROGO_TEST_MODE: 'false', FEDERATION_KEY_SECRET: 'k'.repeat(40) }, { listen: false });
    expect((await S.app.inject({ method: 'GET', url: '/.well-known/koprogo-federation' })).statusCode).toBe(200);
    const { signingIdentity } = await import('./federation.identity.ts');
    const { loadConfig } = await import('../../config.ts');
    const other = { ...S.deps, config: loadConfig({ NODE_ENV: 'production', FEDERATION_KEY_SECRET: 'z'.repeat(40), PUBLIC_URL: S.url }) };
    await expect(signingIdentity(other)).rejects.toMatchObject({ code: 'federation.key_secret_wrong' });
    expect((await signingIdentity(S.deps)).keyId).toMatch(/#ed25519-/);
  });
});
