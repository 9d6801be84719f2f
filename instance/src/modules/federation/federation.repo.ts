import type { Db } from '../../platform/db.ts';

/** All SQL of the federation context. Instance-level tables: no organization scope. */

export interface OwnKeyRow {
  keyId: string; publicKey: string; privateKeyEnc: Buffer; validFrom: Date; signingFrom: Date; expiresAt: Date | null; revokedAt: Date | null;
}
const OWN = `key_id as "keyId", public_key as "publicKey", private_key_enc as "privateKeyEnc", valid_from as "validFrom",
  signing_from as "signingFrom", expires_at as "expiresAt", revoked_at as "revokedAt"`;

export const listOwnKeys = (db: Db) => db.unsafe<OwnKeyRow[]>(`select ${OWN} from fed_own_keys order by valid_from, key_id`);

export async function insertOwnKey(db: Db, k: Omit<OwnKeyRow, 'expiresAt' | 'revokedAt'>, at: Date): Promise<void> {
  await db`insert into fed_own_keys (key_id, public_key, private_key_enc, valid_from, signing_from, created_at)
    values (${k.keyId}, ${k.publicKey}, ${k.privateKeyEnc}, ${k.validFrom}, ${k.signingFrom}, ${at})`;
}

export async function revokeOwnKey(db: Db, keyId: string, at: Date): Promise<boolean> {
  const rows = await db`update fed_own_keys set revoked_at = ${at} where key_id = ${keyId} and revoked_at is null returning key_id`;
  return rows.length === 1;
}

/** The previous key stays valid for the retry horizon after a rotation, then expires. */
export async function expireOwnKeysBefore(db: Db, signingFrom: Date, expiresAt: Date): Promise<void> {
  await db`update fed_own_keys set expires_at = ${expiresAt} where signing_from < ${signingFrom} and expires_at is null and revoked_at is null`;
}

export interface PeerRow {
  id: string; host: string; baseUrl: string; inboxUrl: string; actorId: string; name: string | null; country: string | null;
  status: 'allowed' | 'blocked'; circuitState: 'closed' | 'open' | 'half_open'; circuitFailures: number;
  circuitFirstFailureAt: Date | null; circuitOpenedAt: Date | null; lastSuccessAt: Date | null; addedAt: Date; blockedAt: Date | null;
}
const PEER = `id, host, base_url as "baseUrl", inbox_url as "inboxUrl", actor_id as "actorId", name, country, status,
  circuit_state as "circuitState", circuit_failures as "circuitFailures", circuit_first_failure_at as "circuitFirstFailureAt",
  circuit_opened_at as "circuitOpenedAt", last_success_at as "lastSuccessAt", added_at as "addedAt", blocked_at as "blockedAt"`;

export const listPeers = (db: Db) => db.unsafe<PeerRow[]>(`select ${PEER} from fed_peers order by host`);
export const findPeerByHost = async (db: Db, host: string) => (await db.unsafe<PeerRow[]>(`select ${PEER} from fed_peers where host = $1`, [host]))[0] ?? null;
export const findPeer = async (db: Db, id: string) => (await db.unsafe<PeerRow[]>(`select ${PEER} from fed_peers where id = $1`, [id]))[0] ?? null;
export const lockPeer = async (db: Db, id: string) => (await db.unsafe<PeerRow[]>(`select ${PEER} from fed_peers where id = $1 for update`, [id]))[0] ?? null;

export async function insertPeer(db: Db, p: { host: string; baseUrl: string; inboxUrl: string; actorId: string; name: string; country: string }, at: Date): Promise<string | null> {
  const [row] = await db<{ id: string }[]>`insert into fed_peers (host, base_url, inbox_url, actor_id, name, country, status, added_at)
    values (${p.host}, ${p.baseUrl}, ${p.inboxUrl}, ${p.actorId}, ${p.name}, ${p.country}, 'allowed', ${at})
    on conflict (host) do nothing returning id`;
  return row?.id ?? null;
}

