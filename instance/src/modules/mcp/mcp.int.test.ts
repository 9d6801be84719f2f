import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createActor, createOrganization, type Actor } from '../../../test/support/actors.ts';
import { createTestApp } from '../../../test/support/test-app.ts';
import { seedDemo } from '../demo/seed-demo.ts';

/**
 * The MCP tools against a real instance: a real SDK Client over Streamable HTTP (/mcp on the
 * instance) and over stdio (the koprogo-mcp bin, spawned), with real API tokens of several roles.
 */
const { app, deps, clock, logs } = await createTestApp({ captureLogs: true });
// Set up 40 days ago, so the call for funds sent then is overdue today.
clock.set(new Date(Date.now() - 40 * 86_400_000));
const orgA = await createOrganization(deps, 'MCP A');
const orgB = await createOrganization(deps, 'MCP B');
const adminA = await createActor(deps, { organizationId: orgA.id, grants: [{ role: 'admin' }] });
const adminB = await createActor(deps, { organizationId: orgB.id, grants: [{ role: 'admin' }] });
await seedDemo(deps, { organizationId: orgA.id, actorUserId: adminA.userId });
await seedDemo(deps, { organizationId: orgB.id, actorUserId: adminB.userId });
const buildingsOf = async (orgId: string) =>
  (await deps.sql<{ id: string }[]>`select id from buildings where organization_id = ${orgId} order by name`).map((b) => b.id);
const [A1, A2] = await buildingsOf(orgA.id);
const [B1] = await buildingsOf(orgB.id);
const ownerA1 = await createActor(deps, { organizationId: orgA.id, grants: [{ role: 'owner', buildingId: A1! }] });

async function apiToken(actor: Actor, orgId: string, scopes: ('read' | 'write')[] = ['read', 'write']): Promise<string> {
  const res = await app.inject({ method: 'POST', url: `/api/v1/orgs/${orgId}/api-tokens`, headers: actor.headers, payload: { name: 'mcp', scopes } });
  expect(res.statusCode).toBe(201);
  return res.json().token;
}
const tokens = { adminA: await apiToken(adminA, orgA.id), ownerA1: await apiToken(ownerA1, orgA.id) };
/** As the admin of A through its API token (no expiry, unlike the JWT signed 40 days ago). */
const asAdminA = (method: 'POST' | 'PATCH', url: string, payload: object = {}) =>
  app.inject({ method, url: `/api/v1/orgs/${orgA.id}${url}`, headers: { authorization: `Bearer ${tokens.adminA}` }, payload });
expect((await asAdminA('PATCH', `/buildings/${A1}/fund-settings`, { currentAccountIban: 'BE68539007547034', reserveAccountIban: 'BE62510007547061' })).statusCode).toBe(200);
const callForFunds = await asAdminA('POST', `/buildings/${A1}/calls`, { fund: 'ordinary', periodLabel: 'MCP', dueDate: deps.clock.today(), totalCents: 100_000 });
expect(callForFunds.statusCode).toBe(201);
expect((await asAdminA('POST', `/buildings/${A1}/calls/${callForFunds.json().id}/send`)).statusCode).toBeLessThan(300);
clock.reset();

const base = await app.listen({ port: 0, host: '127.0.0.1' });
const clients: Client[] = [];
afterAll(async () => { for (const c of clients) await c.close(); });

async function httpClient(token: string): Promise<Client> {
  const client = new Client({ name: 'mcp-int-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  clients.push(client);
  return client;
}

async function stdioClient(token: string, extraArgs: string[] = []): Promise<Client> {
  const client = new Client({ name: 'mcp-int-test', version: '1.0.0' });
  const bin = fileURLToPath(new URL('../../../../mcp-tools/src/stdio.ts', import.meta.url));
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, '--url', base, ...extraArgs],
    env: { KOPROGO_API_TOKEN: token, PATH: process.env.PATH ?? '' }, stderr: 'pipe' }));
  clients.push(client);
  return client;
}

