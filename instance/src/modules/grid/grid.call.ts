import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpStreamTransport } from '@koprogo/edge-node/mcp-stream-transport';
import {
  GRID_DRAFT_TOOL, GRID_MCP_PROTOCOL, GridDraftGenerateOutputSchema, type GridDraftGenerateInput, type GridDraftGenerateOutput,
} from '@koprogo/protocols';
import type { OnlineNode } from './grid.nodes.ts';

/** How an attempt ended; `nodeFault` lowers the node's reputation and excludes it from the job's retries. */
export interface Outcome { ok: boolean; fault: string | null; nodeFault: boolean; stopReason: string | null; output?: GridDraftGenerateOutput }

/**
 * One `draft_generate` call on a fresh `/koprogo/mcp/1.0.0` stream (grid-design §4–5): the lease is the
 * progress stream (`leaseMs`, reset by each notification); no token growth for 2 × the prefill estimate
 * + 10 s is a stall; the hard cap comes from the node's benchmark. Faults: `connection_lost`,
 * `lease_expired`, `stall`, `frame_too_large`/`invalid_json`/`invalid_message`/`truncated_frame` (bad frames), `tool_error`, `bad_output`, `cancelled`.
 */
export async function callDraftGenerate(node: OnlineNode, args: GridDraftGenerateInput, abort: AbortController, leaseMs: number): Promise<Outcome> {
  const bench = node.ad.bench.find((b) => b.modelSha256 === args.modelSha256);
  const prefillMs = 1_000 * 400 / Math.max(1, bench?.prefillTokPerSec ?? 50);
  const stallMs = 2 * prefillMs + 10_000;
  const hardCapMs = Math.ceil(1.5 * (prefillMs + 1_000 * args.maxTokens / Math.max(1, bench?.decodeTokPerSec ?? 5) + 30_000));
  let lastProgress = -1;
  let lastGrowth = Date.now();
  const stall = setInterval(() => {
    if (Date.now() - lastGrowth > stallMs) abort.abort(new Error('stalled'));
  }, 250);
  let transport: McpStreamTransport | null = null;
  const client = new Client({ name: 'koprogo-instance', version: '1' });
  try {
    const stream = await node.connection.newStream(GRID_MCP_PROTOCOL, { signal: AbortSignal.timeout(5_000) });
    transport = new McpStreamTransport(stream);
    await client.connect(transport, { signal: abort.signal, timeout: leaseMs });
    const result = await client.callTool({ name: GRID_DRAFT_TOOL, arguments: args }, undefined, {
      timeout: leaseMs, resetTimeoutOnProgress: true, maxTotalTimeout: hardCapMs, signal: abort.signal,
      onprogress: (p) => { if (p.progress > lastProgress) { lastProgress = p.progress; lastGrowth = Date.now(); } },
    });
    if (result.isError) {
      const text = JSON.stringify(result.content).slice(0, 300);
      return { ok: false, fault: 'tool_error', nodeFault: !text.includes('node.busy'), stopReason: null };
    }
    const parsed = GridDraftGenerateOutputSchema.safeParse(result.structuredContent);
    if (!parsed.success) return { ok: false, fault: 'bad_output', nodeFault: true, stopReason: null };
    return { ok: true, fault: null, nodeFault: false, stopReason: parsed.data.stopReason, output: parsed.data };
  } catch (err) {
    const reason = abort.signal.aborted ? String((abort.signal.reason as Error)?.message ?? 'aborted') : (err as Error).message;
    const fault = transport?.fault ? transport.fault : reason === 'stalled' ? 'stall'
      : reason.startsWith('cancelled') ? 'cancelled' : /timed out|timeout/i.test(reason) ? 'lease_expired' : 'connection_lost';
    return { ok: false, fault, nodeFault: fault !== 'cancelled' && reason !== 'instance stopping', stopReason: null };
  } finally {
    clearInterval(stall);
    await client.close().catch(() => {});
  }
}
