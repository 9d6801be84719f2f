import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { canonicalJson, type GridEnrolmentClaim } from '@koprogo/protocols';
import { getLlama, type LlamaModel } from 'node-llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { createActor, createOrganization } from '../../../test/support/actors.ts';
import { createTestApp } from '../../../test/support/test-app.ts';
import { signAccessToken } from '../auth/tokens.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { signGrid } from './grid-crypto.ts';
import { createTestNode, GOOD_FR_DRAFT, type NodeScript, type TestNode } from './grid-node.fixture.ts';
import { startGrid } from './grid.p2p.ts';
import { verifyChain } from './receipts.service.ts';

/**
 * The instance side of the grid with real parts: PostgreSQL, pg-boss, the instance's libp2p node on
 * loopback, scripted edge nodes speaking real Noise/Yamux/MCP, and the real stories260K tokenizer for
 * the receipt recounts.
 */
const root = resolve(import.meta.dirname, '../../../../');
const modelPath = [resolve(root, '../shared/models/stories260K.gguf'), resolve(root, '../../shared/models/stories260K.gguf')].find(existsSync);
if (!modelPath && process.env.KOPROGO_REQUIRE_TEST_MODEL === '1') throw new Error('stories260K.gguf not found');
const MODEL_SHA = '247a25ed32cb767c1b66b69447b180fade94874732fbdeef04cd1c03619f55b7';

const waitFor = async <T>(probe: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> => {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 50))) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
  }
};

