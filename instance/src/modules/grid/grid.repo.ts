import type { Db } from '../../platform/db.ts';

/**
 * SQL of the instance-level grid: model registry, enrolment tokens, nodes, grid events. These tables
 * belong to the instance (the cooperative operates the grid), not to an organization.
 */

export interface ModelRow {
  id: string; name: string; sha256: string; paramsMillions: number; role: 'reminder' | 'convocation';
  promptTemplateVersion: string; enabled: boolean; createdAt: Date; updatedAt: Date;
}
const MODEL = `id, name, sha256, params_millions as "paramsMillions", role, prompt_template_version as "promptTemplateVersion",
  enabled, created_at as "createdAt", updated_at as "updatedAt"`;

export async function insertModel(tx: Db, m: Omit<ModelRow, 'id' | 'createdAt' | 'updatedAt'>, at: Date): Promise<ModelRow | null> {
  const [row] = await tx<ModelRow[]>`insert into grid_models (name, sha256, params_millions, role, prompt_template_version, enabled, created_at, updated_at)
    values (${m.name}, ${m.sha256}, ${m.paramsMillions}, ${m.role}, ${m.promptTemplateVersion}, ${m.enabled}, ${at}, ${at})
    on conflict (sha256) do nothing returning ${tx.unsafe(MODEL)}`;
  return row ?? null;
}

export async function listModels(sql: Db): Promise<ModelRow[]> {
  return sql<ModelRow[]>`select ${sql.unsafe(MODEL)} from grid_models order by role, name, id`;
}

export async function findModel(sql: Db, id: string): Promise<ModelRow | null> {
  const [row] = await sql<ModelRow[]>`select ${sql.unsafe(MODEL)} from grid_models where id = ${id}`;
  return row ?? null;
}

export async function findModelBySha(sql: Db, sha256: string): Promise<ModelRow | null> {
  const [row] = await sql<ModelRow[]>`select ${sql.unsafe(MODEL)} from grid_models where sha256 = ${sha256}`;
  return row ?? null;
}

export async function updateModel(tx: Db, id: string, p: { name?: string | undefined; promptTemplateVersion?: string | undefined;
  enabled?: boolean | undefined }, at: Date): Promise<ModelRow | null> {
  const [row] = await tx<ModelRow[]>`update grid_models set name = coalesce(${p.name ?? null}, name),
    prompt_template_version = coalesce(${p.promptTemplateVersion ?? null}, prompt_template_version),
    enabled = coalesce(${p.enabled ?? null}, enabled), updated_at = ${at}
    where id = ${id} returning ${tx.unsafe(MODEL)}`;
  return row ?? null;
}

// ── Enrolment tokens ─────────────────────────────────────────────────────────
export async function insertEnrolmentToken(tx: Db, t: { tokenHash: string; label: string | null; createdBy: string; expiresAt: Date }, at: Date) {
  const [row] = await tx<{ id: string }[]>`insert into grid_enrolment_tokens (token_hash, label, created_by, created_at, expires_at)
    values (${t.tokenHash}, ${t.label}, ${t.createdBy}, ${at}, ${t.expiresAt}) returning id`;
  return row!;
}

/** Marks the token used by `peerId` if it is unused and unexpired at `at`; null otherwise (single use). */
export async function consumeEnrolmentToken(tx: Db, tokenHash: string, peerId: string, at: Date): Promise<{ id: string } | null> {
  const [row] = await tx<{ id: string }[]>`update grid_enrolment_tokens set used_at = ${at}, used_by_peer_id = ${peerId}
    where token_hash = ${tokenHash} and used_at is null and expires_at > ${at} returning id`;
  return row ?? null;
}

