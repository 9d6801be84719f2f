import { verifyRequest } from '@koprogo/federation';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { federationSecret } from './federation.crypto.ts';
import { originFor } from './federation.identity.ts';
import { keyDirectory } from './federation.inbox.ts';
import * as repo from './federation.repo.ts';

/**
 * Verifies a signed federation GET (profile copro-fed/1: @method, @target-uri, @authority, accept;
 * allow-listed peer, pinned key, window, nonce). Returns the signer's host, or null once the refusal
 * has been sent (401/403 with the same reason codes as the inbox).
 */
export function signedGetVerifier(deps: Deps) {
  const directory = keyDirectory(deps);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<string | null> => {
    const now = deps.clock.now();
    if (!(await federationSecret(deps))) throw new AppError('federation.disabled', 'Federation is off on this instance');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
    const v = await verifyRequest({ method: 'GET', targetUri: `${originFor(deps).base}${req.url}`, headers, body: Buffer.alloc(0) },
      { keys: directory, nonces: 'checked-by-caller', now });
    const reason = !v.ok ? v.reason : (await repo.rememberNonce(deps.sql, v.keyId, v.nonce, now)) ? null : 'replayed';
    if (reason) {
      await reply.status(v.ok ? 401 : v.status).send({ error: { code: `federation.${reason}`, message: `Refused: ${reason.replaceAll('_', ' ')}`,
        details: { reason, serverTime: now.toISOString() }, requestId: req.id } });
      return null;
    }
    return v.ok ? v.peerHost : null;
  };
}
