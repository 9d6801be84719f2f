import { verify } from 'node:crypto';
import { FedActivity, type FedActivityDto } from '@koprogo/protocols';
import { publicKeyFromRaw } from '@koprogo/federation';
import type { Db } from '../../platform/db.ts';
import { continuityStatement, hostOf } from './federation.domain.ts';
import { originFor, type FedDeps } from './federation.identity.ts';
import { receiveAccept, receiveOffer } from './federation.move.ts';
import { receiveFeedAccept, receiveFollow, receiveUndo } from './federation.portfolio.ts';
import { receiveLedgerHead } from './federation.ledger-head.ts';
import * as repo from './federation.repo.ts';

interface InboxRow { activityId: string; senderHost: string; signerKeyId: string; state: string; body: unknown }

/**
 * Applies a received activity (the `fed.inbox.process` job). Idempotent: a row already processed is
 * skipped, and every handler is an upsert keyed by the object, so a re-delivery changes nothing.
 */
export async function processInboxActivity(deps: FedDeps, activityId: string): Promise<string> {
  return deps.sql.begin(async (tx) => {
    const [row] = await tx<InboxRow[]>`select activity_id as "activityId", sender_host as "senderHost", signer_key_id as "signerKeyId", state, body
      from fed_inbox where activity_id = ${activityId} for update`;
    if (!row || row.state === 'processed') return row?.state ?? 'missing';
    const peer = await repo.findPeerByHost(tx, row.senderHost);
    const activity = FedActivity.parse(row.body);
    const at = deps.clock.now();
    const result = peer ? await apply(tx, deps, peer, row, activity, at) : 'ignored: peer removed';
    await tx`update fed_inbox set state = 'processed', processed_at = ${at}, error = ${result === 'ok' ? null : result.slice(0, 500)}
      where activity_id = ${activityId}`;
    return result;
  });
}

/**
 * Applies many received activities in one transaction (the background drain): one read, one
 * peers lookup, one handler statement per activity, one state update. Rows another process holds
 * are skipped. Throws if any handler throws (the caller then goes row by row).
 */
export async function processBatch(deps: FedDeps, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return deps.sql.begin(async (tx) => {
    const rows = await tx<InboxRow[]>`select activity_id as "activityId", sender_host as "senderHost", signer_key_id as "signerKeyId", state, body
      from fed_inbox where activity_id = any(${ids}) and state <> 'processed' order by received_at for update skip locked`;
    if (rows.length === 0) return 0;
    const peers = new Map((await repo.listPeers(tx)).map((p) => [p.host, p]));
    const at = deps.clock.now();
    const results: string[] = [];
    for (const row of rows) {
      const peer = peers.get(row.senderHost);
      results.push(peer ? await apply(tx, deps, peer, row, FedActivity.parse(row.body), at) : 'ignored: peer removed');
    }
    await tx`update fed_inbox f set state = 'processed', processed_at = ${at}, error = nullif(r.result, 'ok')
      from unnest(${rows.map((r) => r.activityId)}::text[], ${results.map((r) => r.slice(0, 500))}::text[]) as r(id, result)
      where f.activity_id = r.id`;
    return rows.length;
  }) as Promise<number>;
}

async function apply(tx: Db, deps: FedDeps, peer: repo.PeerRow, row: InboxRow, a: FedActivityDto, at: Date): Promise<string> {
  if (a.type === 'Offer') return receiveOffer(tx, peer, a.id, a.target, a.object, originFor(deps).actorId, at);
  if (a.type === 'Accept') {
    return 'copro:receipt' in a ? receiveAccept(tx, peer, a.object, a['copro:receipt'], originFor(deps).base, at)
      : receiveFeedAccept(tx, peer, a.object.id, a['copro:feedUrl'], at);
  }
  if (a.type === 'Follow') return receiveFollow(tx, peer, a.object, a.target, originFor(deps).actorId, at);
  if (a.type === 'Undo') return receiveUndo(tx, peer, a.object.id, at);
  if (a.type === 'Create') {
    const o = a.object;
    await tx`insert into fed_stats_bulletins (origin_host, period, activity_id, buildings, lots, owners, software_version, published_at)
      values (${peer.host}, ${o.period}, ${a.id}, ${o.buildings}, ${o.lots}, ${o.owners}, ${o.softwareVersion}, ${new Date(a.published)})
      on conflict (origin_host, period) do update set activity_id = excluded.activity_id, buildings = excluded.buildings, lots = excluded.lots,
        owners = excluded.owners, software_version = excluded.software_version, published_at = excluded.published_at
      where fed_stats_bulletins.published_at < excluded.published_at`;
    return 'ok';
  }
  if (a.type === 'Block') {
    await repo.insertAlert(tx, 'peer_announced_block', peer.host, { blocked: a.object, reasons: a['copro:reasons'], activityId: a.id }, at);
    return 'ok';
  }
  const obj = a.object;
  if (obj.type === 'copro:LedgerHead') return receiveLedgerHead(tx, peer, a.id, a.published, obj, at);
  if (obj.id !== peer.actorId) return 'ignored: not about the sender';
  if ('copro:keyAdded' in obj) return addKey(tx, deps, peer, obj['copro:keyAdded'], at);
  const revoked = obj['copro:keyRevoked'];
  if (revoked.id === row.signerKeyId) return 'ignored: a key cannot revoke itself';
  if (hostOf(revoked.id) !== peer.host) return 'ignored: not a key of the sender';
  const known = await repo.findPeerKey(tx, revoked.id);
  if (!known || known.peerId !== peer.id) return 'ignored: unknown key';
  await repo.setPeerKeyState(tx, peer.id, revoked.id, 'revoked', new Date(revoked.revoked));
  await repo.insertAlert(tx, 'peer_key_revoked', peer.host, { keyId: revoked.id, reason: revoked.reason }, at);
  return 'ok';
}

type KeyAdded = Extract<FedActivityDto['object'], { 'copro:keyAdded': unknown }>['copro:keyAdded'];

/** A new key is trusted only with a continuity proof by a key we pinned; otherwise it is quarantined for an admin. */
async function addKey(tx: Db, _deps: FedDeps, peer: repo.PeerRow, k: KeyAdded, at: Date): Promise<string> {
  if (hostOf(k.id) !== peer.host) return 'ignored: key on another host';
  const previous = await repo.findPeerKey(tx, k.continuity.previousKeyId);
  const statement = Buffer.from(continuityStatement(peer.actorId, k.id, k.publicKey, k.continuity.previousKeyId));
  const proven = !!previous && previous.peerId === peer.id && previous.state === 'active'
    && verify(null, statement, publicKeyFromRaw(previous.publicKey), Buffer.from(k.continuity.byPrevious, 'base64url'))
    && verify(null, statement, publicKeyFromRaw(k.publicKey), Buffer.from(k.continuity.byNew, 'base64url'));
  await repo.insertPeerKey(tx, { keyId: k.id, peerId: peer.id, publicKey: k.publicKey, learned: 'continuity',
    state: proven ? 'active' : 'quarantined', validFrom: new Date(k.validFrom) }, at);
  // A key first seen by a document re-fetch (quarantined) is cleared by its continuity proof.
  if (proven) await tx`update fed_peer_keys set state = 'active', learned = 'continuity' where key_id = ${k.id} and peer_id = ${peer.id} and state = 'quarantined'`;
  if (!proven) await repo.insertAlert(tx, 'peer_key_quarantined', peer.host, { keyId: k.id }, at);
  return proven ? 'ok' : 'quarantined';
}
