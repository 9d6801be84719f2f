import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { canonicalJson, type GridEnrolmentClaim } from '@koprogo/protocols';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueDraft } from './drafts.service.ts';
import { signGrid } from './grid-crypto.ts';
import { createTestNode, GOOD_FR_DRAFT, type TestNode } from './grid-node.fixture.ts';
import { gridTestInstance, TEST_MODEL_SHA, waitFor } from './grid-setup.fixture.ts';
import { verifyChain } from './receipts.service.ts';

/**
 * The instance side of the grid with real parts: PostgreSQL, pg-boss, the instance's libp2p node on
 * loopback, scripted edge nodes speaking real Noise/Yamux/MCP, and the real stories260K tokenizer for
 * the receipt recounts.
 */
const root = resolve(import.meta.dirname, '../../../../');
const modelPath = [resolve(root, '../shared/models/stories260K.gguf'), resolve(root, '../../shared/models/stories260K.gguf')].find(existsSync);
if (!modelPath && process.env.KOPROGO_REQUIRE_TEST_MODEL === '1') throw new Error('stories260K.gguf not found');

describe.skipIf(!modelPath)('grid, instance side (real libp2p, pg-boss, tokenizer)', async () => {
  const g = await gridTestInstance(modelPath!);
  afterAll(() => g.close());
  const { app, deps, grid, asAdmin, inOrg, buildingId, ownerCalls, countTokens, enrolNode, draftOf, status, org, syndic, headersOf } = g;
  const requestDraft = (ownerCallId = ownerCalls[0]!.id) => g.requestDraft(ownerCallId);

  it('refuses a second registration of a model; a job waits visibly while no node can run it; the syndic may take the template', async () => {
    expect((await asAdmin('POST', '/api/v1/grid/models', { name: 'again', sha256: TEST_MODEL_SHA, paramsMillions: 1, role: 'reminder',
      promptTemplateVersion: 'x' })).statusCode).toBe(409);
    const id = await requestDraft(ownerCalls[1]!.id);
    await new Promise((r) => setTimeout(r, 700));
    const waiting = await draftOf(id);
    expect(waiting).toMatchObject({ status: 'queued', attempts: 0 });
    expect(waiting.statusMessage).toMatch(/Waiting for an edge node/);
    const templ = await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/use-template`);
    expect(templ.json()).toMatchObject({ status: 'ready', source: 'template', flags: ['template'] });
    const approved = (await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/approve`)).json();
    expect(approved.status).toBe('approved');
    expect(approved.final.body).toContain('Zorglub Canaryname');
    expect(approved.final.body).toContain('BE68 5390 0754 7034');
    expect(approved.final.body).not.toMatch(/\{\{/);
    expect((await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/approve`)).statusCode).toBe(409);
  });

  it('enrols with a signed claim and a single-use token; refuses a reused token, a bad signature, a stale request', async () => {
    const token = (await asAdmin('POST', '/api/v1/grid/enrolment-tokens', {})).json().token;
    const key = await generateKeyPair('Ed25519');
    const claim: GridEnrolmentClaim = { peerId: peerIdFromPrivateKey(key).toString(), token, ts: new Date().toISOString() };
    const forged = await app.inject({ method: 'POST', url: '/api/v1/grid/enrol',
      payload: { ...claim, signature: await signGrid(await generateKeyPair('Ed25519'), 'enrol', claim) } });
    expect(forged.json().error.code).toBe('grid.enrolment_bad_signature');
    const staleClaim = { ...claim, ts: new Date(Date.now() - 3_600_000).toISOString() };
    const stale = await app.inject({ method: 'POST', url: '/api/v1/grid/enrol', payload: { ...staleClaim, signature: await signGrid(key, 'enrol', staleClaim) } });
    expect(stale.json().error.code).toBe('grid.enrolment_stale');
    const ok = await app.inject({ method: 'POST', url: '/api/v1/grid/enrol', payload: { ...claim, signature: await signGrid(key, 'enrol', claim) } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ peerId: claim.peerId, instancePeerId: grid.peerId });
    expect(ok.json().bootstrapAddr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${grid.peerId}$`));
    const other = await generateKeyPair('Ed25519');
    const reuse = { ...claim, peerId: peerIdFromPrivateKey(other).toString() };
    const again = await app.inject({ method: 'POST', url: '/api/v1/grid/enrol', payload: { ...reuse, signature: await signGrid(other, 'enrol', reuse) } });
    expect(again.json().error.code).toBe('grid.enrolment_token_invalid');
    const [stored] = await deps.sql`select token_hash from grid_enrolment_tokens where used_by_peer_id = ${claim.peerId}`;
    expect(stored!.token_hash).not.toContain(token);
    // Instance administrators only.
    const asSyndic = await app.inject({ method: 'POST', url: '/api/v1/grid/enrolment-tokens', headers: await headersOf(syndic), payload: {} });
    expect(asSyndic.statusCode).toBe(403);
  });

  it('keeps the grid administration to instance administrators (403 for an organization admin or syndic)', async () => {
    const [node] = await deps.sql<{ peer_id: string }[]>`select peer_id from grid_nodes limit 1`;
    const [model] = await deps.sql<{ id: string }[]>`select id from grid_models limit 1`;
    const routes: Array<[string, string, object?]> = [['GET', '/api/v1/grid/models'], ['POST', '/api/v1/grid/models', { name: 'x', sha256: 'a'.repeat(64),
      paramsMillions: 1, role: 'reminder', promptTemplateVersion: 'v' }], ['PATCH', `/api/v1/grid/models/${model!.id}`, { enabled: false }],
    ['POST', '/api/v1/grid/enrolment-tokens', {}], ['GET', '/api/v1/grid/nodes'], ['GET', `/api/v1/grid/nodes/${node?.peer_id ?? grid.peerId}`],
    ['POST', `/api/v1/grid/nodes/${node?.peer_id ?? grid.peerId}/revoke`, { reason: 'x' }], ['GET', '/api/v1/grid/receipts/chain'],
    ['GET', `/api/v1/grid/nodes/${grid.peerId}/events`]];
    for (const [method, url, payload] of routes) {
      const res = await app.inject({ method: method as 'GET', url, headers: await headersOf(syndic), ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it('refuses unenrolled peers at the gater; audits bad ads; goes online with a good one', async () => {
    const stranger = await createTestNode({ models: [], instancePeerId: grid.peerId, countTokens });
    afterAll(() => stranger.stop());
    // The dialler may finish its side of the handshake; the instance's gater then closes the connection.
    const refused = async (n: TestNode) => {
      await n.connect(grid.bootstrapAddr()).catch(() => {});
      await waitFor(async () => n.libp2p.getConnections().length === 0, 5_000);
      await expect(n.hello()).rejects.toThrow();
      return (await deps.sql`select 1 from grid_events where peer_id = ${n.peerId} and kind = 'grid.connection_refused'`).length > 0;
    };
    expect(await refused(stranger)).toBe(true);
    const node = await enrolNode();
    const bad = await node.hello({}, { badSignature: true });
    expect(bad).toMatchObject({ accepted: false, code: 'grid.ad_bad_signature' });
    expect(await node.hello({ seq: 5 })).toMatchObject({ accepted: false, code: 'grid.ad_stale_seq' });
    expect(await node.hello({ expiresAt: new Date(Date.now() - 1000).toISOString() })).toMatchObject({ accepted: false, code: 'grid.ad_expired' });
    const unknown = await node.hello({ models: [{ name: 'x', sha256: 'e'.repeat(64), quantisation: 'F32', contextSize: 512, sizeBytes: 1 }] });
    expect(unknown).toMatchObject({ accepted: true, acceptedModels: [] });
    const events = await deps.sql<{ kind: string }[]>`select kind from grid_events where peer_id = ${node.peerId} order by id`;
    expect(events.map((e) => e.kind)).toEqual(['grid.ad_bad_signature', 'grid.ad_stale_seq', 'grid.ad_expired', 'grid.ad_unknown_model']);
    const viaApi = (await asAdmin('GET', `/api/v1/grid/nodes/${node.peerId}/events?limit=2`)).json();
    expect(viaApi.items.map((e: { kind: string }) => e.kind)).toEqual(['grid.ad_unknown_model', 'grid.ad_expired']);
    expect((await asAdmin('GET', `/api/v1/grid/nodes/${stranger.peerId}/events`)).json().items[0].kind).toBe('grid.connection_refused');
    expect((await node.hello()).acceptedModels).toEqual([TEST_MODEL_SHA]);
    const listed = (await asAdmin('GET', `/api/v1/grid/nodes/${node.peerId}`)).json();
    expect(listed).toMatchObject({ status: 'online', models: [{ sha256: TEST_MODEL_SHA }] });
    // Revoked: its connection is closed and it cannot come back.
    await asAdmin('POST', `/api/v1/grid/nodes/${node.peerId}/revoke`, { reason: 'test' });
    await waitFor(async () => node.libp2p.getConnections().length === 0, 5_000);
    expect(await refused(node)).toBe(true);
    expect((await asAdmin('GET', `/api/v1/grid/nodes/${node.peerId}`)).json()).toMatchObject({ status: 'offline', revokedReason: 'test' });
  });

  it('writes a draft on a node: receipt checked, recounted, countersigned and chained; PII never leaves; approval credits the node', async () => {
    const node = await enrolNode();
    const id = await requestDraft();
    const ready = await status(id, 'ready');
    expect(ready).toMatchObject({ source: 'grid', subject: GOOD_FR_DRAFT.subject, flags: ['legal_mentions_added'] });
    const [receipt] = await deps.sql<{ verdict: string; units: string; p: number; o: number }[]>`select verdict, units::text,
      recounted_prompt_tokens as p, recounted_output_tokens as o from grid_receipts where job_id = ${id}`;
    expect(receipt!.verdict).toBe('accepted');
    expect(receipt!.o).toBe(countTokens(canonicalJson(GOOD_FR_DRAFT)));
    expect(Number(receipt!.units)).toBe(Math.ceil(2 * 1 * (receipt!.p + receipt!.o) / 1000));
    expect(await verifyChain(deps.sql, grid.peerId)).toBeNull();
    expect((await asAdmin('GET', '/api/v1/grid/receipts/chain')).json()).toMatchObject({ intact: true, brokenAtSeq: null });
    // Every frame the node received: placeholders and allowed context only.
    const frames = node.received.join('\n');
    expect(frames).toContain('{{AMOUNT_DUE}}');
    const amount = Number(ownerCalls[0]!.amount);
    for (const canary of ['Canaryname', 'Zorglub', 'Canari', 'canary@', 'BE68', '539007547034', ownerCalls[0]!.communication,
      ownerCalls[0]!.communication.slice(0, 3) + '/', String(amount), (amount / 100).toFixed(2).replace('.', ','), 'Canary period']) {
      expect(frames, canary).not.toContain(canary);
    }
    const approved = (await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/approve`)).json();
    expect(approved.final.body).toContain('Zorglub Canaryname');
    const work = await deps.sql`select peer_id, units::text from grid_work where job_id = ${id}`;
    expect(work).toEqual([{ peer_id: node.peerId, units: receipt!.units }]);
    await node.stop();
  });

  it('fails over: a node stopped mid-job loses it, another finishes, only the finisher is credited', async () => {
    const slow = await enrolNode({ delayMs: 5_000 });
    const id = await requestDraft(ownerCalls[2]!.id);
    await waitFor(async () => slow.calls.length > 0);
    const backup = await enrolNode();
    const killedAt = Date.now();
    await slow.stop();
    const ready = await status(id, 'ready');
    expect(Date.now() - killedAt).toBeLessThan(8_000);
    const attempts = await deps.sql<{ peer_id: string; state: string; fault: string }[]>`select peer_id, state, fault from grid_attempts
      where job_id = ${id} order by attempt`;
    expect(attempts).toEqual([{ peer_id: slow.peerId, state: 'failed', fault: 'connection_lost' },
      { peer_id: backup.peerId, state: 'succeeded', fault: null }]);
    expect(ready.source).toBe('grid');
    expect((await asAdmin('GET', `/api/v1/grid/nodes/${slow.peerId}`)).json()).toMatchObject({ status: 'offline', jobsFailed: 1 });
    // Every attempt, failed or not, has its integer energy row from the busy time and the declared profile (9 W load).
    const energy = await deps.sql<{ busy: number; total: string }[]>`select busy_ms as busy, total_mwh::text as total from grid_energy
      where job_id = ${id} order by attempt`;
    expect(energy).toHaveLength(2);
    for (const e of energy) expect(Number(e.total)).toBe(Math.floor((9_000 * e.busy) / 3_600_000 + 0.5));
    await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/approve`);
    expect((await deps.sql`select peer_id from grid_work where job_id = ${id}`).map((r) => r.peer_id)).toEqual([backup.peerId]);
    await backup.stop();
  });

  it('refuses a forged receipt (reputation down) and a hallucinated amount, and retries elsewhere', async () => {
    const forger = await enrolNode({ forgeSignature: true });
    const id = await requestDraft(ownerCalls[3]!.id);
    await waitFor(async () => forger.calls.length > 0);
    await waitFor(async () => (await deps.sql`select 1 from grid_attempts where job_id = ${id} and state = 'failed'`).length > 0);
    const liar = await enrolNode({ draft: () => ({ subject: 'Rappel', body: `${GOOD_FR_DRAFT.body} Montant : 1.250,00 €.` }) });
    await waitFor(async () => liar.calls.length > 0);
    const honest = await enrolNode();
    await status(id, 'ready');
    const attempts = await deps.sql<{ peer_id: string; fault: string | null }[]>`select peer_id, fault from grid_attempts where job_id = ${id} order by attempt`;
    expect(attempts).toEqual([{ peer_id: forger.peerId, fault: 'receipt_forged' },
      { peer_id: liar.peerId, fault: 'verify_number_outside_placeholder' }, { peer_id: honest.peerId, fault: null }]);
    const [rep] = await deps.sql`select reputation from grid_nodes where peer_id = ${forger.peerId}`;
    expect(rep!.reputation).toBeLessThan(500 - 100);
    expect((await deps.sql`select 1 from grid_receipts where peer_id = ${forger.peerId}`).length).toBe(0);
    for (const n of [forger, liar, honest]) await n.stop();
  });

  it('takes a job away from a silent (frozen) node when its lease runs out; the job is enqueued once per draft', async () => {
    const frozen = await enrolNode({ silent: true, delayMs: 6_000 });
    const id = await requestDraft(ownerCalls[5]!.id);
    expect(await enqueueDraft(deps.boss!, null, { id, organizationId: org.id, documentType: 'reminder' })).toBeNull();
    await waitFor(async () => frozen.calls.length > 0);
    const lostAt = Date.now();
    await waitFor(async () => (await deps.sql`select 1 from grid_attempts where job_id = ${id} and fault = 'lease_expired'`).length > 0);
    expect(Date.now() - lostAt).toBeLessThan(1_500 + 2_000);
    const other = await enrolNode();
    const ready = await status(id, 'ready');
    expect(ready.attempts).toBe(2);
    expect((await deps.sql`select peer_id from grid_attempts where job_id = ${id} and state = 'succeeded'`).map((r) => r.peer_id)).toEqual([other.peerId]);
    for (const n of [frozen, other]) await n.stop();
  });

  it('stops the node when the syndic takes the template during generation: attempt cancelled, nothing credited', async () => {
    const slow = await enrolNode({ delayMs: 5_000 });
    const id = await requestDraft(ownerCalls[6]!.id);
    await waitFor(async () => slow.calls.length > 0);
    const t0 = Date.now();
    expect((await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/use-template`)).json()).toMatchObject({ status: 'ready', source: 'template' });
    await waitFor(async () => (await deps.sql`select 1 from grid_attempts where job_id = ${id} and fault = 'cancelled'`).length > 0, 2_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/approve`);
    expect(await deps.sql`select 1 from grid_work where job_id = ${id}`).toHaveLength(0);
    expect(await deps.sql`select 1 from grid_receipts where job_id = ${id}`).toHaveLength(0);
    await slow.stop();
  });

  it('resets a stream carrying an over-size or malformed frame: a node fault, the job goes elsewhere', async () => {
    const big = await enrolNode({ badFrame: 'oversized' });
    const id = await requestDraft(ownerCalls[7]!.id);
    await waitFor(async () => (await deps.sql`select 1 from grid_attempts where job_id = ${id} and fault = 'frame_too_large'`).length > 0);
    await big.stop();
    const garbage = await enrolNode({ badFrame: 'garbage' });
    await waitFor(async () => (await deps.sql`select 1 from grid_attempts where job_id = ${id} and fault = 'invalid_json'`).length > 0);
    await garbage.stop();
    const good = await enrolNode();
    await status(id, 'ready');
    const rows = await deps.sql<{ peer_id: string; node_fault: boolean }[]>`select peer_id, node_fault from grid_attempts where job_id = ${id} order by attempt`;
    expect(rows).toEqual([{ peer_id: big.peerId, node_fault: true }, { peer_id: garbage.peerId, node_fault: true }, { peer_id: good.peerId, node_fault: false }]);
    await good.stop();
  });

  it('does not schedule a node whose reputation fell below the suspension threshold', async () => {
    const suspect = await enrolNode();
    await deps.sql`update grid_nodes set reputation = 150 where peer_id = ${suspect.peerId}`;
    const id = await requestDraft(ownerCalls[8]!.id);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(suspect.calls).toHaveLength(0);
    expect((await draftOf(id)).status).toBe('queued');
    await deps.sql`update grid_nodes set reputation = 500 where peer_id = ${suspect.peerId}`;
    await status(id, 'ready');
    expect(suspect.calls).toHaveLength(1);
    await suspect.stop();
  });

  it('credits a recount, not inflated token counts, and records the mismatch', async () => {
    const inflating = await enrolNode({ inflateTokens: 500 });
    const id = await requestDraft(ownerCalls[4]!.id);
    await status(id, 'ready');
    const [r] = await deps.sql<{ verdict: string; o: number }[]>`select verdict, recounted_output_tokens as o from grid_receipts where job_id = ${id}`;
    expect(r).toEqual({ verdict: 'accepted_recount_mismatch', o: countTokens(canonicalJson(GOOD_FR_DRAFT)) });
    expect((await deps.sql`select 1 from grid_events where peer_id = ${inflating.peerId} and kind = 'grid.recount_mismatch'`).length).toBe(1);
    await inflating.stop();
  });

  it('detects a receipt row changed behind the append-only trigger\'s back', async () => {
    const [first] = await deps.sql<{ seq: string }[]>`select seq::text from grid_receipts order by seq limit 1`;
    await deps.sql.begin(async (tx) => {
      await tx`alter table grid_receipts disable trigger grid_receipts_append_only`;
      await tx`update grid_receipts set units = units + 1000 where seq = ${first!.seq}`;
      await tx`alter table grid_receipts enable trigger grid_receipts_append_only`;
    });
    expect((await asAdmin('GET', '/api/v1/grid/receipts/chain')).json()).toMatchObject({ intact: false, brokenAtSeq: Number(first!.seq) });
  });
});
