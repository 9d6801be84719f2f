import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/modules/access/access.domain.ts';
import * as authRepo from '../../src/modules/auth/auth.repo.ts';
import { signAccessToken } from '../../src/modules/auth/tokens.ts';
import { insertGrant, insertOrganization } from '../../src/modules/organizations/organizations.repo.ts';
import type { Deps } from '../../src/platform/deps.ts';

/** A cheap argon2id hash of "test-password-123" (8 KiB, 1 pass): tests do not need real cost. */
export const TEST_PASSWORD = 'test-password-123';
let cheapHash: Promise<string> | null = null;
async function testPasswordHash(): Promise<string> {
  const { hashPassword } = await import('../../src/modules/auth/passwords.ts');
  cheapHash ??= hashPassword(TEST_PASSWORD, { memoryKiB: 8, passes: 1, parallelism: 1 });
  return cheapHash;
}

export async function createOrganization(deps: Deps, name = `Org ${randomBytes(3).toString('hex')}`): Promise<{ id: string }> {
  return insertOrganization(deps.sql, name, 'syndic_office', deps.clock.now());
}

export interface Actor { userId: string; email: string; sessionId: string; token: string; headers: { authorization: string } }

/**
 * A user with the given grants and a live session, straight through the repositories
 * (the login flow itself is tested in auth.int.test.ts).
 */
export async function createActor(deps: Deps, input: {
  organizationId?: string; grants?: Array<{ role: Role; buildingId?: string | null }>; email?: string; isInstanceAdmin?: boolean;
}): Promise<Actor> {
  const at = deps.clock.now();
  const email = input.email ?? `user-${randomBytes(4).toString('hex')}@example.test`;
  const user = await authRepo.insertUser(deps.sql, { email, displayName: email.split('@')[0]!, passwordHash: await testPasswordHash(),
    isInstanceAdmin: input.isInstanceAdmin ?? false, at });
  if (!user) throw new Error(`test user ${email} already exists`);
  for (const g of input.grants ?? []) {
    await insertGrant(deps.sql, { organizationId: input.organizationId!, userId: user.id, role: g.role, buildingId: g.buildingId ?? null, grantedBy: user.id, at });
  }
  const sessionId = await authRepo.insertSession(deps.sql, user.id, at);
  const token = await signAccessToken(deps.secrets.jwtKey, { userId: user.id, sessionId }, at, deps.config.accessTokenTtlSeconds);
  return { userId: user.id, email, sessionId, token, headers: { authorization: `Bearer ${token}` } };
}
