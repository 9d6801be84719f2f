// The edge node's protocol costs and inference with the real tiny model: MCP over a libp2p stream
// (loopback, real Noise/Yamux), a fresh stream per job attempt, draft_generate with stories260K, and
// how fast a cancelled generation stops (grid-design §16 targets).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Connection } from '@libp2p/interface';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { GRID_DRAFT_JSON_SCHEMA, GRID_HELLO_PROTOCOL, GRID_MCP_PROTOCOL, GridHelloSchema, type GridDraftGenerateInput } from '@koprogo/protocols';
import { pino } from 'pino';
import { EdgeDaemon } from '../edge-node/src/edge-daemon.ts';
import { loadOrCreateIdentity } from '../edge-node/src/identity.ts';
import { Journal } from '../edge-node/src/journal.ts';
import { createGridLibp2p } from '../edge-node/src/libp2p-node.ts';
import { LlamaEngine } from '../edge-node/src/llm.ts';
import { jsonFrames, McpStreamTransport } from '../edge-node/src/mcp-stream-transport.ts';
import { addModel } from '../edge-node/src/models.ts';
import { EdgeState } from '../edge-node/src/state.ts';
import type { BenchModule } from './lib/report.ts';

export const title = 'Edge node: MCP over libp2p, draft_generate with stories260K, cancellation';

