import { readFile } from 'node:fs/promises';
import type { PrivateKey } from '@libp2p/interface';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  GRID_BENCHMARK_TOOL, GRID_DRAFT_TOOL, GRID_STATUS_TOOL, GridDraftGenerateInputShape, GridDraftGenerateOutputShape,
  GridNodeBenchmarkInputShape, GridNodeBenchmarkOutputShape, GridNodeStatusOutputShape, type GridNodeStatus,
} from '@koprogo/protocols';
import { benchModel } from './bench.ts';
import { draftGenerate, refuse } from './draft-generate.ts';
import type { Journal } from './journal.ts';
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
  /** Declared load power in milliwatts (ad's power profile): receipts carry the job's energy estimate from it. */
  loadMw?: number | undefined;
  startedAt: number;
  /** A fresh benchmark result (node_benchmark): the daemon uses its thread count and advertises it. */
  onBench?: (entry: BenchEntry) => void;
  active: number;
  jobsCompleted: number;
}


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
