import type { AuthContext } from '../access/access.domain.ts';
import type { Db } from '../../platform/db.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { newOpaqueToken, sha256 } from './tokens.ts';

/**
 * API tokens for integrations: bound to one organization and to the user who made it, acting
 * with that user's roles there, narrowed by scope (read: GET only; write: changes too).
 */
export interface ApiTokenView {
  id: string; name: string; tokenPrefix: string; scopes: ('read' | 'write')[]; userId: string;
  createdAt: string; expiresAt: string | null; revokedAt: string | null; lastUsedAt: string | null;
}

type Row = Omit<ApiTokenView, 'createdAt' | 'expiresAt' | 'revokedAt' | 'lastUsedAt'> &
  { createdAt: Date; expiresAt: Date | null; revokedAt: Date | null; lastUsedAt: Date | null };

const view = (r: Row): ApiTokenView => ({
  ...r, createdAt: r.createdAt.toISOString(), expiresAt: r.expiresAt?.toISOString() ?? null,
  revokedAt: r.revokedAt?.toISOString() ?? null, lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
});

const cols = (sql: Db) => sql`id, name, token_prefix as "tokenPrefix", scopes, user_id as "userId",
  created_at as "createdAt", expires_at as "expiresAt", revoked_at as "revokedAt", last_used_at as "lastUsedAt"`;

export async function createApiToken(deps: Pick<Deps, 'sql' | 'clock'>, ctx: AuthContext,
  input: { name: string; scopes: ('read' | 'write')[]; expiresAt?: string }, requestId?: string): Promise<ApiTokenView & { token: string }> {
  if (ctx.via === 'api_token') throw new AppError('auth.forbidden', 'An API token cannot create API tokens; log in');
  const at = deps.clock.now();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= at) throw new AppError('api_token.expiry_in_past', 'expiresAt must be in the future', { field: 'expiresAt' });
  const token = newOpaqueToken('kpg');
  const scopes = [...new Set(input.scopes)].sort() as ('read' | 'write')[];
  return deps.sql.begin(async (tx) => {
    const [row] = await tx<Row[]>`insert into api_tokens (organization_id, user_id, name, token_prefix, token_hash, scopes, created_at, expires_at)
      values (${ctx.organizationId}, ${ctx.userId}, ${input.name}, ${token.slice(0, 12)}, ${sha256(token)}, ${scopes}, ${at}, ${expiresAt})
      returning ${cols(tx)}`;
    await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: 'api_token.created', entityType: 'api_token',
      entityId: row!.id, details: { scopes }, requestId }, at);
    return { ...view(row!), token };
  }) as Promise<ApiTokenView & { token: string }>;
}

/** Admins see every token of the organization; others see their own. */
export const API_TOKEN_SORTS: SortFields<'createdAt' | 'name'> = {
  createdAt: { expr: 'f."createdAt"', type: 'timestamptz' },
  name: { expr: 'f.name', type: 'text' },
};

/** One page of the organization's API tokens (admins: all of them; others: their own), with the total. */
export async function listApiTokens(deps: Pick<Deps, 'sql'>, ctx: AuthContext, isAdmin: boolean, page: ResolvedPage) {
  const filtered = deps.sql`select ${cols(deps.sql)} from api_tokens
    where organization_id = ${ctx.organizationId} ${isAdmin ? deps.sql`` : deps.sql`and user_id = ${ctx.userId}`}`;
  const result = await keysetPage<Row>(deps.sql, filtered, page);
  return { items: result.rows.map(view), total: result.total, nextCursor: result.nextCursor };
}

export async function revokeApiToken(deps: Pick<Deps, 'sql' | 'clock'>, ctx: AuthContext, tokenId: string, isAdmin: boolean,
  requestId?: string): Promise<ApiTokenView> {
  if (!ctx.scopes.includes('write')) throw new AppError('auth.forbidden', 'A read-only API token cannot revoke tokens', { permission: 'write' });
  return deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const [row] = await tx<Row[]>`update api_tokens set revoked_at = coalesce(revoked_at, ${at})
      where id = ${tokenId} and organization_id = ${ctx.organizationId} ${isAdmin ? tx`` : tx`and user_id = ${ctx.userId}`}
      returning ${cols(tx)}`;
    if (!row) throw new AppError('api_token.not_found', 'API token not found', { id: tokenId });
    await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: 'api_token.revoked', entityType: 'api_token',
      entityId: tokenId, requestId }, at);
    return view(row);
  }) as Promise<ApiTokenView>;
}
