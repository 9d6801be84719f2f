import type { Db } from '../../platform/db.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import * as repo from './auth.repo.ts';
import { canonicalEmail, normalizeEmail, validateNewPassword } from './auth.domain.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.ts';
import { newOpaqueToken, sha256, signAccessToken } from './tokens.ts';

type AuthDeps = Pick<Deps, 'sql' | 'clock' | 'config' | 'secrets'>;

export interface TokenPair { accessToken: string; refreshToken: string; tokenType: 'Bearer'; expiresIn: number; sessionId: string }

export interface PublicUser { id: string; email: string; displayName: string; isInstanceAdmin: boolean; createdAt: string }

export const publicUser = (u: repo.UserRow): PublicUser => ({
  id: u.id, email: u.email, displayName: u.displayName, isInstanceAdmin: u.isInstanceAdmin, createdAt: u.createdAt.toISOString(),
});

/** Self-registration: a user with no role anywhere. Roles come only from an organization admin. */
export async function registerUser(deps: Pick<Deps, 'sql' | 'clock'>, input: { email: string; password: string; displayName: string; isInstanceAdmin?: boolean },
  requestId?: string): Promise<PublicUser> {
  const email = normalizeEmail(input.email);
  validateNewPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  return deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const user = await repo.insertUser(tx, { email, displayName: input.displayName.trim(), passwordHash, isInstanceAdmin: input.isInstanceAdmin ?? false, at });
    if (!user) throw new AppError('auth.email_taken', 'An account with this e-mail address already exists', { field: 'email' });
    await recordAudit(tx, { organizationId: null, actorUserId: user.id, action: input.isInstanceAdmin ? 'user.created_instance_admin' : 'user.registered',
      entityType: 'user', entityId: user.id, requestId }, at);
    return publicUser(user);
  }) as Promise<PublicUser>;
}

export async function login(deps: AuthDeps, throttle: LoginThrottle, input: { email: string; password: string; address: string },
  requestId?: string): Promise<TokenPair> {
  const email = canonicalEmail(input.email);
  const wait = throttle.begin(email, input.address);
  if (wait > 0) throw new AppError('auth.rate_limited', 'Too many failed logins; try again later', { retryAfterSeconds: wait });
  const user = await repo.findUserByEmail(deps.sql, email);
  // Unknown accounts cost the same argon2 work and get the same answer as a wrong password.
  const ok = await verifyPassword(input.password, user?.passwordHash ?? await dummyPasswordHash());
  if (!user || !ok) {
    await new Promise((r) => setTimeout(r, throttle.failureDelay(email, input.address)));
    throw new AppError('auth.invalid_credentials', 'E-mail or password is wrong');
  }
  throttle.succeed(email, input.address);
  return deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const sessionId = await repo.insertSession(tx, user.id, at);
    await recordAudit(tx, { organizationId: null, actorUserId: user.id, action: 'session.created', entityType: 'session', entityId: sessionId, requestId }, at);
    return issueTokens(deps, tx, user.id, sessionId, at);
  }) as Promise<TokenPair>;
}

async function issueTokens(deps: AuthDeps, tx: Db, userId: string, sessionId: string, at: Date): Promise<TokenPair> {
  const refreshToken = newOpaqueToken('rt');
  const expiresAt = new Date(at.getTime() + deps.config.refreshTokenTtlDays * 86_400_000);
  await repo.insertRefreshToken(tx, sessionId, sha256(refreshToken), at, expiresAt);
  const accessToken = await signAccessToken(deps.secrets.jwtKey, { userId, sessionId }, at, deps.config.accessTokenTtlSeconds);
  return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: deps.config.accessTokenTtlSeconds, sessionId };
}

/**
 * Rotates a refresh token. Presenting a token that was already used means it leaked:
 * the whole session (every token of the family) is revoked.
 */
export async function refresh(deps: AuthDeps, refreshToken: string, requestId?: string): Promise<TokenPair> {
  const outcome = await deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const row = await repo.findRefreshTokenForUpdate(tx, sha256(refreshToken));
    if (!row || row.revokedAt) return { error: new AppError('auth.token_invalid', 'The refresh token is not valid') };
    if (row.usedAt) {
      await repo.revokeSession(tx, row.sessionId, 'refresh_token_reused', at);
      await recordAudit(tx, { organizationId: null, actorUserId: row.userId, action: 'session.revoked_reuse', entityType: 'session', entityId: row.sessionId, requestId }, at);
      return { error: new AppError('auth.refresh_reused', 'This refresh token was already used; the session has been ended for safety') };
    }
    if (row.expiresAt <= at) return { error: new AppError('auth.token_expired', 'The refresh token has expired; log in again') };
    await repo.markRefreshUsed(tx, row.id, at);
    return { tokens: await issueTokens(deps, tx, row.userId, row.sessionId, at) };
  });
  // The revocation above must commit, so the error is thrown after the transaction.
  if ('error' in outcome) throw outcome.error;
  return outcome.tokens as TokenPair;
}

export async function logout(deps: AuthDeps, userId: string, sessionId: string, requestId?: string): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    if (await repo.revokeSession(tx, sessionId, 'logout', at)) {
      await recordAudit(tx, { organizationId: null, actorUserId: userId, action: 'session.logout', entityType: 'session', entityId: sessionId, requestId }, at);
    }
  });
}

/** Changes the password and ends every other session of the user. */
export async function changePassword(deps: AuthDeps, userId: string, sessionId: string | null,
  input: { currentPassword: string; newPassword: string }, requestId?: string): Promise<{ sessionsEnded: number }> {
  const user = await repo.findUserById(deps.sql, userId);
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new AppError('auth.invalid_credentials', 'The current password is wrong', { field: 'currentPassword' });
  }
  validateNewPassword(input.newPassword, 'newPassword');
  const hash = await hashPassword(input.newPassword);
  return deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    await repo.updatePassword(tx, userId, hash, at);
    const sessionsEnded = await repo.revokeOtherSessions(tx, userId, sessionId, 'password_changed', at);
    await recordAudit(tx, { organizationId: null, actorUserId: userId, action: 'user.password_changed', entityType: 'user', entityId: userId,
      details: { sessionsEnded }, requestId }, at);
    return { sessionsEnded };
  }) as Promise<{ sessionsEnded: number }>;
}
