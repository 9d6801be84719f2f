import { randomUUID } from 'node:crypto';
import { FED_CONTEXT } from '@koprogo/protocols';
import { OutboundRefused, safeRequest, signRequest } from '@koprogo/federation';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { originFor, signingIdentity, type FedDeps } from './federation.identity.ts';
import { buildBundle, verifyBundle } from './federation.move.domain.ts';
import { exportBuildingRows, importBuildingRows } from './federation.move.repo.ts';
import { enqueueActivity, newActivityId } from './federation.outbox.ts';
import * as repo from './federation.repo.ts';

/**
 * Moving a building's whole file to a peer instance (design §8.2). Source: the org administrator
 * offers (bundle frozen, building read-only); receiver: its instance administrator accepts into an
 * organization, the bundle is fetched by signed GET, verified part by part and imported in one
 * transaction, and an Accept carrying the receipt goes back; the source then keeps a tombstone.
 */

/** Largest bundle fetched (documents included). */
export const MAX_BUNDLE_BYTES = 200 * 1024 * 1024;

export interface MoveRow {
  transferId: string; activityId: string; buildingId: string; peerHost: string; state: 'offered' | 'completed'; manifestSha256: string;
  bundleBytes: number; counts: Record<string, number>; movedTo: string | null; createdAt: Date; completedAt: Date | null;
}

const moveSelect = (db: Db) => db`select t.id as "transferId", t.activity_id as "activityId", t.building_id as "buildingId", p.host as "peerHost", t.state,
  t.manifest_sha256 as "manifestSha256", length(t.bundle) as "bundleBytes", t.counts, t.moved_to as "movedTo", t.created_at as "createdAt",
  t.completed_at as "completedAt" from fed_transfers_out t join fed_peers p on p.id = t.peer_id`;

export async function listMoves(db: Db, org: string, buildingId: string): Promise<MoveRow[]> {
  return db<MoveRow[]>`${moveSelect(db)} where t.organization_id = ${org} and t.building_id = ${buildingId} order by t.created_at`;
}

/** Offers the building to a peer: snapshot, bundle and Offer activity in one transaction. A second offer returns the first. */
export async function offerMove(deps: FedDeps, ctx: { organizationId: string; userId: string | null }, buildingId: string, fedPeerId: string):
  Promise<{ move: MoveRow; created: boolean }> {
  const o = originFor(deps);
  const result = await deps.sql.begin('isolation level repeatable read', async (tx) => {
    const [b] = await tx<{ id: string; name: string; enterpriseNumber: string | null }[]>`select id, name, enterprise_number as "enterpriseNumber"
      from buildings where organization_id = ${ctx.organizationId} and id = ${buildingId}`;
    if (!b) throw new AppError('building.not_found', 'No such building', { buildingId });
    const [existing] = await listMoves(tx, ctx.organizationId, buildingId);
    if (existing) return { move: existing, created: false };
    const [peer] = await tx<{ id: string; host: string; actorId: string }[]>`select id, host, actor_id as "actorId" from fed_peers
      where id = ${fedPeerId} and status = 'allowed'`;
    if (!peer) throw new AppError('fed_transfer.peer_not_allowed', 'That instance is not an allowed peer', { fedPeerId });
    const transferId = randomUUID();
    const transferUrl = `${o.base}/fed/transfers/${transferId}`;
    const rows = await exportBuildingRows(tx, ctx.organizationId, buildingId);
    const bundle = buildBundle({ transferId, source: o.actorId, buildingId }, rows);
    const at = deps.clock.now();
    const activityId = newActivityId(o);
    await tx`insert into fed_transfers_out (id, organization_id, building_id, peer_id, state, activity_id, manifest_sha256, bundle, counts, created_by, created_at)
      values (${transferId}, ${ctx.organizationId}, ${buildingId}, ${peer.id}, 'offered', ${activityId}, ${bundle.manifestSha256}, ${bundle.bytes},
        ${tx.json(bundle.counts)}, ${ctx.userId}, ${at})`;
    await enqueueActivity(tx, deps, {
      '@context': [...FED_CONTEXT], id: activityId, type: 'Offer', actor: o.actorId, published: at.toISOString(), to: [peer.actorId], target: peer.actorId,
      object: { type: 'copro:BuildingTransfer', id: transferUrl, building: b, manifestSha256: bundle.manifestSha256, bundleUrl: `${transferUrl}/bundle`,
        bundleBytes: bundle.bytes.length, counts: bundle.counts },
    }, [peer.host]);
    const [move] = await listMoves(tx, ctx.organizationId, buildingId);
    return { move: move!, created: true };
  });
  return result as { move: MoveRow; created: boolean };
}

