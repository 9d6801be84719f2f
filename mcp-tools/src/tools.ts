import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ApiError, type ApiClient } from './api-client.ts';

/**
 * The KoproGo MCP tools. Each one is one call (or two) to the instance's public HTTP API with the
 * caller's token: what a tool may see or do is exactly what that token may see or do there.
 */

export const SERVER_NAME = 'koprogo';
export const SERVER_VERSION = '0.1.0';

export interface ToolsOptions {
  api: ApiClient;
  /** The organization the tools act in when a call gives no orgId (an API token belongs to one). */
  defaultOrgId?: string;
}

const uuid = z.uuid();
const orgId = uuid.optional().describe('Organization id; defaults to the organization of the API token');
const buildingId = uuid.describe('Building id (from list_buildings)');
const locale = z.enum(['fr', 'nl', 'de', 'en']).describe('Language of the letter');
const tone = z.enum(['neutral', 'friendly', 'firm']).optional().describe('Tone (default neutral)');

const ok = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
  ...(value && typeof value === 'object' && !Array.isArray(value) ? { structuredContent: value as Record<string, unknown> } : {}),
});
const toolError = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });

/** The instance's error, as the tool's error: code and message, nothing invented. */
function fromApiError(err: unknown): CallToolResult {
  if (err instanceof ApiError) return toolError(`${err.code} (HTTP ${err.status}): ${err.message}`);
  return toolError(`The KoproGo instance could not be reached: ${(err as Error).message}`);
}

/** True when the instance has no such route at all (a module this instance does not have). */
const noSuchRoute = (err: unknown) => err instanceof ApiError && err.status === 404 && err.code === 'route.not_found';

export function createKoprogoMcpServer(opts: ToolsOptions): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version: SERVER_VERSION }, { capabilities: { tools: {} } });
  const { api } = opts;
  const orgOf = (given: string | undefined) => given ?? opts.defaultOrgId;
  const org = (given: string | undefined) => `/api/v1/orgs/${orgOf(given)}`;
  const needOrg = (given: string | undefined) =>
    orgOf(given) ? null : toolError('No organization: pass orgId, or start the server with --org (KOPROGO_ORG_ID)');
  const run = async (given: string | undefined, fn: () => Promise<CallToolResult>): Promise<CallToolResult> => {
    const missing = needOrg(given);
    if (missing) return missing;
    try {
      return await fn();
    } catch (err) {
      return fromApiError(err);
    }
  };

  server.registerTool('list_buildings', {
    title: 'List buildings',
    description: 'The buildings (co-ownerships) of the organization the caller may see, with their id, name and address '
      + '(200 per page; pass nextCursor back as cursor for the next page).',
    inputSchema: {
      orgId, q: z.string().max(200).optional().describe('Filter on name or city'),
      cursor: z.string().min(1).max(512).optional().describe('nextCursor of the previous page'),
    },
    annotations: { readOnlyHint: true },
  }, async (args) => run(args.orgId, async () => ok(await api.get(`${org(args.orgId)}/buildings`, { q: args.q, cursor: args.cursor, limit: 200 }))));

  server.registerTool('owners_in_arrears', {
    title: 'Owners in arrears',
    description: 'Owner calls of a building still open after their due date (owner, amount open in cents, due date, days late).',
    inputSchema: { orgId, buildingId, asOf: z.iso.date().optional().describe('Date YYYY-MM-DD (default today)') },
    annotations: { readOnlyHint: true },
  }, async (args) => run(args.orgId, async () =>
    ok(await api.get(`${org(args.orgId)}/buildings/${args.buildingId}/receivables/overdue`, { asOf: args.asOf }))));

  server.registerTool('meeting_agenda', {
    title: 'General meeting agenda',
    description: 'The agenda of a general meeting (assembly) of a building.',
    inputSchema: { orgId, buildingId, meetingId: uuid.describe('Meeting id') },
    annotations: { readOnlyHint: true },
  }, async (args) => run(args.orgId, async () => {
    try {
      const meeting = await api.get(`${org(args.orgId)}/buildings/${args.buildingId}/meetings/${args.meetingId}`) as Record<string, unknown>;
      return ok(meeting);
    } catch (err) {
      if (noSuchRoute(err)) return toolError('General meetings are not available on this instance (its version has no assemblies module).');
      throw err;
    }
  }));

  server.registerTool('draft_reminder', {
    title: 'Draft a payment reminder',
    description: 'Asks the instance for an AI draft of a payment reminder for one overdue owner call (see owners_in_arrears). '
      + 'The draft is written with placeholders, verified, and waits for the syndic\'s approval: nothing is sent.',
    inputSchema: {
      orgId, buildingId, ownerCallId: uuid.describe('The overdue owner call (ownerCallId from owners_in_arrears)'),
      level: z.enum(['Gentle', 'Formal', 'FinalNotice', 'LegalAction']).describe('Reminder level'), locale, tone,
    },
  }, async (args) => run(args.orgId, async () => {
    try {
      return ok(await api.post(`${org(args.orgId)}/buildings/${args.buildingId}/ai-drafts`,
        { documentType: 'reminder', ownerCallId: args.ownerCallId, level: args.level, locale: args.locale, tone: args.tone ?? 'neutral' }));
    } catch (err) {
      if (noSuchRoute(err)) return toolError('AI drafts are not available on this instance.');
      throw err;
    }
  }));

  server.registerTool('draft_convocation', {
    title: 'Draft a general meeting convocation',
    description: 'Asks the instance for an AI draft of the convocation to a general meeting still in draft (see meeting_agenda), at least the '
      + 'legal delay away. Date, time, place and agenda items stay placeholders for the edge node; the draft waits for the syndic\'s approval, '
      + 'and an approved draft can then be used as the message text when the convocations are sent.',
    inputSchema: { orgId, buildingId, meetingId: uuid.describe('Meeting id'), locale, tone },
  }, async (args) => run(args.orgId, async () => {
    try {
      return ok(await api.post(`${org(args.orgId)}/buildings/${args.buildingId}/ai-drafts`,
        { documentType: 'convocation', meetingId: args.meetingId, locale: args.locale, tone: args.tone ?? 'neutral' }));
    } catch (err) {
      // An instance without assemblies refuses the document type itself (or has no AI drafts at all).
      const refusedType = err instanceof ApiError && err.status === 400 && JSON.stringify(err.details ?? '').includes('documentType');
      if (noSuchRoute(err) || refusedType) return toolError('Convocation drafts are not available on this instance (it has no assemblies module yet).');
      throw err;
    }
  }));

  server.registerTool('get_draft', {
    title: 'Get an AI draft',
    description: 'An AI draft and its status (queued, generating, ready, approved, unavailable): poll it after draft_reminder.',
    inputSchema: { orgId, buildingId, draftId: uuid.describe('Draft id') },
    annotations: { readOnlyHint: true },
  }, async (args) => run(args.orgId, async () => ok(await api.get(`${org(args.orgId)}/buildings/${args.buildingId}/ai-drafts/${args.draftId}`))));

  server.registerTool('approve_draft', {
    title: 'Approve an AI draft',
    description: 'Approves a ready draft as the syndic: the instance fills in the real values. Only roles allowed to approve may do it.',
    inputSchema: { orgId, buildingId, draftId: uuid.describe('Draft id') },
    annotations: { destructiveHint: false, idempotentHint: true },
  }, async (args) => run(args.orgId, async () =>
    ok(await api.post(`${org(args.orgId)}/buildings/${args.buildingId}/ai-drafts/${args.draftId}/approve`, {}))));

  return server;
}