const CALLS = 1000;
const JOBS = 50;
const CANCELS = 10;
const TARGET_CALL_P95_MS = 5;
const TARGET_CANCEL_MS = 1000;
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]!; };
const ms = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(2)} ms, p95 ${pct(xs, 0.95).toFixed(2)} ms`;

const root = fileURLToPath(new URL('../', import.meta.url));
const modelPath = [process.env.KOPROGO_TEST_MODEL, join(root, '../shared/models/stories260K.gguf'), join(root, '../../shared/models/stories260K.gguf')]
  .find((p): p is string => !!p && existsSync(p));

export const run: BenchModule['run'] = async (ctx) => {
  if (!modelPath) throw new Error('stories260K.gguf not found (../shared/models or KOPROGO_TEST_MODEL)');
  const dir = await mkdtemp(join(tmpdir(), 'koprogo-edge-bench-'));
  ctx.cleanup.defer('remove the data dir', () => rm(dir, { recursive: true, force: true }));
  const instance = await createGridLibp2p({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'] });
  ctx.cleanup.defer('stop the test instance', () => instance.stop());
  let connection: Connection | undefined;
  await instance.handle(GRID_HELLO_PROTOCOL, async (stream, conn) => {
    const frames = jsonFrames(stream);
    await frames.read(GridHelloSchema);
    connection = conn;
    await frames.write({ type: 'hello_ack', accepted: true, serverTime: new Date().toISOString() });
    await stream.close();
  });
  const state = new EdgeState(dir);
  const identity = await loadOrCreateIdentity(state);
  const model = await addModel(state, modelPath);
  const engine = new LlamaEngine();
  const daemon = new EdgeDaemon({ identity, models: [model], bench: [], engine, journal: new Journal(state), logger: pino({ level: 'silent' }),
    power: { idleMw: 0, loadMw: 0, source: 'class-default' },
    enrolment: { instanceUrl: 'http://127.0.0.1', peerId: identity.peerId, instancePeerId: instance.peerId.toString(), bootstrapAddr: instance.getMultiaddrs()[0]!.toString(), enrolledAt: new Date().toISOString() } });
  ctx.cleanup.defer('stop the node', async () => { await daemon.stop(); await engine.dispose(); });
  await daemon.start();
  const open = async () => {
    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(new McpStreamTransport(await connection!.newStream(GRID_MCP_PROTOCOL)));
    return client;
  };
  const failures: string[] = [];

  ctx.progress(`${CALLS} node_status calls on one stream`);
  const client = await open();
  for (let i = 0; i < 50; i++) await client.callTool({ name: 'node_status', arguments: {} });
  const calls: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    const r = await client.callTool({ name: 'node_status', arguments: {} });
    calls.push(performance.now() - t);
    if (r.isError) failures.push('node_status failed');
  }
  await client.close();

  ctx.progress(`${JOBS} jobs: fresh stream + initialize + draft_generate each`);
  const args = (over: Partial<GridDraftGenerateInput> = {}): GridDraftGenerateInput => ({
    jobId: crypto.randomUUID(), attempt: 1, nonce: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'),
    templateId: 'reminder.gentle', locale: 'en', context: { documentType: 'reminder', templateVersion: '1', requiredPlaceholders: [] },
    prompt: 'Once upon a time', modelSha256: model.sha256, outputSchema: { ...GRID_DRAFT_JSON_SCHEMA }, maxTokens: 300, seed: 7,
    temperature: 0.2, deadlineMs: 30_000, instancePeerId: instance.peerId.toString(), ...over,
  });
  const setup: number[] = [];
  const jobs: number[] = [];
  let tokens = 0;
  let genMs = 0;
  for (let i = 0; i < JOBS; i++) {
    const t0 = performance.now();
    const c = await open();
    const t1 = performance.now();
    const r = await c.callTool({ name: 'draft_generate', arguments: args({ seed: i }) });
    const t2 = performance.now();
    await c.close();
    setup.push(t1 - t0);
    jobs.push(t2 - t1);
    const out = r.structuredContent as { usage: { outputTokens: number; ms: number }; stopReason: string } | undefined;
    if (r.isError || !out) failures.push(`draft_generate failed: ${JSON.stringify(r.content).slice(0, 200)}`);
    else { tokens += out.usage.outputTokens; genMs += out.usage.ms; }
  }

  ctx.progress(`${CANCELS} cancellations mid-generation`);
  const long = { ...GRID_DRAFT_JSON_SCHEMA, properties: { subject: { type: 'string', minLength: 1, maxLength: 300 }, body: { type: 'string', minLength: 1500, maxLength: 1900 } } };
  const cancels: number[] = [];
  for (let i = 0; i < CANCELS; i++) {
    const c = await open();
    const controller = new AbortController();
    let progressed = 0;
    const call = c.callTool({ name: 'draft_generate', arguments: args({ outputSchema: long, maxTokens: 4000 }) }, undefined,
      { signal: controller.signal, onprogress: (p) => { progressed = p.progress; } }).catch(() => undefined);
    while (progressed < 32) await new Promise((r) => setTimeout(r, 1));
    const t = performance.now();
    controller.abort(new Error('cancelled'));
    while (daemon.runtime.active > 0) await new Promise((r) => setTimeout(r, 1));
    cancels.push(performance.now() - t);
    await call;
    await c.close();
  }

  const callP95 = pct(calls, 0.95);
  const cancelMax = Math.max(...cancels);
  return {
    context: { Model: `stories260K (F32, ${(model.sizeBytes / 1_048_576).toFixed(1)} MB), threads ${daemon.runtime.threadsFor(model.sha256)}`,
      Transport: 'libp2p 3 TCP + Noise + Yamux on 127.0.0.1, MCP SDK 1.32 over lpStream' },
    metrics: [
      { label: `MCP tools/call round trip (node_status, ${CALLS} calls)`, value: ms(calls), target: `p95 < ${TARGET_CALL_P95_MS} ms`, pass: callP95 < TARGET_CALL_P95_MS },
      { label: 'New stream + MCP initialize (per job attempt)', value: ms(setup) },
      { label: `draft_generate, 300-token budget (${JOBS} jobs)`, value: ms(jobs) },
      { label: 'Output tokens per second of job time (grammar-constrained)', value: `${(tokens / (genMs / 1000)).toFixed(0)} output tok/s` },
      { label: `Cancel → node idle (${CANCELS} runs)`, value: `${ms(cancels)}, max ${cancelMax.toFixed(1)} ms`, target: `≤ ${TARGET_CANCEL_MS} ms`, pass: cancelMax <= TARGET_CANCEL_MS },
    ],
    notes: ['A job is one stream per attempt (grid-design §4.2); `draft_generate` time includes tokenising, a fresh llama context, grammar, signing.'],
    failures: [...new Set(failures)],
    data: { calls: { p50: pct(calls, 0.5), p95: callP95 }, setup: { p50: pct(setup, 0.5), p95: pct(setup, 0.95) },
      jobs: { p50: pct(jobs, 0.5), p95: pct(jobs, 0.95) }, tokPerSec: tokens / (genMs / 1000), cancel: { p50: pct(cancels, 0.5), max: cancelMax } },
  };
};