const call = (c: Client, name: string, args: Record<string, unknown>) => c.callTool({ name, arguments: args }) as Promise<CallToolResult>;
const structured = <T>(r: CallToolResult) => {
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return r.structuredContent as T;
};
const errorText = (r: CallToolResult) => {
  expect(r.isError).toBe(true);
  return (r.content[0] as { text: string }).text;
};
type Buildings = { items: { id: string; name: string }[] };

describe('MCP tools over Streamable HTTP at /mcp', () => {
  it('refuses callers without a valid API token, with a JSON error', async () => {
    const none = await app.inject({ method: 'POST', url: '/mcp', payload: {} });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('auth.unauthenticated');
    const fresh = await createActor(deps, { organizationId: orgA.id, grants: [{ role: 'admin' }] });
    const jwt = await app.inject({ method: 'POST', url: '/mcp', headers: fresh.headers, payload: {} });
    expect(jwt.json().error.code).toBe('auth.token_invalid');
    const get = await app.inject({ method: 'GET', url: '/mcp', headers: { authorization: `Bearer ${tokens.adminA}` } });
    expect(get.statusCode).toBe(405);
  });

  it('never answers 500, whatever the body (random JSON, JSON-RPC with random params)', async () => {
    const headers = { authorization: `Bearer ${tokens.adminA}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const post = (payload: string) => app.inject({ method: 'POST', url: '/mcp', headers, payload });
    await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
      const res = await post(JSON.stringify(body));
      expect(res.statusCode, res.body.slice(0, 200)).toBeLessThan(500);
    }), { numRuns: 60, seed: 20261125 });
    const tools = ['list_buildings', 'owners_in_arrears', 'meeting_agenda', 'draft_reminder', 'draft_convocation', 'get_draft', 'approve_draft', 'nope'];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...tools), fc.dictionary(fc.constantFrom('orgId', 'buildingId', 'draftId', 'asOf', 'level', 'x'), fc.jsonValue()),
      async (name, args) => {
        const res = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }));
        expect(res.statusCode, res.body.slice(0, 200)).toBeLessThan(500);
      }), { numRuns: 60, seed: 7 });
    expect((await post('{"jsonrpc": "2.0", ')).statusCode).toBe(400);
  });

  it('lists the tools with their schemas', async () => {
    const c = await httpClient(tokens.adminA);
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['approve_draft', 'draft_convocation', 'draft_reminder', 'get_draft', 'list_buildings',
      'meeting_agenda', 'owners_in_arrears']);
    expect(tools.find((t) => t.name === 'owners_in_arrears')!.inputSchema.required).toEqual(['buildingId']);
  });

  it('acts in the token\'s organization with the token\'s rights', async () => {
    const c = await httpClient(tokens.adminA);
    const mine = structured<Buildings>(await call(c, 'list_buildings', {}));
    expect(mine.items.map((b) => b.id).sort()).toEqual((await buildingsOf(orgA.id)).sort());
    const arrears = structured<{ buildingId: string; items: { ownerCallId: string }[] }>(await call(c, 'owners_in_arrears', { buildingId: A1 }));
    expect(arrears.buildingId).toBe(A1);
    expect(arrears.items.length).toBeGreaterThan(0);
    // Another tenant: its organization, or its building inside ours, is not found.
    expect(errorText(await call(c, 'list_buildings', { orgId: orgB.id }))).toContain('organization.not_found');
    expect(errorText(await call(c, 'owners_in_arrears', { buildingId: B1 }))).toMatch(/not_found/);
  });

  it('gives an owner only their building, and no payment data', async () => {
    const c = await httpClient(tokens.ownerA1);
    expect(structured<Buildings>(await call(c, 'list_buildings', {})).items.map((b) => b.id)).toEqual([A1]);
    expect(errorText(await call(c, 'owners_in_arrears', { buildingId: A1 }))).toContain('auth.forbidden');
    expect(errorText(await call(c, 'owners_in_arrears', { buildingId: A2 }))).toMatch(/auth.forbidden|not_found/);
    expect(errorText(await call(c, 'draft_reminder', { buildingId: A1, ownerCallId: A1, level: 'Gentle', locale: 'fr' }))).toMatch(/auth.forbidden/);
  });

  it('answers bad arguments with an error result, not a thrown error', async () => {
    const c = await httpClient(tokens.adminA);
    expect(errorText(await call(c, 'owners_in_arrears', {}))).toMatch(/buildingId/);
    expect(errorText(await call(c, 'list_buildings', { orgId: '../../admin' }))).toMatch(/orgId|uuid/i);
    expect(errorText(await call(c, 'draft_reminder', { buildingId: A1, ownerCallId: A1, level: 'angry', locale: 'fr' }))).toMatch(/level/);
    expect(errorText(await call(c, 'owners_in_arrears', { buildingId: A1, asOf: '2026-02-30' }))).toMatch(/asOf|date/i);
  });

  it('runs the tools\' API calls under the MCP request\'s id (one trail in the log)', async () => {
    const client = new Client({ name: 'mcp-int-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`),
      { requestInit: { headers: { authorization: `Bearer ${tokens.adminA}`, 'x-request-id': 'mcp-trail-1' } } }));
    clients.push(client);
    structured(await call(client, 'list_buildings', {}));
    const trail = logs.map((l) => JSON.parse(l) as { reqId?: string; req?: { method?: string; path?: string } }).filter((l) => l.reqId === 'mcp-trail-1');
    expect(trail.some((l) => l.req?.method === 'POST' && l.req.path === '/mcp')).toBe(true);
    expect(trail.some((l) => l.req?.path === `/api/v1/orgs/${orgA.id}/buildings`)).toBe(true);
  });

  it('reads a meeting\'s agenda through the assemblies routes, and drafts its convocation (placeholders only, waiting for approval)', async () => {
    const c = await httpClient(tokens.adminA);
    const created = await asAdminA('POST', `/buildings/${A1}/meetings`, { kind: 'ordinary', meetingDate: '2041-05-20', startTime: '18:30', place: 'Salle MCP' });
    expect(created.statusCode, created.body).toBe(201);
    const meeting = created.json().id as string;
    expect((await asAdminA('POST', `/buildings/${A1}/meetings/${meeting}/agenda-items`, { title: 'Approbation des comptes' })).statusCode).toBe(201);
    const agenda = structured(await call(c, 'meeting_agenda', { buildingId: A1, meetingId: meeting }));
    expect(JSON.stringify(agenda)).toContain('Approbation des comptes');
    expect(errorText(await call(c, 'meeting_agenda', { buildingId: A1, meetingId: '00000000-0000-4000-8000-000000000001' }))).toContain('meeting.not_found');
    const draft = structured<{ id: string; documentType: string; meetingId: string; status: string }>(
      await call(c, 'draft_convocation', { buildingId: A1, meetingId: meeting, locale: 'fr' }));
    expect(draft).toMatchObject({ documentType: 'convocation', meetingId: meeting, status: 'queued' });
    expect(structured<{ id: string }>(await call(c, 'get_draft', { buildingId: A1, draftId: draft.id })).id).toBe(draft.id);
    expect((await asAdminA('POST', `/buildings/${A1}/ai-drafts/${draft.id}/use-template`)).statusCode).toBe(200);
    const approved = structured<{ final: { body: string } }>(await call(c, 'approve_draft', { buildingId: A1, draftId: draft.id }));
    expect(approved.final.body).toContain('1. Approbation des comptes');
    expect(approved.final.body).toContain('Salle MCP');
    // The instance's own refusals come back as tool errors: a meeting too close for the legal delay, an owner's token.
    const soon = await asAdminA('POST', `/buildings/${A1}/meetings`, { kind: 'ordinary', meetingDate: deps.clock.today(), startTime: '18:30', place: 'Salle MCP' });
    await asAdminA('POST', `/buildings/${A1}/meetings/${soon.json().id}/agenda-items`, { title: 'Urgent' });
    expect(errorText(await call(c, 'draft_convocation', { buildingId: A1, meetingId: soon.json().id, locale: 'fr' }))).toContain('meeting.convocation_too_late');
    const owner = await httpClient(tokens.ownerA1);
    expect(errorText(await call(owner, 'draft_convocation', { buildingId: A1, meetingId: meeting, locale: 'fr' }))).toContain('auth.forbidden');
  });

  it('drafts a reminder, and approves it once the syndic\'s draft is ready', async () => {
    const c = await httpClient(tokens.adminA);
    const overdue = structured<{ items: { ownerCallId: string }[] }>(await call(c, 'owners_in_arrears', { buildingId: A1 }));
    expect(overdue.items.length).toBeGreaterThan(0);
    const draft = structured<{ id: string; status: string }>(await call(c, 'draft_reminder',
      { buildingId: A1, ownerCallId: overdue.items[0]!.ownerCallId, level: 'Formal', locale: 'fr' }));
    expect(structured<{ id: string }>(await call(c, 'get_draft', { buildingId: A1, draftId: draft.id })).id).toBe(draft.id);
    // Not ready yet (no node took it): the instance refuses, the tool reports it.
    expect(errorText(await call(c, 'approve_draft', { buildingId: A1, draftId: draft.id }))).toMatch(/draft/);
    const templ = await asAdminA('POST', `/buildings/${A1}/ai-drafts/${draft.id}/use-template`);
    expect(templ.statusCode).toBe(200);
    const approved = structured<{ status: string; final: { body: string } }>(await call(c, 'approve_draft', { buildingId: A1, draftId: draft.id }));
    expect(approved.status).toBe('approved');
    expect(approved.final.body).not.toContain('{{');
    // A read-only token cannot approve.
    const fresh = await createActor(deps, { organizationId: orgA.id, grants: [{ role: 'admin' }] });
    const ro = await httpClient(await apiToken(fresh, orgA.id, ['read']));
    expect(errorText(await call(ro, 'approve_draft', { buildingId: A1, draftId: draft.id }))).toContain('auth.forbidden');
  });
});

