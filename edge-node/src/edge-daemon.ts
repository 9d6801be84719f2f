import { readFile } from 'node:fs/promises';
import { arch, availableParallelism, totalmem } from 'node:os';
import type { Connection } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import {
  GRID_AD_INTERVAL_MS, GRID_AD_TTL_MS, GRID_HELLO_PROTOCOL, GRID_MCP_PROTOCOL, GridHelloAckSchema,
  type GridCapabilityAd, type GridHello, type GridHelloAck,
} from '@koprogo/protocols';
import type { Libp2p } from 'libp2p';
import { benchModel } from './bench.ts';
import { signGridPayload } from './grid-signing.ts';
import type { Identity } from './identity.ts';
import type { Journal } from './journal.ts';
import { createGridLibp2p } from './libp2p-node.ts';
import type { LlamaEngine } from './llm.ts';
import type { Logger } from './logger.ts';
import { jsonFrames, McpStreamTransport } from './mcp-stream-transport.ts';
import { createNodeMcpServer, type NodeRuntime } from './node-tools.ts';
import type { BenchEntry, EnrolmentState, ModelEntry } from './state.ts';
import { EDGE_NODE_VERSION, NODE_LLAMA_CPP_VERSION } from './version.ts';

/**
 * `koprogo-edge start`: dial the instance's bootstrap address (no listen address: nodes sit behind home
 * NATs), say hello with a signed capability ad, serve `/koprogo/mcp/1.0.0` to the instance only, re-ad
 * every minute, and reconnect with backoff when the connection drops.
 */
const WEEK_MS = 7 * 24 * 3_600_000;

export interface PowerProfile { idleMw: number; loadMw: number; source: 'meter' | 'rapl' | 'class-default' }

export interface EdgeDaemonOptions {
  identity: Identity;
  enrolment: EnrolmentState;
  models: ModelEntry[];
  bench: BenchEntry[];
  engine: LlamaEngine;
  journal: Journal;
  logger: Logger;
  power: PowerProfile;
  /** Advertised availability; default always. "solar_surplus" is self-declared (grid-design §10). */
  availability?: GridCapabilityAd['availability'];
  maxConcurrent?: number;
  adIntervalMs?: number;
  maxBackoffMs?: number;
  /** Called when the first connection attempt fails (the daemon keeps retrying). */
  onUnreachable?: (err: Error) => void;
  /** Re-benchmark every model this often, when idle (grid-design §3: weekly); 0 disables. */
  rebenchIntervalMs?: number;
  /** Called with every benchmark result (node_benchmark, weekly re-run); the CLI saves them to bench.json. */
  onBench?: (results: BenchEntry[]) => void;
  /** Called after every hello ack. */
  onAck?: (ack: GridHelloAck) => void;
}

export class EdgeDaemon {
  readonly runtime: NodeRuntime;
  private readonly options: EdgeDaemonOptions;
  private libp2p: Libp2p | undefined;
  private connection: Connection | undefined;
  private adTimer: NodeJS.Timeout | undefined;
  private benchTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private seq = 0;
  private stopping = false;
  private backoffMs = 1_000;
  private lastEarnings: string | undefined;
  /** The last ack from the instance (whether it accepted our ad). */
  lastAck: GridHelloAck | undefined;

  constructor(options: EdgeDaemonOptions) {
    this.options = options;
    const byHash = new Map(options.models.map((m) => [m.sha256, m]));
    const threads = new Map(options.bench.map((b) => [b.modelSha256, b.threads]));
    this.runtime = {
      peerId: options.identity.peerId,
      privateKey: options.identity.privateKey,
      engine: options.engine,
      journal: options.journal,
      logger: options.logger,
      version: EDGE_NODE_VERSION,
      maxConcurrent: options.maxConcurrent ?? 1,
      models: () => byHash,
      threadsFor: (sha) => threads.get(sha) ?? Math.max(1, availableParallelism() - 1),
      instancePeerId: options.enrolment.instancePeerId,
      loadMw: options.power.loadMw,
      startedAt: Date.now(),
      onBench: (entry) => {
        threads.set(entry.modelSha256, entry.threads);
        options.bench = [...options.bench.filter((b) => b.modelSha256 !== entry.modelSha256), entry];
        options.onBench?.(options.bench);
      },
      active: 0,
      jobsCompleted: 0,
    };
  }

