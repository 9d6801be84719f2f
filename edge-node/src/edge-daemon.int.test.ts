import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Connection } from '@libp2p/interface';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  GRID_DRAFT_JSON_SCHEMA, GRID_HELLO_PROTOCOL, GRID_MCP_PROTOCOL, GridBenchSchema, GridDraftGenerateOutputSchema, GridHelloSchema, GridNodeStatusSchema,
  type GridDraftGenerateInput, type GridHello, type GridHelloAck,
} from '@koprogo/protocols';
import type { Libp2p } from 'libp2p';
import { getLlama } from 'node-llama-cpp';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeDaemon } from './edge-daemon.ts';
import { canonicalSha256, verifyGridSignature } from './grid-signing.ts';
import { loadOrCreateIdentity } from './identity.ts';
import { Journal, type JobEntry } from './journal.ts';
import { createGridLibp2p } from './libp2p-node.ts';
import { LlamaEngine } from './llm.ts';
import { jsonFrames, McpStreamTransport } from './mcp-stream-transport.ts';
import { addModel } from './models.ts';
import { EdgeState } from './state.ts';
import { skipWithoutModel, TEST_MODEL_SHA256, testModelPath } from './testing/test-model.ts';

/**
 * The node against a small test-side "instance": a real libp2p listener on loopback that accepts the
 * node's hello, opens MCP streams back over the node's connection and calls its tools, with the real
 * stories260K model.
 */
let dir: string;
let instance: Libp2p;
let daemon: EdgeDaemon;
let journal: Journal;
let nodeConnection: Connection | undefined;
const hellos: Array<{ hello: GridHello; signatureOk: boolean }> = [];

const waitFor = async (check: () => boolean, ms = 5_000) => {
  for (const end = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > end) throw new Error('timed out waiting');
  }
};

function args(overrides: Partial<GridDraftGenerateInput> = {}): GridDraftGenerateInput {
  return {
    jobId: crypto.randomUUID(), attempt: 1, nonce: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'),
    templateId: 'reminder.gentle', locale: 'en',
    context: { documentType: 'reminder', templateVersion: '1', requiredPlaceholders: ['AMOUNT_DUE', 'DUE_DATE'] },
    prompt: 'Once upon a time', modelSha256: TEST_MODEL_SHA256, outputSchema: { ...GRID_DRAFT_JSON_SCHEMA }, maxTokens: 400, seed: 42,
    temperature: 0, deadlineMs: 20_000, instancePeerId: instance.peerId.toString(), ...overrides,
  };
}

async function mcpClient(): Promise<Client> {
  const stream = await nodeConnection!.newStream(GRID_MCP_PROTOCOL);
  const client = new Client({ name: 'test-instance', version: '0' });
  await client.connect(new McpStreamTransport(stream));
  return client;
}

/** A body of at least 1,500 characters (llama.cpp caps grammar repetitions near 2,000) keeps the tiny model busy long enough to be interrupted. */
const longSchema = { ...GRID_DRAFT_JSON_SCHEMA, properties: { subject: { type: 'string', minLength: 1, maxLength: 300 }, body: { type: 'string', minLength: 1500, maxLength: 1900 } } };

