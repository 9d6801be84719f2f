import websocket, { type WebSocket } from '@fastify/websocket';
import { ErrorBodySchema, errorResponses } from '@koprogo/protocols';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { AppError } from '../../platform/errors.ts';
import { authenticateOrgRequest, jwtMember } from '../access/access.plugin.ts';
import { EventHub } from './events.hub.ts';
import { parseAuthMessage } from './notifications.domain.ts';

/** The client must authenticate within this delay after the upgrade. */
export const AUTH_TIMEOUT_MS = 5000;
/** Close codes: bad, missing or late token; not a member of the organization (like a 404). */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_NOT_MEMBER = 4404;

/** The same checks as the org routes (access.plugin.ts): a valid access JWT, a live session, a grant in the organization. */
async function checkMember(deps: Deps, token: string, orgId: string): Promise<'ok' | 'unauthenticated' | 'not_member'> {
  try {
    await jwtMember(deps, token, orgId);
    return 'ok';
  } catch (e) {
    if (e instanceof AppError && e.code === 'organization.not_found') return 'not_member';
    if (e instanceof AppError) return 'unauthenticated';
    throw e;
  }
}

/**
 * The live-event socket. Authentication is the first message `{ "type": "auth", "token": "<access JWT>" }`,
 * within 5 s. Chosen over an `access_token` query parameter: a token in a URL ends up in proxy and
 * access logs and in browser history, while a message stays inside the TLS stream; the price is one
 * round trip and a socket that is open, unauthenticated, for up to 5 s.
 */
function onSocket(deps: Deps, hub: EventHub) {
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
        if (r === 'unauthenticated') return close(CLOSE_UNAUTHENTICATED, 'invalid token');
        if (r === 'not_member') return close(CLOSE_NOT_MEMBER, 'organization not found');
        const unsub = await hub.subscribe(orgId, (event) => {
          if (!closed) socket.send(JSON.stringify({ type: 'event', event }));
        });
        if (closed) return unsub();
        unsubscribe = unsub;
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
  app.addHook('onClose', async () => { await hub.close(); });
  const httpAuth = authenticateOrgRequest(deps);
  app.route({
    method: 'GET',
    url: '/api/v1/orgs/:orgId/events',
    schema: {
      tags: ['notifications'],
      summary: 'Live events of the organization, over a WebSocket',
      description: 'Upgrade to a WebSocket, then send {"type":"auth","token":"<access JWT>"} within 5 s. The server answers '
        + '{"type":"ready"} and then {"type":"event","event":{id,type,organizationId,occurredAt,payload}} for each event of this '
        + 'organization only. Close codes: 4401 bad, missing or late token; 4404 not a member. A plain HTTP GET answers 426.',
      response: { 426: ErrorBodySchema, ...errorResponses },
    },
    // A plain HTTP request is checked like any organization route; the upgrade authenticates in its first message.
    onRequest: async (req) => { if (!req.ws) await httpAuth(req); },
    handler: async (req, reply) => reply.status(426).header('upgrade', 'websocket').send({
      error: { code: 'events.upgrade_required', message: 'This route only speaks WebSocket: send an upgrade request', requestId: req.id },
    }),
    wsHandler: onSocket(deps, hub),
  });
}
