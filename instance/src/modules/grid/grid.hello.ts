import type { Connection, Stream } from '@libp2p/interface';
import { jsonFrames } from '@koprogo/edge-node/mcp-stream-transport';
import { GridHelloSchema, type GridHelloAck } from '@koprogo/protocols';
import type { Deps } from '../../platform/deps.ts';
import { verifyGrid } from './grid-crypto.ts';
import type { NodeBook } from './grid.nodes.ts';
import * as repo from './grid.repo.ts';

/**
 * `/koprogo/grid/hello/1.0.0` (grid-design §3): the node sends one signed capability ad, the instance
 * answers one ack. Refused (and audited by peer): a bad signature, a non-increasing `seq`, a past
 * `expiresAt`, an ad for another peer. Model hashes missing from the registry (or disabled) are ignored
 * for scheduling and audited; the others make the node schedulable for their role.
 */
export async function handleHello(deps: Pick<Deps, 'sql' | 'logger'>, book: NodeBook, stream: Stream, connection: Connection,
  onAccepted: () => void): Promise<void> {
  const peerId = connection.remotePeer.toString();
  const frames = jsonFrames(stream);
  const now = Date.now(); // protocol freshness (network time), not a business date
  const ack = (a: Omit<GridHelloAck, 'type' | 'serverTime'>): GridHelloAck => ({ type: 'hello_ack', serverTime: new Date(now).toISOString(), ...a });
  let reply: GridHelloAck;
  try {
    const hello = await frames.read(GridHelloSchema, { signal: AbortSignal.timeout(5_000) });
    reply = await judgeAd(deps, book, peerId, connection, hello.signedAd, now, ack);
  } catch (err) {
    await repo.recordGridEvent(deps.sql, peerId, 'grid.hello_invalid', { error: (err as Error).message.slice(0, 200) }, new Date(now));
    reply = ack({ accepted: false, code: 'grid.hello_invalid', message: 'Not a valid hello message' });
  }
  try {
    await frames.write(reply, { signal: AbortSignal.timeout(5_000) });
    await stream.close();
  } catch (err) {
    stream.abort(err as Error);
  }
  if (reply.accepted) onAccepted();
}

async function judgeAd(deps: Pick<Deps, 'sql' | 'logger'>, book: NodeBook, peerId: string, connection: Connection,
  signed: { ad: import('@koprogo/protocols').GridCapabilityAd; signature: string }, now: number,
  ack: (a: Omit<GridHelloAck, 'type' | 'serverTime'>) => GridHelloAck): Promise<GridHelloAck> {
  const { ad } = signed;
  const at = new Date(now);
  const refuse = async (code: string, message: string, details: Record<string, unknown> = {}) => {
    await repo.recordGridEvent(deps.sql, peerId, code, { seq: ad.seq, ...details }, at);
    deps.logger.warn({ peerId, code }, 'capability ad refused');
    return ack({ accepted: false, code, message });
  };
  if (ad.peerId !== peerId) return refuse('grid.ad_wrong_peer', 'The ad names another peer');
  if (!(await verifyGrid(peerId, 'capability', ad, signed.signature))) return refuse('grid.ad_bad_signature', 'Bad signature');
  const node = await repo.findNode(deps.sql, peerId);
  if (!node || node.revokedAt) return refuse('grid.node_not_enrolled', 'Not enrolled, or revoked');
  if (node.lastAdSeq !== null && BigInt(ad.seq) <= BigInt(node.lastAdSeq)) {
    return refuse('grid.ad_stale_seq', 'seq must increase', { lastSeq: node.lastAdSeq });
  }
  if (!(Date.parse(ad.expiresAt) > now)) return refuse('grid.ad_expired', 'The ad has expired', { expiresAt: ad.expiresAt });
  const registry = await repo.listModels(deps.sql);
  const enabled = new Set(registry.filter((m) => m.enabled).map((m) => m.sha256));
  const accepted = ad.models.filter((m) => enabled.has(m.sha256)).map((m) => m.sha256);
  const unknown = ad.models.filter((m) => !enabled.has(m.sha256)).map((m) => m.sha256);
  if (unknown.length) await repo.recordGridEvent(deps.sql, peerId, 'grid.ad_unknown_model', { seq: ad.seq, models: unknown }, at);
  await repo.storeAd(deps.sql, peerId, ad, ad, at);
  await repo.setNodeStatus(deps.sql, peerId, 'online', at);
  book.upsert(peerId, connection, ad, new Set(accepted), node.reputation);
  deps.logger.info({ peerId, seq: ad.seq, models: accepted.length }, 'grid node online');
  return ack({ accepted: true, acceptedModels: accepted });
}