describe.skipIf(skipWithoutModel)('edge daemon with a test-side instance (real libp2p, real model)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'koprogo-edge-'));
    const state = new EdgeState(dir);
    const identity = await loadOrCreateIdentity(state);
    const model = await addModel(state, testModelPath!);
    instance = await createGridLibp2p({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'] });
    await instance.handle(GRID_HELLO_PROTOCOL, async (stream, connection) => {
      const frames = jsonFrames(stream);
      const hello = await frames.read(GridHelloSchema);
      const { ad, signature } = hello.signedAd;
      const signatureOk = ad.peerId === connection.remotePeer.toString() && await verifyGridSignature(ad.peerId, 'capability', ad, signature);
      hellos.push({ hello, signatureOk });
      nodeConnection = connection;
      const ack: GridHelloAck = {
        type: 'hello_ack', accepted: signatureOk, serverTime: new Date().toISOString(), acceptedModels: ad.models.map((m) => m.sha256),
        earnings: { period: '2026-11', approvedJobs: 3, units: 12, cents: null },
      };
      await frames.write(ack);
      await stream.close();
    });
    journal = new Journal(state);
    daemon = new EdgeDaemon({
      identity, models: [model], bench: [], engine: new LlamaEngine(), journal, logger: pino({ level: 'silent' }),
      power: { idleMw: 3000, loadMw: 9000, source: 'class-default' }, maxBackoffMs: 200, adIntervalMs: 400,
      enrolment: { instanceUrl: 'http://127.0.0.1:9', peerId: identity.peerId, instancePeerId: instance.peerId.toString(), bootstrapAddr: instance.getMultiaddrs()[0]!.toString(), enrolledAt: new Date().toISOString() },
    });
    await daemon.start();
  });

  afterAll(async () => {
    await daemon?.stop();
    await daemon?.runtime.engine.dispose();
    await instance?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says hello first with a capability ad signed by its peer id, and re-ads with a higher seq', async () => {
    const first = hellos[0]!;
    expect(first.signatureOk).toBe(true);
    expect(first.hello.signedAd.ad.models).toEqual([expect.objectContaining({ sha256: TEST_MODEL_SHA256, quantisation: 'F32', contextSize: 512 })]);
    expect(first.hello.signedAd.ad.power).toEqual({ idleMw: 3000, loadMw: 9000, source: 'class-default' });
    expect(daemon.lastAck?.accepted).toBe(true);
    // Re-advertised on its own every adIntervalMs (60 s in production), each with a higher seq.
    await waitFor(() => hellos.length >= 3);
    const seqs = hellos.map((h) => h.hello.signedAd.ad.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const tampered = { ...first.hello.signedAd.ad, maxConcurrent: 8 };
    expect(await verifyGridSignature(daemon.peerId, 'capability', tampered, first.hello.signedAd.signature)).toBe(false);
    await journal.flushed();
    // Two acks with the same figures: journalled once.
    expect((await journal.entries()).filter((e) => e.type === 'earnings')).toEqual([expect.objectContaining({ earnings: expect.objectContaining({ units: 12 }) })]);
  });

  it('writes a draft under the grammar with progress every 16 tokens and a receipt that verifies from the peer id alone', async () => {
    const client = await mcpClient();
    const input = args();
    const progress: number[] = [];
    const result = await client.callTool({ name: 'draft_generate', arguments: input }, undefined, {
      onprogress: (p) => progress.push(p.progress), timeout: 5_000, resetTimeoutOnProgress: true,
    });
    expect(result.isError).toBeFalsy();
    const output = GridDraftGenerateOutputSchema.parse(result.structuredContent);
    expect(output.stopReason).toBe('stop');
    expect(output.draft).toEqual({ subject: expect.any(String), body: expect.any(String) });
    const { receipt, signature } = output.signedReceipt;
    expect(await verifyGridSignature(daemon.peerId, 'receipt', receipt, signature)).toBe(true);
    expect(await verifyGridSignature(daemon.peerId, 'receipt', { ...receipt, outputTokens: receipt.outputTokens + 1 }, signature)).toBe(false);
    expect(receipt).toMatchObject({ jobId: input.jobId, attempt: 1, nonce: input.nonce, peerId: daemon.peerId, instancePeerId: instance.peerId.toString(), modelSha256: TEST_MODEL_SHA256, stopReason: 'stop' });
    expect(receipt.promptSha256).toBe(canonicalSha256(input));
    // The declared energy estimate: 9 W × the job's duration between the receipt's times.
    const busyMs = Date.parse(receipt.finishedAt) - Date.parse(receipt.startedAt);
    expect(receipt.energyMilliWh).toBe(Math.round((9000 * busyMs) / 3_600_000));
    expect(receipt.outputSha256).toBe(canonicalSha256(output.draft));
    // The instance's recount: a vocab-only load of the same GGUF gives the same token counts.
    const llama = await getLlama({ gpu: false, build: 'never' });
    const vocab = await llama.loadModel({ modelPath: testModelPath!, vocabOnly: true });
    expect(receipt.promptTokens).toBe(vocab.tokenize(input.prompt).length);
    const { canonicalJson } = await import('@koprogo/protocols');
    expect(receipt.outputTokens).toBe(vocab.tokenize(canonicalJson(output.draft)).length);
    await vocab.dispose();
    // Progress: a 'started' notification at 0, then one per 16 generated tokens.
    expect(progress[0]).toBe(0);
    const tokenSteps = progress.filter((p) => p > 0);
    expect(tokenSteps.length).toBeGreaterThanOrEqual(2);
    for (const p of tokenSteps) expect(p % 16).toBe(0);
    await client.close();
  });

  it('reports a truncated output as maxTokens with no draft, still signed', async () => {
    const client = await mcpClient();
    const result = await client.callTool({ name: 'draft_generate', arguments: args({ maxTokens: 10 }) });
    const output = GridDraftGenerateOutputSchema.parse(result.structuredContent);
    expect(output).toMatchObject({ stopReason: 'maxTokens', draft: null, usage: { outputTokens: 0 } });
    expect(await verifyGridSignature(daemon.peerId, 'receipt', output.signedReceipt.receipt, output.signedReceipt.signature)).toBe(true);
    await client.close();
  });

  it('stops generating when the instance cancels (extra.signal), and refuses a second job while busy', async () => {
    const client = await mcpClient();
    const controller = new AbortController();
    let lastProgress = 0;
    const input = args({ outputSchema: longSchema, maxTokens: 8000 });
    const call = client.callTool({ name: 'draft_generate', arguments: input }, undefined, {
      signal: controller.signal, onprogress: (p) => { lastProgress = p.progress; },
    });
    await waitFor(() => lastProgress >= 32);
    expect(daemon.runtime.active).toBe(1);
    const busyClient = await mcpClient();
    const busy = await busyClient.callTool({ name: 'draft_generate', arguments: args() });
    expect(busy.isError).toBe(true);
    expect(JSON.stringify(busy.content)).toContain('node.busy');
    await busyClient.close();
    const cancelledAt = Date.now();
    controller.abort(new Error('syndic cancelled'));
    await expect(call).rejects.toThrow(/syndic cancelled/);
    await waitFor(() => daemon.runtime.active === 0, 1_000);
    expect(Date.now() - cancelledAt).toBeLessThan(1_000);
    await journal.flushed();
    const recorded = (await journal.entries()).find((e): e is JobEntry => e.type === 'job' && e.jobId === input.jobId);
    expect(recorded).toMatchObject({ outcome: 'aborted', stopReason: 'aborted' });
    expect(recorded!.promptTokens).toBeGreaterThan(0);
    await client.close();
  });

  it('stops at the deadline and says so', async () => {
    const client = await mcpClient();
    const result = await client.callTool({ name: 'draft_generate', arguments: args({ outputSchema: longSchema, maxTokens: 8000, deadlineMs: 100 }) });
    const output = GridDraftGenerateOutputSchema.parse(result.structuredContent);
    expect(output).toMatchObject({ stopReason: 'deadline', draft: null });
    await client.close();
  });

  it('refuses an unknown model or another instance, and reports its status', async () => {
    const client = await mcpClient();
    const unknown = await client.callTool({ name: 'draft_generate', arguments: args({ modelSha256: 'f'.repeat(64) }) });
    expect(unknown.isError).toBe(true);
    expect(JSON.stringify(unknown.content)).toContain('node.model_unknown');
    const other = await client.callTool({ name: 'draft_generate', arguments: args({ instancePeerId: daemon.peerId }) });
    expect(JSON.stringify(other.content)).toContain('node.wrong_instance');
    const invalid = await client.callTool({ name: 'draft_generate', arguments: { ...args(), temperature: 0.9 } });
    expect(invalid.isError).toBe(true);
    const status = GridNodeStatusSchema.parse((await client.callTool({ name: 'node_status', arguments: {} })).structuredContent);
    expect(status).toMatchObject({ peerId: daemon.peerId, busy: false, activeJobs: 0, maxConcurrent: 1, loadedModelSha256: TEST_MODEL_SHA256 });
    expect(status.jobsCompleted).toBeGreaterThanOrEqual(1);
    await client.close();
  });

  it('re-measures a model on request (node_benchmark) and advertises the result', async () => {
    const client = await mcpClient();
    const result = await client.callTool({ name: 'node_benchmark', arguments: { modelSha256: TEST_MODEL_SHA256 } });
    expect(result.isError).toBeFalsy();
    const bench = GridBenchSchema.parse(result.structuredContent);
    expect(bench.modelSha256).toBe(TEST_MODEL_SHA256);
    expect(bench.decodeTokPerSec).toBeGreaterThan(0);
    const seen = hellos.length;
    await waitFor(() => hellos.length > seen);
    expect(hellos.at(-1)!.hello.signedAd.ad.bench).toEqual([bench]);
    await client.close();
  });

  it('re-benchmarks its models when idle (weekly in production) and advertises the result', async () => {
    const before = hellos.at(-1)!.hello.signedAd.ad.bench[0]!.measuredAt;
    await daemon.rebenchIdle();
    expect(daemon.runtime.active).toBe(0);
    const seen = hellos.length;
    await waitFor(() => hellos.length > seen);
    const after = hellos.at(-1)!.hello.signedAd.ad.bench;
    expect(after).toHaveLength(1);
    expect(after[0]!.measuredAt > before).toBe(true);
  });

  it('reconnects and says hello again when the instance drops the connection', async () => {
    const before = hellos.length;
    await instance.hangUp(nodeConnection!.remotePeer);
    await waitFor(() => hellos.length > before, 5_000);
    expect(hellos.at(-1)!.signatureOk).toBe(true);
    const client = await mcpClient();
    const status = GridNodeStatusSchema.parse((await client.callTool({ name: 'node_status', arguments: {} })).structuredContent);
    expect(status.busy).toBe(false);
    await client.close();
  });
});
