import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { sha256, verifyAccessToken } from '../auth/tokens.ts';
import type { AuthContext } from './access.domain.ts';
import { loadApiTokenUser, loadSessionUser, touchApiToken } from './access.repo.ts';
import { isUuid } from '../../platform/ids.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext;
    user: UserContext;
  }
}

/** A logged-in user outside any organization (for /auth/me, /organizations…). */
export interface UserContext { userId: string; sessionId: string | null; isInstanceAdmin: boolean }


function bearer(req: FastifyRequest): string {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  if (!m) throw new AppError('auth.unauthenticated', 'Authentication required: send "Authorization: Bearer <token>"');
  return m[1]!;
}

const orgNotFound = (id: string) => new AppError('organization.not_found', 'Organization not found', { id });

/**
 * Hook for /api/v1/orgs/:orgId/*: the caller must be a member (hold a grant) of that organization.
 * A non-member gets 404, exactly like an unknown organization.
 */
export function authenticateOrgRequest(deps: Deps) {
  return async (req: FastifyRequest): Promise<void> => {
    const token = bearer(req);
    const orgId = (req.params as { orgId?: string }).orgId ?? '';
    const now = deps.clock.now();
    if (token.startsWith('kpg_')) {
      const t = await loadApiTokenUser(deps.sql, sha256(token), now);
      if (!t) throw new AppError('auth.token_invalid', 'The API token is not valid, expired or revoked');
      if (t.organizationId !== orgId || t.grants.length === 0) throw orgNotFound(orgId);
      await touchApiToken(deps.sql, t.tokenId, now);
      req.auth = { userId: t.userId, organizationId: orgId, grants: t.grants, scopes: t.scopes, via: 'api_token', sessionId: null, apiTokenId: t.tokenId };
      req.user = { userId: t.userId, sessionId: null, isInstanceAdmin: false };
      return;
    }
    const { claims, user: u } = await jwtMember(deps, token, orgId);
    req.auth = { userId: u.userId, organizationId: orgId, grants: u.grants, scopes: ['read', 'write'], via: 'jwt', sessionId: claims.sessionId };
    req.user = { userId: u.userId, sessionId: claims.sessionId, isInstanceAdmin: u.isInstanceAdmin };
  };
}

/**
 * An access JWT whose session is live and whose user holds a grant in the organization; throws
 * `auth.token_*` (401) or `organization.not_found` (404). Shared by the org hook and the event socket.
 */
export async function jwtMember(deps: Deps, token: string, orgId: string) {
  const claims = await verifyAccessToken(deps.secrets.jwtKey, token, deps.clock.now());
  const user = await loadSessionUser(deps.sql, claims.sessionId, claims.userId, isUuid(orgId) ? orgId : null);
  if (!user || !user.active) throw new AppError('auth.token_invalid', 'The session has ended; log in again');
  if (!isUuid(orgId) || user.grants.length === 0) throw orgNotFound(orgId);
  return { claims, user };
}

/** Hook for user-level routes: a valid, unrevoked access JWT (API tokens are bound to one organization). */
export function authenticateUser(deps: Deps) {
  return async (req: FastifyRequest): Promise<void> => {
    const token = bearer(req);
    if (token.startsWith('kpg_')) throw new AppError('auth.forbidden', 'API tokens only work on /api/v1/orgs/{orgId}/… routes');
    const claims = await verifyAccessToken(deps.secrets.jwtKey, token, deps.clock.now());
    const u = await loadSessionUser(deps.sql, claims.sessionId, claims.userId, null);
    if (!u || !u.active) throw new AppError('auth.token_invalid', 'The session has ended; log in again');
    req.user = { userId: u.userId, sessionId: claims.sessionId, isInstanceAdmin: u.isInstanceAdmin };
  };
}
