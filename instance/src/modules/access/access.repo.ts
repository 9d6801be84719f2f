import type { Db } from '../../platform/db.ts';
import type { Grant, TokenScope } from './access.domain.ts';

export interface SessionUser { userId: string; isInstanceAdmin: boolean; active: boolean; grants: Grant[] }

/** One round trip: the session's state, the user, and the user's grants in the organization (none when orgId is null). */
export async function loadSessionUser(sql: Db, sessionId: string, userId: string, orgId: string | null): Promise<SessionUser | null> {
  const [row] = await sql<SessionUser[]>`
    select u.id as "userId", u.is_instance_admin as "isInstanceAdmin", (s.revoked_at is null) as active,
      coalesce((select json_agg(json_build_object('role', g.role, 'buildingId', g.building_id))
                from role_grants g where g.user_id = u.id and g.organization_id = ${orgId}), '[]'::json) as grants
    from sessions s join users u on u.id = s.user_id
    where s.id = ${sessionId} and u.id = ${userId}`;
  return row ?? null;
}

export interface ApiTokenUser { tokenId: string; userId: string; organizationId: string; scopes: TokenScope[]; grants: Grant[] }

export async function loadApiTokenUser(sql: Db, tokenHash: string, now: Date): Promise<ApiTokenUser | null> {
  const [row] = await sql<ApiTokenUser[]>`
    select t.id as "tokenId", t.user_id as "userId", t.organization_id as "organizationId", t.scopes,
      coalesce((select json_agg(json_build_object('role', g.role, 'buildingId', g.building_id))
                from role_grants g where g.user_id = t.user_id and g.organization_id = t.organization_id), '[]'::json) as grants
    from api_tokens t
    where t.token_hash = ${tokenHash} and t.revoked_at is null and (t.expires_at is null or t.expires_at > ${now})`;
  return row ?? null;
}

/** Recorded at most once a minute per token, to keep writes off the hot path. */
export async function touchApiToken(sql: Db, tokenId: string, now: Date): Promise<void> {
  await sql`update api_tokens set last_used_at = ${now}
    where id = ${tokenId} and (last_used_at is null or last_used_at < ${new Date(now.getTime() - 60_000)})`;
}
