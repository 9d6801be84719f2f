#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createApiClient } from './api-client.ts';
import { createKoprogoMcpServer } from './tools.ts';

/**
 * koprogo-mcp: the KoproGo MCP tools over stdio, for desktop MCP clients.
 *   koprogo-mcp --url https://koprogo.example.be [--org <orgId>] [--token kpg_…]
 * The token comes from --token or KOPROGO_API_TOKEN (prefer the variable: flags show in `ps`);
 * the organization from --org or KOPROGO_ORG_ID (or each tool call's orgId).
 * stdout carries the protocol only: messages for people go to stderr.
 */
const USAGE = 'usage: koprogo-mcp --url <instance URL> [--org <organization id>] [--token <API token>] (or KOPROGO_API_TOKEN, KOPROGO_URL, KOPROGO_ORG_ID)\n';

function fail(message: string): never {
  process.stderr.write(`koprogo-mcp: ${message}\n${USAGE}`);
  process.exit(2);
}

let values: { url?: string; org?: string; token?: string; help?: boolean };
try {
  ({ values } = parseArgs({ options: { url: { type: 'string' }, org: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const baseUrl = values.url ?? process.env.KOPROGO_URL;
const token = values.token ?? process.env.KOPROGO_API_TOKEN;
const org = values.org ?? process.env.KOPROGO_ORG_ID;
if (!baseUrl || !/^https?:\/\//.test(baseUrl)) fail('--url must be the instance URL (http:// or https://)');
if (!token) fail('no API token: set KOPROGO_API_TOKEN (or pass --token)');
if (org !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(org)) fail('--org must be an organization id (a UUID)');

const server = createKoprogoMcpServer({ api: createApiClient({ baseUrl, token }), defaultOrgId: org });
await server.connect(new StdioServerTransport());
process.stderr.write(`koprogo-mcp: serving ${baseUrl} over stdio\n`);