describe.skipIf(!modelPath)('grid, instance side (real libp2p, pg-boss, tokenizer)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'koprogo-grid-'));
  const t = await createTestApp({ withJobs: true, env: { KOPROGO_DATA_DIR: dataDir, GRID_LISTEN: '/ip4/127.0.0.1/tcp/0',
    GRID_MODELS_DIR: modelPath ? resolve(modelPath, '..') : dataDir, GRID_LEASE_MS: '1500', GRID_REDUNDANCY_PERCENT: '0' } });
  const { app, deps } = t;
  deps.grid = await startGrid(deps);
  const grid = deps.grid!;
  const llama = await getLlama({ gpu: false, build: 'never' });
  const vocab: LlamaModel = await llama.loadModel({ modelPath: modelPath!, vocabOnly: true });
  const countTokens = (text: string) => vocab.tokenize(text).length;
  const nodes: TestNode[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.stop().catch(() => {});
    await grid.stop();
    await vocab.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  const org = await createOrganization(deps);
  const admin = await createActor(deps, { organizationId: org.id, grants: [{ role: 'admin' }], isInstanceAdmin: true });
  const syndic = await createActor(deps, { organizationId: org.id, grants: [{ role: 'syndic' }] });
  await seedDemo(deps, { organizationId: org.id, actorUserId: admin.userId });
  // Tokens signed at the test clock's time (the clock moves a month forward below).
  const headersOf = async (a: typeof admin) => ({ authorization: `Bearer ${await signAccessToken(deps.secrets.jwtKey,
    { userId: a.userId, sessionId: a.sessionId }, t.clock.now(), deps.config.accessTokenTtlSeconds)}` });
  const asAdmin = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, headers: await headersOf(admin), ...(payload ? { payload } : {}) });
  const inOrg = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1/orgs/${org.id}${url}`, headers: await headersOf(syndic), ...(payload ? { payload } : {}) });

  // PII canaries: the owner, the building's IBAN and the amount are real values that must never reach a node.
  const [b] = await deps.sql<{ id: string }[]>`select id from buildings where organization_id = ${org.id} and language = 'fr' order by name limit 1`;
  const buildingId = b!.id;
  const owners = deps.sql`select h.person_id from holdings h join lots l on l.id = h.lot_id where l.building_id = ${buildingId}`;
  await deps.sql`update persons set last_name = 'Canaryname', first_name = 'Zorglub', email = 'canary@example.org'
    where organization_id = ${org.id} and kind = 'natural' and id in (${owners})`;
  await deps.sql`update persons set company_name = 'Zorglub Canaryname SA' where organization_id = ${org.id} and kind = 'legal' and id in (${owners})`;
  await deps.sql`update persons set street = 'Rue du Canari 77' where organization_id = ${org.id} and street is not null and id in (${owners})`;
  await inOrg('PATCH', `/buildings/${buildingId}/fund-settings`, { currentAccountIban: 'BE68539007547034', reserveAccountIban: 'BE62510007547061' });
  const today = deps.clock.today();
  const call = (await inOrg('POST', `/buildings/${buildingId}/calls`, { fund: 'ordinary', periodLabel: 'Canary period', dueDate: today, totalCents: 123_457 })).json();
  expect((await inOrg('POST', `/buildings/${buildingId}/calls/${call.id}/send`, {})).statusCode).toBe(200);
  t.clock.advance(30 * 86_400_000); // a month later the owner calls are overdue
  const ownerCalls = await deps.sql<{ id: string; communication: string; amount: string }[]>`select id, communication, amount_cents::text as amount
    from owner_calls where organization_id = ${org.id} and call_id = ${call.id} order by id`;

  async function enrolNode(script: NodeScript = {}): Promise<TestNode> {
    const token = (await asAdmin('POST', '/api/v1/grid/enrolment-tokens', { label: 'test' })).json().token;
    const key = await generateKeyPair('Ed25519');
    const claim: GridEnrolmentClaim = { peerId: peerIdFromPrivateKey(key).toString(), token, ts: new Date().toISOString() };
    const res = await app.inject({ method: 'POST', url: '/api/v1/grid/enrol', payload: { ...claim, signature: await signGrid(key, 'enrol', claim) } });
    expect(res.statusCode, res.body).toBe(201);
    const node = await createTestNode({ key, models: [{ name: 'stories260K', sha256: MODEL_SHA }], instancePeerId: grid.peerId, countTokens, script });
    nodes.push(node);
    await node.connect(res.json().bootstrapAddr);
    expect((await node.hello()).accepted).toBe(true);
    return node;
  }

  async function requestDraft(ownerCallId = ownerCalls[0]!.id) {
    const res = await inOrg('POST', `/buildings/${buildingId}/ai-drafts`, { documentType: 'reminder', ownerCallId, level: 'gentle', locale: 'fr' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }
  const draftOf = async (id: string) => (await inOrg('GET', `/buildings/${buildingId}/ai-drafts/${id}`)).json();
  const status = (id: string, s: string) => waitFor(async () => { const d = await draftOf(id); return d.status === s ? d : null; }, 15_000);

  it('registers the model; a job waits visibly while no node can run it; the syndic may take the template', async () => {
    const model = await asAdmin('POST', '/api/v1/grid/models', { name: 'stories260K', sha256: MODEL_SHA, paramsMillions: 1,
      role: 'reminder', promptTemplateVersion: 'reminder-v1' });
    expect(model.statusCode, model.body).toBe(201);
    expect((await asAdmin('POST', '/api/v1/grid/models', { name: 'again', sha256: MODEL_SHA, paramsMillions: 1, role: 'reminder',
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

  it('refuses unenrolled peers at the gater; audits bad ads; goes online with a good one', async () => {
    const stranger = await createTestNode({ models: [], instancePeerId: grid.peerId, countTokens });
    nodes.push(stranger);
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
    expect((await node.hello()).acceptedModels).toEqual([MODEL_SHA]);
    const listed = (await asAdmin('GET', `/api/v1/grid/nodes/${node.peerId}`)).json();
    expect(listed).toMatchObject({ status: 'online', models: [{ sha256: MODEL_SHA }] });
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

  it('credits a recount, not inflated token counts, and records the mismatch', async () => {
    const inflating = await enrolNode({ inflateTokens: 500 });
    const id = await requestDraft(ownerCalls[4]!.id);
    await status(id, 'ready');
    const [r] = await deps.sql<{ verdict: string; o: number }[]>`select verdict, recounted_output_tokens as o from grid_receipts where job_id = ${id}`;
    expect(r).toEqual({ verdict: 'accepted_recount_mismatch', o: countTokens(canonicalJson(GOOD_FR_DRAFT)) });
    expect((await deps.sql`select 1 from grid_events where peer_id = ${inflating.peerId} and kind = 'grid.recount_mismatch'`).length).toBe(1);
    await inflating.stop();
  });
});