/** The bundle bytes for the peer the transfer was offered to (the caller has verified the signed GET). */
export async function bundleFor(db: Db, transferId: string, peerHost: string): Promise<Buffer | null> {
  const [r] = await db<{ bundle: Buffer }[]>`select t.bundle from fed_transfers_out t join fed_peers p on p.id = t.peer_id
    where t.id = ${transferId} and p.host = ${peerHost}`;
  return r?.bundle ?? null;
}

export interface IncomingRow {
  id: string; transferId: string; peerHost: string; buildingId: string; buildingName: string; manifestSha256: string; bundleBytes: number;
  counts: Record<string, number>; state: 'offered' | 'imported'; organizationId: string | null; lastError: string | null; offeredAt: Date; importedAt: Date | null;
}

export async function listIncoming(db: Db, id?: string): Promise<IncomingRow[]> {
  return db<IncomingRow[]>`select t.id, t.transfer_id as "transferId", p.host as "peerHost", t.building_id as "buildingId", t.building_name as "buildingName",
    t.manifest_sha256 as "manifestSha256", t.bundle_bytes as "bundleBytes", t.counts, t.state, t.organization_id as "organizationId",
    t.last_error as "lastError", t.offered_at as "offeredAt", t.imported_at as "importedAt"
    from fed_transfers_in t join fed_peers p on p.id = t.peer_id where ${id ? db`t.id = ${id}` : db`true`} order by t.offered_at desc limit 200`;
}

/**
 * Receiver: fetch the bundle by signed GET, verify it against the signed offer, import it into
 * `organizationId` in one transaction with the Accept (receipt) in the outbox. Accepting an imported
 * transfer again into the same organization returns it unchanged.
 */
export async function acceptTransfer(deps: FedDeps, id: string, organizationId: string): Promise<{ row: IncomingRow; activityId: string | null }> {
  const [t] = await deps.sql<(IncomingRow & { bundleUrl: string; peerStatus: string; peerId: string })[]>`select t.id, t.transfer_id as "transferId",
    t.building_id as "buildingId", t.manifest_sha256 as "manifestSha256", t.bundle_url as "bundleUrl", t.state, t.organization_id as "organizationId",
    p.status as "peerStatus", p.host as "peerHost", p.id as "peerId" from fed_transfers_in t join fed_peers p on p.id = t.peer_id where t.id = ${id}`;
  if (!t) throw new AppError('fed_transfer.not_found', 'No such incoming transfer', { fedTransferId: id });
  if (t.state === 'imported') {
    if (t.organizationId !== organizationId) throw new AppError('fed_transfer.already_imported', 'This transfer was imported into another organization');
    return { row: (await listIncoming(deps.sql, id))[0]!, activityId: null };
  }
  if (t.peerStatus !== 'allowed') throw new AppError('fed_transfer.peer_not_allowed', 'The source instance is no longer an allowed peer');
  const [org] = await deps.sql`select 1 from organizations where id = ${organizationId}`;
  if (!org) throw new AppError('organization.not_found', 'No such organization', { organizationId });
  const bytes = await fetchBundle(deps, t.bundleUrl);
  const check = verifyBundle(bytes, t.manifestSha256, t.transferId.split('/').at(-1)!);
  if (!check.ok) {
    await deps.sql`update fed_transfers_in set last_error = ${check.reason.slice(0, 500)} where id = ${id}`;
    throw new AppError('fed_transfer.hash_mismatch', `The bundle does not match the signed offer: ${check.reason}`);
  }
  const o = originFor(deps);
  const movedTo = `${o.base}/api/v1/orgs/${organizationId}/buildings/${t.buildingId}`;
  try {
    const activityId = await deps.sql.begin(async (tx) => {
      const [locked] = await tx<{ state: string }[]>`select state from fed_transfers_in where id = ${id} for update`;
      if (locked!.state === 'imported') return null;
      await importBuildingRows(tx, organizationId, check.rows);
      const at = deps.clock.now();
      await tx`update fed_transfers_in set state = 'imported', organization_id = ${organizationId}, imported_at = ${at}, last_error = null where id = ${id}`;
      const [peer] = await tx<{ actorId: string }[]>`select actor_id as "actorId" from fed_peers where id = ${t.peerId}`;
      return enqueueActivity(tx, deps, {
        '@context': [...FED_CONTEXT], id: newActivityId(o), type: 'Accept', actor: o.actorId, published: at.toISOString(), to: [peer!.actorId],
        object: t.transferId, 'copro:receipt': { manifestSha256: t.manifestSha256, movedTo, counts: Object.fromEntries(check.manifest.parts.map((p) => [p.name, p.rows])) },
      }, [t.peerHost]);
    });
    return { row: (await listIncoming(deps.sql, id))[0]!, activityId: activityId as string | null };
  } catch (e) {
    if ((e as { code?: string }).code === '23505' || (e as { code?: string }).code === '23503') {
      throw new AppError('fed_transfer.conflict', 'The building\'s rows clash with data already on this instance', { constraint: (e as { constraint_name?: string }).constraint_name });
    }
    throw e;
  }
}