  get peerId(): string {
    return this.options.identity.peerId;
  }

  async start(): Promise<void> {
    const instancePeer = peerIdFromString(this.options.enrolment.instancePeerId);
    this.libp2p = await createGridLibp2p({
      privateKey: this.options.identity.privateKey,
      // A node talks to its instance only: no inbound connections, no dials elsewhere.
      connectionGater: { denyInboundConnection: () => true, denyDialPeer: (peer) => !peer.equals(instancePeer) },
    });
    await this.libp2p.handle(GRID_MCP_PROTOCOL, (stream, connection) => {
      if (!connection.remotePeer.equals(instancePeer)) {
        stream.abort(new Error('not our instance'));
        return;
      }
      const server = createNodeMcpServer(this.runtime);
      server.connect(new McpStreamTransport(stream)).catch((err) => this.options.logger.warn({ err }, 'MCP stream failed to start'));
    }, { maxInboundStreams: 4 * this.runtime.maxConcurrent + 4 });
    this.libp2p.addEventListener('connection:close', (evt) => {
      if (evt.detail.remotePeer.equals(instancePeer) && evt.detail === this.connection) this.onDisconnected();
    });
    const rebench = this.options.rebenchIntervalMs ?? WEEK_MS;
    if (rebench > 0) this.benchTimer = setInterval(() => void this.rebenchIdle(), rebench);
    try {
      await this.connect();
    } catch (err) {
      // A node outlives an instance restart or a network outage: keep trying, with backoff.
      this.options.logger.warn({ err: (err as Error).message, retryInMs: this.backoffMs }, 'instance unreachable');
      this.options.onUnreachable?.(err as Error);
      this.scheduleReconnect();
    }
  }

  /** Dials and says hello; resolves after the first ack. Throws if the instance cannot be reached. */
  async connect(): Promise<GridHelloAck> {
    if (!this.libp2p) throw new Error('EdgeDaemon not started');
    this.connection = await this.libp2p.dial(multiaddr(this.options.enrolment.bootstrapAddr), { signal: AbortSignal.timeout(10_000) });
    this.options.logger.info({ instance: this.options.enrolment.bootstrapAddr }, 'connected to the instance');
    const ack = await this.sendHello();
    this.backoffMs = 1_000;
    clearInterval(this.adTimer);
    this.adTimer = setInterval(() => {
      this.sendHello().catch((err) => this.options.logger.warn({ err }, 'capability ad not delivered'));
    }, this.options.adIntervalMs ?? GRID_AD_INTERVAL_MS);
    return ack;
  }

