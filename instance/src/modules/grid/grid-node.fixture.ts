import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Connection, PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { lpStream } from '@libp2p/utils';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createGridLibp2p } from '@koprogo/edge-node';
import { jsonFrames, McpStreamTransport } from '@koprogo/edge-node/mcp-stream-transport';
import {
  canonicalJson, GRID_DRAFT_TOOL, GRID_HELLO_PROTOCOL, GRID_MCP_PROTOCOL, GridDraftGenerateInputShape, GridDraftGenerateOutputShape,
  GridHelloAckSchema, type GridCapabilityAd, type GridDraft, type GridDraftGenerateInput, type GridHelloAck, type GridReceipt,
} from '@koprogo/protocols';
import type { Libp2p } from 'libp2p';
import { canonicalSha256, signGrid } from './grid-crypto.ts';

/**
 * A scripted edge node for the instance's grid tests, built from the edge node's own parts (libp2p stack,
 * MCP stream transport): real libp2p on loopback, real Noise, real MCP; what the "model" writes, how long
 * it takes and which faults it injects are scripted. Every JSON-RPC message the instance sends it is kept
 * in `received` (the PII canary test searches them).
 */
export interface NodeScript {
  /** The draft the node returns (default: a valid French gentle reminder with placeholders). */
  draft?: (args: GridDraftGenerateInput) => GridDraft | null;
  /** Generation time, with a progress notification every 100 ms. */
  delayMs?: number;
  /** Sign the receipt with another key (a forgery). */
  forgeSignature?: boolean;
  /** Send no progress at all while "generating" (a frozen node: the lease runs out). */
  silent?: boolean;
  /** Called when a call arrives and when its answer is ready (timing of the dispatch gap in the benchmark). */
  onStart?: (args: GridDraftGenerateInput) => void;
  onEnd?: (args: GridDraftGenerateInput) => void;
  /** Answer the MCP stream with one raw frame instead of MCP: `oversized` (300 KiB) or `garbage` (not JSON). */
  badFrame?: 'oversized' | 'garbage';
  /** Put another output hash in the receipt. */
  wrongOutputHash?: boolean;
  /** Declare this many more output tokens than the real count. */
  inflateTokens?: number;
}

export const GOOD_FR_DRAFT: GridDraft = {
  subject: 'Rappel : échéance du {{DUE_DATE}}',
  body: 'Madame, Monsieur {{OWNER_NAME}},\n\nSauf erreur de notre part, le montant de {{AMOUNT_DUE}} échu le {{DUE_DATE}} ne nous est pas encore parvenu. Nous vous remercions de le verser avec la communication {{PAYMENT_REF}}.',
};

export interface TestNode {
  peerId: string;
  key: PrivateKey;
  libp2p: Libp2p;
  connection: Connection | null;
  received: string[];
  calls: GridDraftGenerateInput[];
  script: NodeScript;
  connect(addr: string): Promise<void>;
  hello(ad?: Partial<GridCapabilityAd>, opts?: { badSignature?: boolean }): Promise<GridHelloAck>;
  stop(): Promise<void>;
}