// ── Nodes ────────────────────────────────────────────────────────────────────
export interface NodeRow {
  peerId: string; operatorAccountId: string | null; status: 'online' | 'offline'; enrolledAt: Date; revokedAt: Date | null;
  revokedReason: string | null; reputation: number; lastSeenAt: Date | null; lastAd: unknown; lastAdSeq: string | null;
  jobsDone: number; jobsFailed: number;
}
const NODE = `peer_id as "peerId", operator_account_id as "operatorAccountId", status, enrolled_at as "enrolledAt",
  revoked_at as "revokedAt", revoked_reason as "revokedReason", reputation, last_seen_at as "lastSeenAt", last_ad as "lastAd",
  last_ad_seq::text as "lastAdSeq", jobs_done as "jobsDone", jobs_failed as "jobsFailed"`;

export async function insertNode(tx: Db, n: { peerId: string; operatorAccountId: string | null; tokenId: string; termsVersion: string },
  at: Date): Promise<NodeRow | null> {
  const [row] = await tx<NodeRow[]>`insert into grid_nodes (peer_id, operator_account_id, enrolment_token_id, terms_version, consent_at, enrolled_at)
    values (${n.peerId}, ${n.operatorAccountId}, ${n.tokenId}, ${n.termsVersion}, ${at}, ${at})
    on conflict (peer_id) do nothing returning ${tx.unsafe(NODE)}`;
  return row ?? null;
}

export async function listNodes(sql: Db): Promise<NodeRow[]> {
  return sql<NodeRow[]>`select ${sql.unsafe(NODE)} from grid_nodes order by enrolled_at, peer_id`;
}

export async function findNode(sql: Db, peerId: string): Promise<NodeRow | null> {
  const [row] = await sql<NodeRow[]>`select ${sql.unsafe(NODE)} from grid_nodes where peer_id = ${peerId}`;
  return row ?? null;
}

export async function revokeNode(tx: Db, peerId: string, reason: string, at: Date): Promise<NodeRow | null> {
  const [row] = await tx<NodeRow[]>`update grid_nodes set revoked_at = coalesce(revoked_at, ${at}),
    revoked_reason = coalesce(revoked_reason, ${reason}), status = 'offline'
    where peer_id = ${peerId} returning ${tx.unsafe(NODE)}`;
  return row ?? null;
}

/** Enrolled and not revoked: the connection gater's question. */
export async function isAdmissible(sql: Db, peerId: string): Promise<boolean> {
  const [row] = await sql`select 1 from grid_nodes where peer_id = ${peerId} and revoked_at is null`;
  return Boolean(row);
}

export async function setNodeStatus(sql: Db, peerId: string, status: 'online' | 'offline', at: Date): Promise<void> {
  await sql`update grid_nodes set status = ${status}, last_seen_at = ${at} where peer_id = ${peerId}`;
}

export async function storeAd(sql: Db, peerId: string, ad: { seq: number; expiresAt: string; power: unknown }, raw: unknown, at: Date): Promise<void> {
  await sql`update grid_nodes set last_ad = ${sql.json(raw as never)}, last_ad_seq = ${ad.seq}, last_ad_expires_at = ${ad.expiresAt},
    power_profile = ${sql.json(ad.power as never)}, last_seen_at = ${at} where peer_id = ${peerId}`;
}

/** Reputation moves by `delta`, clamped to 0..1000; counts a done or failed job. */
export async function adjustReputation(sql: Db, peerId: string, delta: number, outcome: 'done' | 'failed' | null): Promise<void> {
  await sql`update grid_nodes set reputation = greatest(0, least(1000, reputation + ${delta})),
    jobs_done = jobs_done + ${outcome === 'done' ? 1 : 0}, jobs_failed = jobs_failed + ${outcome === 'failed' ? 1 : 0}
    where peer_id = ${peerId}`;
}

export async function recordGridEvent(sql: Db, peerId: string, kind: string, details: Record<string, unknown>, at: Date): Promise<void> {
  await sql`insert into grid_events (peer_id, kind, details, at) values (${peerId}, ${kind}, ${sql.json(details as never)}, ${at})`;
}

export async function listGridEvents(sql: Db, peerId: string, limit: number) {
  return sql<Array<{ id: string; kind: string; details: Record<string, unknown>; at: Date }>>`select id::text, kind, details, at from grid_events
    where peer_id = ${peerId} order by id desc limit ${limit}`;
}
