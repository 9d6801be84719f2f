import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import type { PeerId } from '@libp2p/interface';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { GRID_HELLO_PROTOCOL } from '@koprogo/protocols';
import { createLibp2p, type Libp2p } from 'libp2p';
import type { Deps } from '../../platform/deps.ts';
import { failOrphanAttempts } from './drafts.repo.ts';
import { loadOrCreateGridKey, peerIdOfKey } from './grid-crypto.ts';
import { Dispatcher } from './grid.dispatcher.ts';
import { handleHello } from './grid.hello.ts';
import { NodeBook } from './grid.nodes.ts';
import * as repo from './grid.repo.ts';
import type { GridRuntime } from './grid.runtime.ts';
import { GridTokenizer } from './grid.tokenizer.ts';

/** Keepalive (grid-design §2): ping every 5 s; a failed ping closes the connection, so the node goes offline. */
const PING_INTERVAL_MS = 5_000;

/**
 * The instance's grid node: libp2p (TCP + Noise + Yamux, identify, ping) on GRID_LISTEN with the
 * persistent instance key, a connection gater that refuses every peer not enrolled or revoked, the hello
 * protocol, online/offline from connection events, and the dispatcher. Started by main.ts when GRID_LISTEN
 * is set; returns null otherwise.
 */
export async function startGrid(deps: Deps): Promise<GridRuntime | null> {
  const cfg = deps.config.grid;
  if (!cfg.listen) return null;
  if (!deps.boss) throw new Error('the grid needs pg-boss');
  const log = deps.logger.child({ module: 'grid' });
  const key = await loadOrCreateGridKey(cfg.keyFile);
  const peerId = await peerIdOfKey(key);
  const book = new NodeBook();
  const denied = async (peer: PeerId) => {
    const ok = await repo.isAdmissible(deps.sql, peer.toString()).catch(() => false);
    if (!ok) await repo.recordGridEvent(deps.sql, peer.toString(), 'grid.connection_refused', {}, new Date()).catch(() => {});
    return !ok;
  };
  const node: Libp2p = await createLibp2p({
    privateKey: key,
    addresses: { listen: [cfg.listen] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() },
    connectionMonitor: { pingInterval: PING_INTERVAL_MS, abortConnectionOnPingFailure: true },
    // Several nodes may share one public address (a home or an office behind NAT); libp2p's default of 5
    // inbound connections per second per host would refuse their reconnections. The gater still applies.
    connectionManager: { inboundConnectionThreshold: 50 },
    // The instance never dials nodes: they dial it (from behind NATs) and it opens job streams back.
    connectionGater: { denyInboundEncryptedConnection: denied, denyDialPeer: () => true },
  });
  const tokenizer = new GridTokenizer(cfg.modelsDir);
  const dispatcher = new Dispatcher({ deps: { sql: deps.sql, logger: log, config: deps.config, boss: deps.boss }, book, key, instancePeerId: peerId, tokenizer });

  await node.handle(GRID_HELLO_PROTOCOL, (stream, connection) => {
    void handleHello({ sql: deps.sql, logger: log }, book, stream, connection, () => dispatcher.wake())
      .catch((err) => log.warn({ err }, 'hello failed'));
  }, { maxInboundStreams: 4 });
  node.addEventListener('connection:close', (evt) => {
    const peer = evt.detail.remotePeer.toString();
    if (node.getConnections(evt.detail.remotePeer).length > 0) return;
    if (book.remove(peer)) {
      log.info({ peerId: peer }, 'grid node offline');
      void repo.setNodeStatus(deps.sql, peer, 'offline', new Date()).catch(() => {});
    }
  });

  // Attempts left running by a crash failed (not the node's fault); nodes are offline until they say hello.
  await failOrphanAttempts(deps.sql, new Date());
  await deps.sql`update grid_nodes set status = 'offline' where status = 'online'`;
  dispatcher.start();
  const listened = node.getMultiaddrs().map((m) => m.toString());
  log.info({ peerId, listen: listened }, 'grid node listening');

  return {
    peerId,
    bootstrapAddr() {
      const base = cfg.announce ?? node.getMultiaddrs()[0]?.decapsulateCode(421).toString() ?? cfg.listen!;
      return `${base}/p2p/${peerId}`;
    },
    async hangUp(peer: string) {
      book.remove(peer);
      for (const c of node.getConnections().filter((x) => x.remotePeer.toString() === peer)) await c.close().catch(() => {});
    },
    wake: () => dispatcher.wake(),
    cancel: (draftId: string) => dispatcher.cancel(draftId),
    async stop() {
      await dispatcher.stop();
      await node.stop();
      await tokenizer.dispose();
    },
  };
}
