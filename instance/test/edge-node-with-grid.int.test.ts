import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../src/modules/demo/seed-demo.ts';
import { startGrid } from '../src/modules/grid/grid.p2p.ts';
import { TEMPLATE_VERSION } from '../src/modules/grid/templates.domain.ts';
import { createActor, createOrganization } from './support/actors.ts';
import { createTestApp } from './support/test-app.ts';

/**
 * The real `koprogo-edge` command (a separate Node 24 process, real stories260K inference) against the
 * instance's real grid (libp2p on loopback, pg-boss, dispatcher, receipt checks, vocab-only recount):
 * enrolment over HTTP, hello with a signed ad, one reminder job, and a receipt the instance accepts
 * and countersigns. The tiny model writes children's stories, so the draft itself fails verification:
 * what this proves is the protocol between the two programs, not the text.
 */
const root = resolve(import.meta.dirname, '../../');
const cli = join(root, 'edge-node/src/cli.ts');
const modelPath = [process.env.KOPROGO_TEST_MODEL, resolve(root, '../shared/models/stories260K.gguf'), resolve(root, '../../shared/models/stories260K.gguf')]
  .find((p): p is string => !!p && existsSync(p));
if (!modelPath && process.env.KOPROGO_REQUIRE_TEST_MODEL === '1') throw new Error('stories260K.gguf not found');
const MODEL_SHA = '247a25ed32cb767c1b66b69447b180fade94874732fbdeef04cd1c03619f55b7';

const waitFor = async <T>(probe: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> => {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 100))) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
  }
};

describe.skipIf(!modelPath)('koprogo-edge process against the instance grid', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'koprogo-edge-grid-'));
  const edgeDir = join(dataDir, 'edge');
  const t = await createTestApp({ withJobs: true, env: { KOPROGO_DATA_DIR: dataDir, GRID_LISTEN: '/ip4/127.0.0.1/tcp/0',
    GRID_MODELS_DIR: resolve(modelPath ?? dataDir, '..'), GRID_LEASE_MS: '5000', GRID_REDUNDANCY_PERCENT: '0' } });
  const { app, deps } = t;
  deps.grid = await startGrid(deps);
  const children: Array<ReturnType<typeof spawn>> = [];
  afterAll(async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await deps.grid?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const edge = (args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [cli, '--data-dir', edgeDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });

  const org = await createOrganization(deps);
  const admin = await createActor(deps, { organizationId: org.id, grants: [{ role: 'admin' }], isInstanceAdmin: true });
  const syndic = await createActor(deps, { organizationId: org.id, grants: [{ role: 'syndic' }] });
  await seedDemo(deps, { organizationId: org.id, actorUserId: admin.userId });
  const inOrg = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1/orgs/${org.id}${url}`, headers: syndic.headers, ...(payload ? { payload } : {}) });
  const [b] = await deps.sql<{ id: string }[]>`select id from buildings where organization_id = ${org.id} and language = 'fr' order by name limit 1`;
  const buildingId = b!.id;
  await inOrg('PATCH', `/buildings/${buildingId}/fund-settings`, { currentAccountIban: 'BE68539007547034', reserveAccountIban: 'BE62510007547061' });
  const call = (await inOrg('POST', `/buildings/${buildingId}/calls`, { fund: 'ordinary', periodLabel: 'Q1', dueDate: new Date(Date.parse(deps.clock.today()) - 20 * 86_400_000).toISOString().slice(0, 10), totalCents: 123_457 })).json();
  expect((await inOrg('POST', `/buildings/${buildingId}/calls/${call.id}/send`, {})).statusCode).toBe(200);
  const [ownerCall] = await deps.sql<{ id: string }[]>`select id from owner_calls where organization_id = ${org.id} and call_id = ${call.id} order by id limit 1`;

  it('enrols, says hello, runs a reminder job and gets its receipt accepted and countersigned', async () => {
    const model = await app.inject({ method: 'POST', url: '/api/v1/grid/models', headers: admin.headers,
      payload: { name: 'stories260K', sha256: MODEL_SHA, paramsMillions: 1, role: 'reminder', promptTemplateVersion: TEMPLATE_VERSION } });
    expect(model.statusCode, model.body).toBe(201);
    const token = (await app.inject({ method: 'POST', url: '/api/v1/grid/enrolment-tokens', headers: admin.headers, payload: {} })).json().token;
    const url = await app.listen({ port: 0, host: '127.0.0.1' });

    const init = await edge(['init', '--instance', url, '--token', token]);
    expect(init.code, init.stderr).toBe(0);
    const peerId = /identity (12D3KooW\w+)/.exec(init.stdout)![1]!;
    expect(init.stdout).toContain(`/p2p/${deps.grid!.peerId}`);
    expect((await edge(['models', 'add', modelPath!])).code).toBe(0);
    const start = spawn(process.execPath, [cli, '--data-dir', edgeDir, 'start', '--log-level', 'warn'], { stdio: 'ignore' });
    children.push(start);
    const node = await waitFor(async () => {
      const nodes = (await app.inject({ method: 'GET', url: '/api/v1/grid/nodes', headers: admin.headers })).json().items as Array<{ peerId: string; status: string; models: Array<{ sha256: string }> }>;
      return nodes.find((n) => n.peerId === peerId && n.status === 'online');
    });
    expect(node.models.map((m) => m.sha256)).toEqual([MODEL_SHA]);

    const created = await inOrg('POST', `/buildings/${buildingId}/ai-drafts`, { documentType: 'reminder', ownerCallId: ownerCall!.id, level: 'Gentle', locale: 'fr' });
    expect(created.statusCode, created.body).toBe(201);
    const draftId = created.json().id as string;
    const [receipt] = await waitFor(async () => {
      const rows = await deps.sql<{ peer_id: string; verdict: string; recounted_prompt_tokens: number; recounted_output_tokens: number; receipt: { receipt: { promptTokens: number; outputTokens: number } }; countersignature: string }[]>`
        select peer_id, verdict, recounted_prompt_tokens, recounted_output_tokens, receipt, countersignature from grid_receipts where job_id = ${draftId}`;
      return rows.length > 0 ? rows : null;
    });
    expect(receipt).toMatchObject({ peer_id: peerId, verdict: 'accepted' });
    // The node's counts are the instance's vocab-only recount, exactly.
    expect(receipt!.receipt.receipt.promptTokens).toBe(receipt!.recounted_prompt_tokens);
    expect(receipt!.receipt.receipt.outputTokens).toBe(receipt!.recounted_output_tokens);
    expect(receipt!.countersignature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    const [attempt] = await waitFor(async () => {
      const rows = await deps.sql<{ state: string; fault: string | null; stop_reason: string }[]>`
        select state, fault, stop_reason from grid_attempts where job_id = ${draftId} and state <> 'running' order by attempt`;
      return rows.length > 0 ? rows : null;
    });
    // Only the text's checks may reject it (the model writes stories), never the protocol.
    expect(attempt!.stop_reason).toBe('stop');
    if (attempt!.fault !== null) expect(attempt!.fault).toMatch(/^verify_/);

    const status = await edge(['status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ peerId, running: true, jobs: { completed: 1 } });
  });
});