describe('MCP tools over stdio (koprogo-mcp)', () => {
  it('serves the same tools with the token from KOPROGO_API_TOKEN', async () => {
    const c = await stdioClient(tokens.adminA, ['--org', orgA.id]);
    const mine = structured<Buildings>(await call(c, 'list_buildings', {}));
    expect(mine.items.map((b) => b.id).sort()).toEqual((await buildingsOf(orgA.id)).sort());
    expect(errorText(await call(c, 'owners_in_arrears', { buildingId: B1 }))).toMatch(/not_found/);
    expect(errorText(await call(c, 'list_buildings', { orgId: orgB.id }))).toContain('organization.not_found');
    expect(errorText(await call(c, 'owners_in_arrears', { buildingId: 'x' }))).toMatch(/buildingId/);
  });

  it('keeps an owner to their building', async () => {
    const c = await stdioClient(tokens.ownerA1, ['--org', orgA.id]);
    expect(structured<Buildings>(await call(c, 'list_buildings', {})).items.map((b) => b.id)).toEqual([A1]);
    expect(errorText(await call(c, 'owners_in_arrears', { buildingId: A1 }))).toContain('auth.forbidden');
  });

  it('asks for an organization when none is given', async () => {
    const c = await stdioClient(tokens.adminA);
    expect(errorText(await call(c, 'list_buildings', {}))).toContain('No organization');
    expect(structured<Buildings>(await call(c, 'list_buildings', { orgId: orgA.id })).items.length).toBeGreaterThan(0);
  });
});