  buildAd(now = Date.now()): GridCapabilityAd {
    this.seq = Math.max(now, this.seq + 1); // a millisecond clock keeps seq increasing across restarts
    const o = this.options;
    return {
      v: 1,
      peerId: this.peerId,
      seq: this.seq,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + GRID_AD_TTL_MS).toISOString(),
      software: { edgeNode: EDGE_NODE_VERSION, nodeLlamaCpp: NODE_LLAMA_CPP_VERSION, node: process.versions.node },
      models: o.models.map((m) => ({ name: m.name, sha256: m.sha256, quantisation: m.quantisation, contextSize: m.contextSize, sizeBytes: m.sizeBytes })),
      hw: { arch: arch(), cores: availableParallelism(), ramMb: Math.floor(totalmem() / 1_048_576) },
      bench: o.bench.filter((b) => o.models.some((m) => m.sha256 === b.modelSha256)).map((b) => ({
        modelSha256: b.modelSha256, prefillTokPerSec: b.prefillTokPerSec, decodeTokPerSec: b.decodeTokPerSec, threads: b.threads, measuredAt: b.measuredAt,
      })),
      power: o.power,
      maxConcurrent: this.runtime.maxConcurrent,
      availability: o.availability ?? { kind: 'always' },
    };
  }

  async sendHello(): Promise<GridHelloAck> {
    const connection = this.connection;
    if (!connection || connection.status !== 'open') throw new Error('not connected to the instance');
    const ad = this.buildAd();
    const hello: GridHello = { type: 'hello', signedAd: { ad, signature: await signGridPayload(this.options.identity.privateKey, 'capability', ad) } };
    const stream = await connection.newStream(GRID_HELLO_PROTOCOL, { signal: AbortSignal.timeout(10_000) });
    try {
      const frames = jsonFrames(stream);
      await frames.write(hello);
      const ack = await frames.read(GridHelloAckSchema, { signal: AbortSignal.timeout(10_000) });
      await stream.close();
      this.lastAck = ack;
      if (ack.accepted) this.options.logger.info({ seq: ad.seq, acceptedModels: ack.acceptedModels?.length }, 'capability ad accepted');
      else this.options.logger.warn({ code: ack.code, message: ack.message }, 'capability ad refused by the instance');
      this.options.onAck?.(ack);
      // Journal the instance's figures only when they change (acks come every minute).
      if (ack.earnings && JSON.stringify(ack.earnings) !== this.lastEarnings) {
        this.lastEarnings = JSON.stringify(ack.earnings);
        void this.options.journal.append({ type: 'earnings', at: ack.serverTime, earnings: ack.earnings });
      }
      return ack;
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  /** Re-measures every model while no job runs; a job arriving meanwhile is refused as busy. */
  async rebenchIdle(): Promise<void> {
    for (const model of this.options.models) {
      if (this.stopping || this.runtime.active > 0) return;
      this.runtime.active += 1;
      try {
        this.runtime.onBench?.(await benchModel(this.options.engine, model, { runs: 1 }));
      } catch (err) {
        this.options.logger.warn({ err, model: model.name }, 'benchmark failed');
      } finally {
        this.runtime.active -= 1;
      }
    }
    this.options.logger.info({ bench: this.options.bench.map((b) => ({ model: b.modelSha256.slice(0, 12), threads: b.threads, decode: b.decodeTokPerSec })) }, 'models re-benchmarked');
  }

  private onDisconnected(): void {
    clearInterval(this.adTimer);
    this.connection = undefined;
    if (this.stopping) return;
    this.options.logger.warn({ retryInMs: this.backoffMs }, 'connection to the instance lost; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((err) => {
        if (this.stopping) return;
        this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 60_000);
        this.options.logger.warn({ err: (err as Error).message, retryInMs: this.backoffMs }, 'instance unreachable');
        this.scheduleReconnect();
      });
    }, this.backoffMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.adTimer);
    clearInterval(this.benchTimer);
    clearTimeout(this.reconnectTimer);
    await this.libp2p?.stop();
  }
}

/** Class-default power estimates (grid-design §10): replace them with a meter reading when you have one. */
export async function defaultPowerProfile(): Promise<PowerProfile> {
  let model = '';
  try {
    model = await readFile('/proc/device-tree/model', 'utf8');
  } catch {
    // not a device-tree machine (x86 laptop or server)
  }
  if (/Raspberry Pi 5/.test(model)) return { idleMw: 3_000, loadMw: 9_000, source: 'class-default' };
  if (/Raspberry Pi 4/.test(model)) return { idleMw: 2_700, loadMw: 6_000, source: 'class-default' };
  return { idleMw: 8_000, loadMw: 25_000, source: 'class-default' };
}
