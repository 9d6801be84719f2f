import { readFile } from 'node:fs/promises';
import type { PrivateKey } from '@libp2p/interface';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  canonicalJson, GRID_BENCHMARK_TOOL, GRID_DRAFT_TOOL, GRID_LIVENESS_TICK_MS, GRID_PROGRESS_EVERY_TOKENS, GRID_STATUS_TOOL, GridDraftGenerateInputShape,
  GridDraftGenerateOutputShape, GridDraftSchema, GridNodeBenchmarkInputShape, GridNodeBenchmarkOutputShape, GridNodeStatusOutputShape,
  type GridDraft, type GridDraftGenerateInput, type GridDraftGenerateOutput, type GridNodeStatus, type GridReceipt, type GridStopReason,
} from '@koprogo/protocols';
import { benchModel } from './bench.ts';
import { canonicalSha256, signGridPayload } from './grid-signing.ts';
import type { Journal, JobOutcome } from './journal.ts';
import type { LlamaEngine } from './llm.ts';
import type { Logger } from './logger.ts';
import type { BenchEntry, ModelEntry } from './state.ts';

/**
 * The MCP tools a node serves on each `/koprogo/mcp/1.0.0` stream (grid-design §4.3): a fresh McpServer
 * per stream, sharing the node's runtime (engine, counters, journal).
 */
export interface NodeRuntime {
  peerId: string;
  privateKey: PrivateKey;
  engine: LlamaEngine;
  journal: Journal;
  logger: Logger;
  version: string;
  maxConcurrent: number;
  /** Registered, verified models by SHA-256. */
  models: () => ReadonlyMap<string, ModelEntry>;
  /** The measured best thread count for a model. */
  threadsFor: (modelSha256: string) => number;
  /** The instance this node is enrolled with: receipts for any other are refused. */
  instancePeerId: string;
  startedAt: number;
  /** A fresh benchmark result (node_benchmark): the daemon uses its thread count and advertises it. */
  onBench?: (entry: BenchEntry) => void;
  active: number;
  jobsCompleted: number;
}

type ToolResult = { content: Array<{ type: 'text'; text: string }>; structuredContent?: Record<string, unknown>; isError?: boolean };

const refuse = (code: string, message: string): ToolResult => ({ isError: true, content: [{ type: 'text', text: JSON.stringify({ code, message }) }] });

export function createNodeMcpServer(runtime: NodeRuntime): McpServer {
  const server = new McpServer({ name: 'koprogo-edge', version: runtime.version });
  server.registerTool(GRID_DRAFT_TOOL, {
    description: 'Write a draft {subject, body} with placeholders from the given prompt, under a JSON-schema grammar; returns a signed receipt.',
    inputSchema: GridDraftGenerateInputShape,
    outputSchema: GridDraftGenerateOutputShape,
  }, (args, extra) => draftGenerate(runtime, args, extra));
  server.registerTool(GRID_BENCHMARK_TOOL, {
    description: 'Re-measure a model (prefill and decode tokens/s with all cores and one fewer); refused while a job runs.',
    inputSchema: GridNodeBenchmarkInputShape,
    outputSchema: GridNodeBenchmarkOutputShape,
  }, async ({ modelSha256 }) => {
    const model = runtime.models().get(modelSha256);
    if (!model) return refuse('node.model_unknown', `Model ${modelSha256} is not registered on this node`);
    if (runtime.active > 0) return refuse('node.busy', 'A job is running; benchmark later');
    runtime.active += 1;
    try {
      const entry = await benchModel(runtime.engine, model, { runs: 1 });
      runtime.onBench?.(entry);
      const { tried: _tried, ...bench } = entry;
      return { content: [{ type: 'text', text: JSON.stringify(bench) }], structuredContent: bench };
    } finally {
      runtime.active -= 1;
    }
  });
  server.registerTool(GRID_STATUS_TOOL, {
    description: 'Whether the node is busy, its loaded model, uptime, temperature and throttling.',
    outputSchema: GridNodeStatusOutputShape,
  }, async () => {
    const status = await nodeStatus(runtime);
    return { content: [{ type: 'text', text: JSON.stringify(status) }], structuredContent: status };
  });
  return server;
}

interface Extra {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification: (n: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; total?: number; message?: string } }) => Promise<void>;
}