export async function setPeerStatus(db: Db, id: string, status: 'allowed' | 'blocked', reason: string | null, at: Date): Promise<void> {
  await db`update fed_peers set status = ${status}, blocked_at = ${status === 'blocked' ? at : null}, block_reason = ${reason} where id = ${id}`;
}

export async function saveCircuit(db: Db, id: string, c: { state: string; failures: number; firstFailureAt: number | null; openedAt: number | null }, successAt: Date | null): Promise<void> {
  await db`update fed_peers set circuit_state = ${c.state}, circuit_failures = ${c.failures},
    circuit_first_failure_at = ${c.firstFailureAt === null ? null : new Date(c.firstFailureAt)},
    circuit_opened_at = ${c.openedAt === null ? null : new Date(c.openedAt)},
    last_success_at = coalesce(${successAt}, last_success_at) where id = ${id}`;
}

export interface PeerKeyRow {
  keyId: string; peerId: string; publicKey: string; learned: string; state: 'active' | 'revoked' | 'expired' | 'quarantined';
  validFrom: Date | null; expiresAt: Date | null; revokedAt: Date | null;
}
const PKEY = `key_id as "keyId", peer_id as "peerId", public_key as "publicKey", learned, state, valid_from as "validFrom",
  expires_at as "expiresAt", revoked_at as "revokedAt"`;

export const peerKeys = (db: Db, peerId: string) => db.unsafe<PeerKeyRow[]>(`select ${PKEY} from fed_peer_keys where peer_id = $1 order by created_at, key_id`, [peerId]);
export const findPeerKey = async (db: Db, keyId: string) => (await db.unsafe<PeerKeyRow[]>(`select ${PKEY} from fed_peer_keys where key_id = $1`, [keyId]))[0] ?? null;

export async function insertPeerKey(db: Db, k: { keyId: string; peerId: string; publicKey: string; learned: string; state: string; validFrom: Date | null }, at: Date): Promise<boolean> {
  const rows = await db`insert into fed_peer_keys (key_id, peer_id, public_key, learned, state, valid_from, created_at)
    values (${k.keyId}, ${k.peerId}, ${k.publicKey}, ${k.learned}, ${k.state}, ${k.validFrom}, ${at}) on conflict (key_id) do nothing returning key_id`;
  return rows.length === 1;
}

export async function setPeerKeyState(db: Db, peerId: string, keyId: string, state: 'revoked' | 'expired' | 'active', at: Date): Promise<boolean> {
  const rows = await db`update fed_peer_keys set state = ${state}, revoked_at = case when ${state} = 'revoked' then ${at}::timestamptz else revoked_at end,
    expires_at = case when ${state} = 'expired' then ${at}::timestamptz else expires_at end
    where peer_id = ${peerId} and key_id = ${keyId} returning key_id`;
  return rows.length === 1;
}

/** Defederation purges the cached keys of a peer. */
export async function deletePeerKeys(db: Db, peerId: string): Promise<void> {
  await db`delete from fed_peer_keys where peer_id = ${peerId}`;
}

export async function rememberNonce(db: Db, keyId: string, nonce: string, at: Date): Promise<boolean> {
  const rows = await db`insert into fed_nonces (key_id, nonce, seen_at) values (${keyId}, ${nonce}, ${at}) on conflict do nothing returning nonce`;
  return rows.length === 1;
}

export async function purgeNonces(db: Db, before: Date): Promise<number> {
  return (await db`delete from fed_nonces where seen_at < ${before}`).count;
}

export async function insertAlert(db: Db, kind: string, peerHost: string | null, details: Record<string, unknown>, at: Date): Promise<void> {
  await db`insert into fed_alerts (kind, peer_host, details, created_at) values (${kind}, ${peerHost}, ${db.json(details as never)}, ${at})`;
}

export const listAlerts = (db: Db, limit: number) => db<{ id: string; kind: string; peerHost: string | null; details: Record<string, unknown>; createdAt: Date }[]>`
  select id, kind, peer_host as "peerHost", details, created_at as "createdAt" from fed_alerts order by created_at desc, id limit ${limit}`;
