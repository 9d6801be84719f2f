import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { GridEnrolmentClaim } from '@koprogo/protocols';
import { getLlama } from 'node-llama-cpp';
import { createActor, createOrganization } from '../../../test/support/actors.ts';
import { createTestApp } from '../../../test/support/test-app.ts';
import { signAccessToken } from '../auth/tokens.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { signGrid } from './grid-crypto.ts';
import { createTestNode, type NodeScript, type TestNode } from './grid-node.fixture.ts';
import { startGrid } from './grid.p2p.ts';

export const TEST_MODEL_SHA = '247a25ed32cb767c1b66b69447b180fade94874732fbdeef04cd1c03619f55b7';

export const waitFor = async <T>(probe: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> => {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 50))) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
  }
};

/**
 * A test instance with the grid running on loopback (real libp2p, pg-boss, the stories260K tokenizer for
 * recounts), a demo organization whose French building has owners with canary PII and overdue owner calls,
 * the test model registered (for reminders unless `modelRole` says otherwise), and helpers to enrol scripted nodes and ask for drafts. Call `close()` after.
 */
export async function gridTestInstance(modelPath: string, env: Record<string, string> = {},
  opts: { modelRole?: 'reminder' | 'convocation' } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'koprogo-grid-'));
  const t = await createTestApp({ withJobs: true, env: { KOPROGO_DATA_DIR: dataDir, GRID_LISTEN: '/ip4/127.0.0.1/tcp/0',
    GRID_MODELS_DIR: resolve(modelPath, '..'), GRID_LEASE_MS: '1500', GRID_REDUNDANCY_PERCENT: '0', ...env } });
  const { app, deps } = t;
  deps.grid = await startGrid(deps);
  const grid = deps.grid!;
  const vocab = await (await getLlama({ gpu: false, build: 'never' })).loadModel({ modelPath, vocabOnly: true });
  const countTokens = (text: string) => vocab.tokenize(text).length;
  const nodes: TestNode[] = [];

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

  // PII canaries: the owners, the building's IBAN and the amount are real values that must never reach a node.
  const [b] = await deps.sql<{ id: string }[]>`select id from buildings where organization_id = ${org.id} and language = 'fr' order by name limit 1`;
  const buildingId = b!.id;
  const owners = deps.sql`select h.person_id from holdings h join lots l on l.id = h.lot_id where l.building_id = ${buildingId}`;
  await deps.sql`update persons set last_name = 'Canaryname', first_name = 'Zorglub', email = 'canary@example.org'
    where organization_id = ${org.id} and kind = 'natural' and id in (${owners})`;
  await deps.sql`update persons set company_name = 'Zorglub Canaryname SA' where organization_id = ${org.id} and kind = 'legal' and id in (${owners})`;
  await deps.sql`update persons set street = 'Rue du Canari 77' where organization_id = ${org.id} and street is not null and id in (${owners})`;
  await inOrg('PATCH', `/buildings/${buildingId}/fund-settings`, { currentAccountIban: 'BE68539007547034', reserveAccountIban: 'BE62510007547061' });
  const call = (await inOrg('POST', `/buildings/${buildingId}/calls`, { fund: 'ordinary', periodLabel: 'Canary period', dueDate: deps.clock.today(),
    totalCents: 123_457 })).json();
  const sent = await inOrg('POST', `/buildings/${buildingId}/calls/${call.id}/send`, {});
  if (sent.statusCode !== 200) throw new Error(sent.body);
  t.clock.advance(30 * 86_400_000); // a month later the owner calls are overdue
  const ownerCalls = await deps.sql<{ id: string; communication: string; amount: string }[]>`select id, communication, amount_cents::text as amount
    from owner_calls where organization_id = ${org.id} and call_id = ${call.id} order by id`;
  const model = await asAdmin('POST', '/api/v1/grid/models', { name: 'stories260K', sha256: TEST_MODEL_SHA, paramsMillions: 1,
    role: opts.modelRole ?? 'reminder', promptTemplateVersion: opts.modelRole === 'convocation' ? 'convocation-v1' : 'reminder-v1' });
  if (model.statusCode !== 201) throw new Error(model.body);

  async function enrolNode(script: NodeScript = {}): Promise<TestNode> {
    const token = (await asAdmin('POST', '/api/v1/grid/enrolment-tokens', { label: 'test' })).json().token;
    const key = await generateKeyPair('Ed25519');
    const claim: GridEnrolmentClaim = { peerId: peerIdFromPrivateKey(key).toString(), token, ts: new Date().toISOString() };
    const res = await app.inject({ method: 'POST', url: '/api/v1/grid/enrol', payload: { ...claim, signature: await signGrid(key, 'enrol', claim) } });
    if (res.statusCode !== 201) throw new Error(res.body);
    const node = await createTestNode({ key, models: [{ name: 'stories260K', sha256: TEST_MODEL_SHA }], instancePeerId: grid.peerId, countTokens, script });
    nodes.push(node);
    await node.connect(res.json().bootstrapAddr);
    if (!(await node.hello()).accepted) throw new Error('hello refused');
    return node;
  }

  async function requestDraft(ownerCallId: string) {
    const res = await inOrg('POST', `/buildings/${buildingId}/ai-drafts`, { documentType: 'reminder', ownerCallId, level: 'Gentle', locale: 'fr' });
    if (res.statusCode !== 201) throw new Error(res.body);
    return res.json().id as string;
  }
  const draftOf = async (id: string) => (await inOrg('GET', `/buildings/${buildingId}/ai-drafts/${id}`)).json();
  const status = (id: string, s: string) => waitFor(async () => { const d = await draftOf(id); return d.status === s ? d : null; }, 15_000);

  async function close() {
    for (const n of nodes) await n.stop().catch(() => {});
    await grid.stop();
    await vocab.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }

  return { t, app, deps, grid, org, syndic, headersOf, asAdmin, inOrg, buildingId, ownerCalls, countTokens, enrolNode, requestDraft, draftOf, status, close };
}
