import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import * as repo from './auth.repo.ts';
import { normalizeEmail, validateNewPassword } from './auth.domain.ts';
import { registerUser, type PublicUser } from './auth.service.ts';
import { newOpaqueToken, sha256 } from './tokens.ts';

const SETUP_SECRET = 'setup_token';

/**
 * First start: while no instance admin exists, a one-time setup token is printed; whoever holds it
 * creates the first admin (POST /api/v1/setup). A new token is issued at each start until then.
 */
export async function issueSetupTokenIfNeeded(deps: Pick<Deps, 'sql'>): Promise<string | null> {
  if ((await repo.countInstanceAdmins(deps.sql)) > 0) return null;
  const token = newOpaqueToken('setup');
  await repo.writeSecret(deps.sql, SETUP_SECRET, sha256(token)); // only its hash is kept
  return token;
}

export async function setupNeeded(deps: Pick<Deps, 'sql'>): Promise<boolean> {
  return (await repo.countInstanceAdmins(deps.sql)) === 0;
}

export async function completeSetup(deps: Pick<Deps, 'sql' | 'clock' | 'config' | 'secrets'>,
  input: { token: string; email: string; password: string; displayName: string }, requestId?: string): Promise<PublicUser> {
  if (!(await setupNeeded(deps))) throw new AppError('auth.setup_done', 'The instance already has an administrator');
  normalizeEmail(input.email);
  validateNewPassword(input.password);
  // Consuming the token first makes two concurrent set-ups impossible: only one delete succeeds.
  if (!(await repo.consumeSecret(deps.sql, SETUP_SECRET, sha256(input.token)))) {
    throw new AppError('auth.setup_token_invalid', 'The setup token is not valid (it is printed when the instance starts)');
  }
  try {
    return await registerUser(deps, { ...input, isInstanceAdmin: true }, requestId);
  } catch (e) {
    await repo.writeSecret(deps.sql, SETUP_SECRET, sha256(input.token));
    throw e;
  }
}
