import type { FastifyReply, FastifyRequest } from 'fastify';
import { createApiClient, handleMcpRequest, type FetchLike } from '@koprogo/mcp-tools';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { errorBody, type App } from '../../platform/http.ts';
import { loadApiTokenUser } from '../access/access.repo.ts';
import { sha256 } from '../auth/tokens.ts';

/** Never used on the network: tool calls go through app.inject, in process. */
const IN_PROCESS_BASE = 'http://koprogo.internal';

/**
 * The KoproGo MCP tools over Streamable HTTP at /mcp (stateless, JSON answers). The bearer is the
 * user's API token; each tool calls this instance's own public API with that same token, in
 * process, so the token's roles, buildings and organization rule exactly as over HTTP.
 */
export async function mcpRoutes(app: App, deps: Deps): Promise<void> {
  const inProcess: FetchLike = async (url, init) => {
    const u = new URL(url);
    const res = await app.inject({ method: init.method as 'GET', url: `${u.pathname}${u.search}`, headers: init.headers,
      ...(init.body !== undefined ? { payload: init.body } : {}) });
    return { status: res.statusCode, text: async () => res.body };
  };

  async function apiToken(req: FastifyRequest) {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) throw new AppError('auth.unauthenticated', 'Authentication required: send "Authorization: Bearer <API token>"');
    const token = m[1]!;
    if (!token.startsWith('kpg_')) throw new AppError('auth.token_invalid', '/mcp takes an API token (kpg_…), created under /api/v1/orgs/{orgId}/api-tokens');
    const t = await loadApiTokenUser(deps.sql, sha256(token), deps.clock.now());
    if (!t) throw new AppError('auth.token_invalid', 'The API token is not valid, expired or revoked');
    return { token, organizationId: t.organizationId };
  }

  app.post('/mcp', {
    schema: { tags: ['mcp'], summary: 'MCP (Model Context Protocol) over Streamable HTTP, stateless; bearer = an API token (see docs/mcp.md)' },
  }, async (req, reply) => {
    const { token, organizationId } = await apiToken(req);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'authorization') headers.set(k, v);
    const request = new Request(`${IN_PROCESS_BASE}/mcp`, { method: 'POST', headers, body: JSON.stringify(req.body ?? null) });
    // The tools' API calls carry this request's id, so the log ties them to the MCP call.
    const api = createApiClient({ baseUrl: IN_PROCESS_BASE, token,
      fetch: (url, init) => inProcess(url, { ...init, headers: { ...init.headers, 'x-request-id': req.id } }) });
    const response = await handleMcpRequest(request, req.body, { api, defaultOrgId: organizationId });
    return sendResponse(reply, response);
  });

  // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method, url: '/mcp', schema: { tags: ['mcp'], summary: 'Not used in stateless mode: answers 405' },
      handler: async (req, reply) => {
        await apiToken(req);
        return reply.status(405).header('allow', 'POST').send(errorBody(req, 'mcp.method_not_allowed', 'This MCP endpoint is stateless: POST only'));
      },
    });
  }
}

async function sendResponse(reply: FastifyReply, response: Response) {
  reply.status(response.status);
  response.headers.forEach((value, key) => { if (key !== 'content-length') reply.header(key, value); });
  return reply.send(await response.text());
}