async function fetchBundle(deps: FedDeps, url: string): Promise<Buffer> {
  const headers = await signRequest({ method: 'GET', url, headers: { accept: 'application/json' } }, await signingIdentity(deps), deps.clock.now());
  try {
    const res = await safeRequest(url, { method: 'GET', headers, allowPrivate: deps.config.federation.allowPrivateAddresses,
      maxResponseBytes: MAX_BUNDLE_BYTES, totalTimeoutMs: 120_000 });
    if (res.status !== 200) throw new AppError('fed_transfer.fetch_failed', `The source answered ${res.status}`, { status: res.status });
    return res.body;
  } catch (e) {
    if (e instanceof OutboundRefused) throw new AppError('fed_transfer.fetch_failed', `The bundle could not be fetched: ${e.reason}`);
    throw e;
  }
}

/** Inbox handlers. Offer: recorded for the administrator (the bundle must live on the sender's host). Accept: the tombstone. */
export async function receiveOffer(tx: Db, peer: repo.PeerRow, activityId: string, target: string, obj: {
  id: string; building: { id: string; name: string }; manifestSha256: string; bundleUrl: string; bundleBytes: number; counts: Record<string, number>;
}, ourActor: string, at: Date): Promise<string> {
  if (target !== ourActor) return 'ignored: offered to another instance';
  if (new URL(obj.bundleUrl).host !== peer.host || new URL(obj.id).host !== peer.host) return 'ignored: bundle not on the sender\'s host';
  await tx`insert into fed_transfers_in (transfer_id, offer_activity_id, peer_id, building_id, building_name, manifest_sha256, bundle_url, bundle_bytes, counts, state, offered_at)
    values (${obj.id}, ${activityId}, ${peer.id}, ${obj.building.id}, ${obj.building.name}, ${obj.manifestSha256}, ${obj.bundleUrl}, ${obj.bundleBytes},
      ${tx.json(obj.counts)}, 'offered', ${at}) on conflict (transfer_id) do nothing`;
  return 'ok';
}

export async function receiveAccept(tx: Db, peer: repo.PeerRow, transferUrl: string, receipt: { manifestSha256: string; movedTo: string }, ourBase: string, at: Date): Promise<string> {
  const prefix = `${ourBase}/fed/transfers/`;
  const id = transferUrl.startsWith(prefix) ? transferUrl.slice(prefix.length) : '';
  if (!/^[0-9a-f-]{36}$/.test(id)) return 'ignored: not one of our transfers';
  if (new URL(receipt.movedTo).host !== peer.host) return 'ignored: movedTo not on the sender\'s host';
  const done = await tx`update fed_transfers_out set state = 'completed', moved_to = ${receipt.movedTo}, completed_at = ${at}
    where id = ${id} and peer_id = ${peer.id} and state = 'offered' and manifest_sha256 = ${receipt.manifestSha256} returning id`;
  if (done.length === 0) await repo.insertAlert(tx, 'transfer_receipt_mismatch', peer.host, { transferUrl }, at);
  return done.length ? 'ok' : 'ignored: no matching offer';
}

/** Writes to a building that is offered (409) or moved (410, with its new address). */
export async function movedBuildingState(db: Db, org: string, ref: { buildingId?: string; lotId?: string }): Promise<{ state: string; movedTo: string | null } | null> {
  const building = ref.buildingId ?? null;
  const lot = ref.lotId ?? null;
  const [r] = await db<{ state: string; movedTo: string | null }[]>`select state, moved_to as "movedTo" from fed_transfers_out
    where organization_id = ${org} and building_id = coalesce(${building}::uuid, (select building_id from lots where organization_id = ${org} and id = ${lot}::uuid))`;
  return r ?? null;
}
