import type { Db } from '../../platform/db.ts';

export interface UserRow {
  id: string; email: string; displayName: string; passwordHash: string; isInstanceAdmin: boolean; createdAt: Date;
}

const userCols = (sql: Db) => sql`id, email, display_name as "displayName", password_hash as "passwordHash",
  is_instance_admin as "isInstanceAdmin", created_at as "createdAt"`;

export async function insertUser(tx: Db, u: { email: string; displayName: string; passwordHash: string; isInstanceAdmin: boolean; at: Date }): Promise<UserRow | null> {
  const [row] = await tx<UserRow[]>`insert into users (email, display_name, password_hash, is_instance_admin, created_at, password_changed_at)
    values (${u.email}, ${u.displayName}, ${u.passwordHash}, ${u.isInstanceAdmin}, ${u.at}, ${u.at})
    on conflict (email) do nothing returning ${userCols(tx)}`;
  return row ?? null;
}

export async function findUserByEmail(sql: Db, email: string): Promise<UserRow | null> {
  const [row] = await sql<UserRow[]>`select ${userCols(sql)} from users where email = ${email}`;
  return row ?? null;
}

export async function findUserById(sql: Db, id: string): Promise<UserRow | null> {
  const [row] = await sql<UserRow[]>`select ${userCols(sql)} from users where id = ${id}`;
  return row ?? null;
}

export async function updatePassword(tx: Db, userId: string, hash: string, at: Date): Promise<void> {
  await tx`update users set password_hash = ${hash}, password_changed_at = ${at} where id = ${userId}`;
}

export async function countInstanceAdmins(sql: Db): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from users where is_instance_admin`;
  return row!.n;
}

export async function insertSession(tx: Db, userId: string, at: Date): Promise<string> {
  const [row] = await tx<{ id: string }[]>`insert into sessions (user_id, created_at) values (${userId}, ${at}) returning id`;
  return row!.id;
}

export async function insertRefreshToken(tx: Db, sessionId: string, hash: string, at: Date, expiresAt: Date): Promise<void> {
  await tx`insert into refresh_tokens (session_id, token_hash, expires_at, created_at) values (${sessionId}, ${hash}, ${expiresAt}, ${at})`;
}

export interface RefreshRow { id: string; sessionId: string; userId: string; usedAt: Date | null; expiresAt: Date; revokedAt: Date | null }

/** Locks the token row so two concurrent refreshes with the same token cannot both succeed. */
export async function findRefreshTokenForUpdate(tx: Db, hash: string): Promise<RefreshRow | null> {
  const [row] = await tx<RefreshRow[]>`select r.id, r.session_id as "sessionId", s.user_id as "userId", r.used_at as "usedAt",
      r.expires_at as "expiresAt", s.revoked_at as "revokedAt"
    from refresh_tokens r join sessions s on s.id = r.session_id where r.token_hash = ${hash} for update of r, s`;
  return row ?? null;
}

export async function markRefreshUsed(tx: Db, id: string, at: Date): Promise<void> {
  await tx`update refresh_tokens set used_at = ${at} where id = ${id}`;
}

export async function revokeSession(tx: Db, sessionId: string, reason: string, at: Date): Promise<boolean> {
  const rows = await tx`update sessions set revoked_at = ${at}, revoked_reason = ${reason} where id = ${sessionId} and revoked_at is null returning id`;
  return rows.length > 0;
}

export async function revokeOtherSessions(tx: Db, userId: string, keep: string | null, reason: string, at: Date): Promise<number> {
  const rows = await tx`update sessions set revoked_at = ${at}, revoked_reason = ${reason}
    where user_id = ${userId} and revoked_at is null and id is distinct from ${keep} returning id`;
  return rows.length;
}

export async function readSecret(sql: Db, name: string): Promise<string | null> {
  const [row] = await sql<{ value: string }[]>`select value from instance_secrets where name = ${name}`;
  return row?.value ?? null;
}

export async function writeSecret(sql: Db, name: string, value: string): Promise<void> {
  await sql`insert into instance_secrets (name, value) values (${name}, ${value})
    on conflict (name) do update set value = excluded.value, created_at = now()`;
}

/** Deletes the secret and tells whether it held `value` (one-time use, race-free). */
export async function consumeSecret(tx: Db, name: string, value: string): Promise<boolean> {
  const rows = await tx`delete from instance_secrets where name = ${name} and value = ${value} returning name`;
  return rows.length > 0;
}

export interface MembershipRow { organizationId: string; organizationName: string; role: string; buildingId: string | null }

export async function listMemberships(sql: Db, userId: string): Promise<MembershipRow[]> {
  return sql<MembershipRow[]>`select g.organization_id as "organizationId", o.name as "organizationName", g.role,
      g.building_id as "buildingId"
    from role_grants g join organizations o on o.id = g.organization_id
    where g.user_id = ${userId} order by o.name, g.role, g.building_id nulls first`;
}