export async function createTestNode(opts: { models: Array<{ name: string; sha256: string }>; instancePeerId: string;
  countTokens: (text: string) => number; script?: NodeScript; maxConcurrent?: number; key?: PrivateKey }): Promise<TestNode> {
  const key = opts.key ?? await generateKeyPair('Ed25519');
  const peerId = peerIdFromPrivateKey(key).toString();
  const libp2p = await createGridLibp2p({ privateKey: key });
  let seq = Date.now();
  const node: TestNode = {
    peerId, key, libp2p, connection: null, received: [], calls: [], script: opts.script ?? {},
    async connect(addr) {
      node.connection = await libp2p.dial(multiaddr(addr), { signal: AbortSignal.timeout(5_000) });
    },
    async hello(overrides = {}, helloOpts = {}) {
      const now = Date.now();
      const ad: GridCapabilityAd = {
        v: 1, peerId, seq: (seq += 1), issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 150_000).toISOString(),
        software: { edgeNode: 'test', nodeLlamaCpp: '3.21.1', node: process.versions.node },
        models: opts.models.map((m) => ({ ...m, quantisation: 'F32', contextSize: 512, sizeBytes: 1 })),
        hw: { arch: 'x64', cores: 2, ramMb: 1024 },
        bench: opts.models.map((m) => ({ modelSha256: m.sha256, prefillTokPerSec: 1000, decodeTokPerSec: 500, threads: 1, measuredAt: new Date(now).toISOString() })),
        power: { idleMw: 3000, loadMw: 9000, source: 'class-default' }, maxConcurrent: opts.maxConcurrent ?? 1, availability: { kind: 'always' },
        ...overrides,
      };
      const signer = helloOpts.badSignature ? await generateKeyPair('Ed25519') : key;
      const stream = await node.connection!.newStream(GRID_HELLO_PROTOCOL);
      const frames = jsonFrames(stream);
      await frames.write({ type: 'hello', signedAd: { ad, signature: await signGrid(signer, 'capability', ad) } });
      const ack = await frames.read(GridHelloAckSchema, { signal: AbortSignal.timeout(5_000) });
      await stream.close().catch(() => {});
      return ack;
    },
    async stop() {
      await libp2p.stop();
    },
  };
  await libp2p.handle(GRID_MCP_PROTOCOL, (stream) => {
    if (node.script.badFrame) {
      const lp = lpStream(stream, { maxDataLength: 1024 * 1024 });
      const bytes = node.script.badFrame === 'oversized' ? new Uint8Array(300 * 1024).fill(32) : new TextEncoder().encode('{"jsonrpc": nope');
      void lp.read().then(() => lp.write(bytes)).catch(() => {});
      return;
    }
    const server = new McpServer({ name: 'test-node', version: '0' });
    server.registerTool(GRID_DRAFT_TOOL, { inputSchema: GridDraftGenerateInputShape, outputSchema: GridDraftGenerateOutputShape },
      async (args, extra) => generate(node, opts.countTokens, args, extra));
    const transport = new McpStreamTransport(stream);
    const start = transport.start.bind(transport);
    transport.start = async () => {
      const inner = transport.onmessage;
      transport.onmessage = (m) => { node.received.push(JSON.stringify(m)); inner?.(m); };
      return start();
    };
    void server.connect(transport);
  });
  return node;
}

type Extra = { signal: AbortSignal; _meta?: { progressToken?: string | number };
  sendNotification: (n: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; total?: number } }) => Promise<void> };

async function generate(node: TestNode, countTokens: (t: string) => number, args: GridDraftGenerateInput, extra: Extra) {
  node.calls.push(args);
  const s = node.script;
  s.onStart?.(args);
  const started = new Date();
  const token = extra._meta?.progressToken;
  for (let t = 0; t < (s.delayMs ?? 0); t += 100) {
    if (extra.signal.aborted) throw new Error('aborted');
    if (token !== undefined && !s.silent) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: 16 * (t / 100 + 1), total: args.maxTokens } });
    await new Promise((r) => setTimeout(r, 100));
  }
  const draft = (s.draft ?? (() => GOOD_FR_DRAFT))(args);
  const receipt: GridReceipt = {
    v: 1, jobId: args.jobId, attempt: args.attempt, nonce: args.nonce, peerId: node.peerId, instancePeerId: args.instancePeerId,
    modelSha256: args.modelSha256, promptSha256: canonicalSha256(args), outputSha256: s.wrongOutputHash ? canonicalSha256({ other: true }) : canonicalSha256(draft),
    promptTokens: countTokens(args.prompt), outputTokens: (draft ? countTokens(canonicalJson(draft)) : 0) + (s.inflateTokens ?? 0),
    stopReason: 'stop', startedAt: started.toISOString(), finishedAt: new Date().toISOString(),
  };
  const signer = s.forgeSignature ? await generateKeyPair('Ed25519') : node.key;
  s.onEnd?.(args);
  const output = { draft, usage: { promptTokens: receipt.promptTokens, outputTokens: receipt.outputTokens, ms: 1 }, stopReason: 'stop' as const,
    signedReceipt: { receipt, signature: await signGrid(signer, 'receipt', receipt) } };
  return { content: [{ type: 'text' as const, text: JSON.stringify(output) }], structuredContent: output };
}
