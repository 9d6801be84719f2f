import { FED_CONTEXT } from '@koprogo/protocols';
import type { Db } from '../../platform/db.ts';
import { originFor, type FedDeps } from './federation.identity.ts';
import { enqueueActivity, newActivityId } from './federation.outbox.ts';
import * as repo from './federation.repo.ts';

/**
 * The revenue-share ledger's head (grid, 0014) published to every peer as `Update{copro:LedgerHead}`,
 * and the peers' heads stored: Certificate-Transparency style, a peer showing two different hashes for
 * the same ledger size has equivocated (refused, alerted).
 */

/** Same as the grid ledger's genesis: the head of an empty ledger. */
const EMPTY_HEAD = '0'.repeat(64);

export async function publishLedgerHead(deps: FedDeps): Promise<{ activityId: string; size: number; headHash: string }> {
  const o = originFor(deps);
  return deps.sql.begin(async (tx) => {
    await tx`lock table grid_ledger in share mode`; // a consistent (size, last hash) pair
    const [h] = await tx<{ size: string; headHash: string | null; lastPeriod: string | null }[]>`select count(*)::text as size,
      (select entry_hash from grid_ledger order by seq desc limit 1) as "headHash", (select max(period) from grid_ledger) as "lastPeriod" from grid_ledger`;
    const size = Number(h!.size);
    const headHash = h!.headHash ?? EMPTY_HEAD;
    const at = deps.clock.now();
    const activityId = newActivityId(o);
    await tx`insert into fed_ledger_heads (origin_host, size, head_hash, last_period, activity_id, published_at, received_at)
      values (${o.host}, ${size}, ${headHash}, ${h!.lastPeriod}, ${activityId}, ${at}, ${at}) on conflict do nothing`;
    await enqueueActivity(tx, deps, { '@context': [...FED_CONTEXT], id: activityId, type: 'Update', actor: o.actorId, published: at.toISOString(),
      object: { type: 'copro:LedgerHead', id: `${o.base}/fed/ledger/heads/${size}`, ledger: `${o.base}/fed/ledger`, size, headHash, lastPeriod: h!.lastPeriod } });
    return { activityId, size, headHash };
  }) as Promise<{ activityId: string; size: number; headHash: string }>;
}

export async function receiveLedgerHead(tx: Db, peer: repo.PeerRow, activityId: string, published: string,
  h: { size: number; headHash: string; lastPeriod: string | null }, at: Date): Promise<string> {
  const [known] = await tx<{ headHash: string }[]>`select head_hash as "headHash" from fed_ledger_heads where origin_host = ${peer.host} and size = ${h.size}`;
  if (known && known.headHash !== h.headHash) {
    await repo.insertAlert(tx, 'ledger_head_equivocation', peer.host, { size: h.size, kept: known.headHash, refused: h.headHash, activityId }, at);
    return 'refused: equivocation';
  }
  if (known) return 'ok';
  await tx`insert into fed_ledger_heads (origin_host, size, head_hash, last_period, activity_id, published_at, received_at)
    values (${peer.host}, ${h.size}, ${h.headHash}, ${h.lastPeriod}, ${activityId}, ${new Date(published)}, ${at})`;
  return 'ok';
}

export async function listLedgerHeads(db: Db) {
  const rows = await db<{ host: string; size: string; headHash: string; lastPeriod: string | null; activityId: string; publishedAt: Date; receivedAt: Date }[]>`
    select origin_host as host, size::text, head_hash as "headHash", last_period as "lastPeriod", activity_id as "activityId", published_at as "publishedAt",
      received_at as "receivedAt" from fed_ledger_heads order by origin_host, size desc limit 500`;
  return rows.map((r) => ({ ...r, size: Number(r.size), publishedAt: r.publishedAt.toISOString(), receivedAt: r.receivedAt.toISOString() }));
}