async function draftGenerate(runtime: NodeRuntime, args: GridDraftGenerateInput, extra: Extra): Promise<ToolResult> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const log = runtime.logger.child({ jobId: args.jobId, attempt: args.attempt });
  const model = runtime.models().get(args.modelSha256);
  const journalRefusal = (code: string, message: string) => {
    void runtime.journal.append({ type: 'job', at: startedAt, jobId: args.jobId, attempt: args.attempt, modelSha256: args.modelSha256, outcome: 'refused', promptTokens: 0, outputTokens: 0, ms: 0, error: code });
    log.warn({ code }, message);
    return refuse(code, message);
  };
  if (args.instancePeerId !== runtime.instancePeerId) return journalRefusal('node.wrong_instance', 'This node is enrolled with another instance');
  if (!model) return journalRefusal('node.model_unknown', `Model ${args.modelSha256} is not registered on this node`);
  if (runtime.active >= runtime.maxConcurrent) return journalRefusal('node.busy', `Node busy (${runtime.active}/${runtime.maxConcurrent} jobs)`);

  runtime.active += 1;
  const deadline = AbortSignal.timeout(args.deadlineMs);
  const signal = AbortSignal.any([extra.signal, deadline]);
  const progressToken = extra._meta?.progressToken;
  let tokens = 0;
  let lastReported = 0;
  const progress = (message: string) => {
    if (progressToken === undefined || signal.aborted) return;
    extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: tokens, total: args.maxTokens, message } })
      .catch((err) => log.debug({ err }, 'progress notification not sent'));
  };
  const ticker = setInterval(() => progress(tokens === 0 ? 'prefill' : 'alive'), GRID_LIVENESS_TICK_MS);
  progress('started');
  try {
    const promptTokens = await runtime.engine.countTokens(model.path, args.prompt);
    // A context just large enough (KV memory matters on a Pi), within the model's and a 4,096-token cap.
    const needed = promptTokens + args.maxTokens + 8;
    if (needed > model.contextSize) log.warn({ needed, contextSize: model.contextSize }, 'prompt and budget exceed the model context: the prompt will be shifted');
    const result = await runtime.engine.generate({
      modelPath: model.path, prompt: args.prompt, jsonSchema: args.outputSchema, maxTokens: args.maxTokens, seed: args.seed,
      temperature: args.temperature, threads: runtime.threadsFor(model.sha256), signal, contextSize: Math.min(model.contextSize, 4096, Math.max(512, needed)),
      onTokens: (count) => {
        tokens = count;
        if (count - lastReported >= GRID_PROGRESS_EVERY_TOKENS) {
          lastReported = count;
          progress('tokens');
        }
      },
    });
    const parsed = result.json === null ? null : GridDraftSchema.safeParse(result.json);
    const draft: GridDraft | null = parsed?.success ? parsed.data : null;
    let stopReason: GridStopReason = result.stopReason === 'aborted' ? (extra.signal.aborted ? 'aborted' : 'deadline') : result.stopReason;
    if (stopReason === 'stop' && draft === null) stopReason = 'maxTokens'; // parsed JSON outside the draft bounds: treat as truncated
    const outputTokens = draft ? await runtime.engine.countTokens(model.path, canonicalJson(draft)) : 0;
    const finished = Date.now();
    const receipt: GridReceipt = {
      v: 1, jobId: args.jobId, attempt: args.attempt, nonce: args.nonce, peerId: runtime.peerId, instancePeerId: runtime.instancePeerId,
      modelSha256: model.sha256, promptSha256: canonicalSha256(args), outputSha256: canonicalSha256(draft),
      promptTokens, outputTokens, stopReason, startedAt, finishedAt: new Date(finished).toISOString(),
    };
    const signature = await signGridPayload(runtime.privateKey, 'receipt', receipt);
    const output: GridDraftGenerateOutput = { draft, usage: { promptTokens, outputTokens, ms: finished - started }, stopReason, signedReceipt: { receipt, signature } };
    const outcome: JobOutcome = stopReason === 'stop' ? 'completed' : stopReason === 'maxTokens' ? 'truncated' : stopReason;
    if (outcome === 'completed') runtime.jobsCompleted += 1;
    void runtime.journal.append({ type: 'job', at: startedAt, jobId: args.jobId, attempt: args.attempt, modelSha256: model.sha256, outcome, stopReason, promptTokens, outputTokens, ms: finished - started });
    log.info({ stopReason, promptTokens, outputTokens, ms: finished - started, generated: result.generatedTokens }, 'draft generated');
    return { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
  } catch (err) {
    void runtime.journal.append({ type: 'job', at: startedAt, jobId: args.jobId, attempt: args.attempt, modelSha256: model.sha256, outcome: 'failed', promptTokens: 0, outputTokens: tokens, ms: Date.now() - started, error: (err as Error).message });
    log.error({ err }, 'draft generation failed');
    return refuse('node.generation_failed', (err as Error).message);
  } finally {
    clearInterval(ticker);
    runtime.active -= 1;
  }
}

async function readNumber(path: string): Promise<number | null> {
  try {
    const n = Number((await readFile(path, 'utf8')).trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

export async function nodeStatus(runtime: NodeRuntime): Promise<GridNodeStatus> {
  const milliC = await readNumber('/sys/class/thermal/thermal_zone0/temp');
  // Raspberry Pi firmware exposes the throttling bits (vcgencmd get_throttled) here.
  const throttledBits = await readNumber('/sys/devices/platform/soc/soc:firmware/get_throttled');
  const loaded = runtime.engine.lastModelPath;
  const loadedModel = loaded == null ? null : [...runtime.models().values()].find((m) => m.path === loaded) ?? null;
  return {
    peerId: runtime.peerId,
    busy: runtime.active >= runtime.maxConcurrent,
    activeJobs: runtime.active,
    maxConcurrent: runtime.maxConcurrent,
    loadedModelSha256: loadedModel?.sha256 ?? null,
    uptimeSec: Math.floor((Date.now() - runtime.startedAt) / 1000),
    jobsCompleted: runtime.jobsCompleted,
    temperatureC: milliC == null ? null : milliC / 1000,
    throttled: throttledBits == null ? null : (throttledBits & 0xf) !== 0,
  };
}
