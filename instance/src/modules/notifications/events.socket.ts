import websocket, { type WebSocket } from '@fastify/websocket';
import { ErrorBodySchema, errorResponses } from '@koprogo/protocols';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { AppError } from '../../platform/errors.ts';
import { authenticateOrgRequest, jwtMember } from '../access/access.plugin.ts';
import { loadSessionUser } from '../access/access.repo.ts';
import { EventHub } from './events.hub.ts';
import { RevocationWatch } from './events.revocations.ts';
import { parseAuthMessage } from './notifications.domain.ts';

/** The client must authenticate within this delay after the upgrade. */
export const AUTH_TIMEOUT_MS = 5000;
/** Close codes: bad, missing or late token; not a member of the organization (like a 404). */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_NOT_MEMBER = 4404;

type Check = { ok: true; sessionId: string; userId: string } | { ok: false; reason: 'unauthenticated' | 'not_member' };

/** The same checks as the org routes (access.plugin.ts): a valid access JWT, a live session, a grant in the organization. */
async function checkMember(deps: Deps, token: string, orgId: string): Promise<Check> {
  try {
    const { claims } = await jwtMember(deps, token, orgId);
    return { ok: true, sessionId: claims.sessionId, userId: claims.userId };
  } catch (e) {
    if (e instanceof AppError && e.code === 'organization.not_found') return { ok: false, reason: 'not_member' };
    if (e instanceof AppError) return { ok: false, reason: 'unauthenticated' };
    throw e;
  }
}

/** The session still live and the user still a member? (Not the token's expiry: an open socket outlives its access token.) */
async function stillAllowed(deps: Deps, sessionId: string, userId: string, orgId: string): Promise<'ok' | 'unauthenticated' | 'not_member'> {
  const u = await loadSessionUser(deps.sql, sessionId, userId, orgId);
  if (!u || !u.active) return 'unauthenticated';
  return u.grants.length === 0 ? 'not_member' : 'ok';
}

/**
 * The live-event socket. Authentication is the first message `{ "type": "auth", "token": "<access JWT>" }`,
 * within 5 s. Chosen over an `access_token` query parameter: a token in a URL ends up in proxy and
 * access logs and in browser history, while a message stays inside the TLS stream; the price is one
 * round trip and a socket that is open, unauthenticated, for up to 5 s.
 */
function onSocket(deps: Deps, hub: EventHub, revocations: RevocationWatch) {
  return (socket: WebSocket, req: FastifyRequest): void => {
    const orgId = (req.params as { orgId?: string }).orgId ?? '';
    let waiting = true;
    let closed = false;
    let unsubscribe: (() => void) | null = null;
    const close = (code: number, reason: string) => {
      clearTimeout(timer);
      if (!closed) socket.close(code, reason);
    };
    const timer = setTimeout(() => close(CLOSE_UNAUTHENTICATED, 'authentication timeout'), AUTH_TIMEOUT_MS);
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      unsubscribe?.();
    });
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!waiting) return; // after authentication, the server only talks
      waiting = false;
      const token = isBinary || !Buffer.isBuffer(data) ? null : parseAuthMessage(data.toString('utf8'));
      if (!token) return close(CLOSE_UNAUTHENTICATED, 'expected {"type":"auth","token":"…"}');
      checkMember(deps, token, orgId).then(async (r) => {
        if (!r.ok) return r.reason === 'unauthenticated' ? close(CLOSE_UNAUTHENTICATED, 'invalid token') : close(CLOSE_NOT_MEMBER, 'organization not found');
        const unsub = await hub.subscribe(orgId, (event) => {
          if (!closed) socket.send(JSON.stringify({ type: 'event', event }));
        });
        const recheck = () => stillAllowed(deps, r.sessionId, r.userId, orgId).then((state) => {
          if (state === 'unauthenticated') close(CLOSE_UNAUTHENTICATED, 'session ended');
          else if (state === 'not_member') close(CLOSE_NOT_MEMBER, 'no longer a member');
        }, (err: unknown) => { req.log.warn({ err }, 'live-event socket re-check failed'); });
        const unwatch = await revocations.watch({ sessionId: r.sessionId, userId: r.userId, organizationId: orgId, recheck });
        unsubscribe = () => { unsub(); unwatch(); };
        if (closed) return unsubscribe();
        // A revocation committed between the first check and the watch would be missed: check once more.
        void recheck();
        clearTimeout(timer);
        socket.send(JSON.stringify({ type: 'ready' }));
      }).catch((err: unknown) => {
        req.log.error({ err }, 'live-event socket failed');
        close(1011, 'internal error');
      });
    });
  };
}

/** GET /api/v1/orgs/:orgId/events, upgraded to a WebSocket. Registered at the top level (no Authorization header). */
export async function eventSocketRoutes(app: App, deps: Deps): Promise<void> {
  await app.register(websocket, { options: { maxPayload: 16 * 1024 } });
  const hub = new EventHub(deps.sql, deps.logger);
  const revocations = new RevocationWatch(deps.sql, deps.logger);
  app.addHook('onClose', async () => { await hub.close(); await revocations.close(); });
  const httpAuth = authenticateOrgRequest(deps);
  app.route({
    method: 'GET',
    url: '/api/v1/orgs/:orgId/events',
    schema: {
      tags: ['notifications'],
      summary: 'Live events of the organization, over a WebSocket',
      description: 'Upgrade to a WebSocket, then send {"type":"auth","token":"<access JWT>"} within 5 s. The server answers '
        + '{"type":"ready"} and then {"type":"event","event":{id,type,organizationId,occurredAt,payload}} for each event of this '
        + 'organization only. Close codes: 4401 bad, missing or late token, or the session ended (logout, password change); '
        + '4404 not a member, or no longer one. A plain HTTP GET answers 426.',
      response: { 426: ErrorBodySchema, ...errorResponses },
    },
    // A plain HTTP request is checked like any organization route; the upgrade authenticates in its first message.
    onRequest: async (req) => { if (!req.ws) await httpAuth(req); },
    handler: async (req, reply) => reply.status(426).header('upgrade', 'websocket').send({
      error: { code: 'events.upgrade_required', message: 'This route only speaks WebSocket: send an upgrade request', requestId: req.id },
    }),
    wsHandler: onSocket(deps, hub, revocations),
  });
}
