import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, startInstanceProcess, type InstanceProcess } from './support/instance-process.ts';

/**
 * docs/mcp.md's desktop-client configurations, used as written (paths, URL, organization and token
 * substituted) against a real `koprogo start` process: an MCP client over HTTP (/mcp) and over stdio
 * (koprogo-mcp spawned from the config), with an API token made through the public API.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'koprogo-mcp-e2e-'));
let inst: InstanceProcess | null = null;
const clients: Client[] = [];
afterAll(async () => {
  for (const c of clients) await c.close();
  inst?.child.kill('SIGTERM');
  await inst?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

type ServerConfig = { type?: string; url?: string; headers?: Record<string, string>; command?: string; args?: string[]; env?: Record<string, string> };
function docConfigs(): ServerConfig[] {
  const text = readFileSync(join(repoRoot, 'docs/mcp.md'), 'utf8');
  return [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => (JSON.parse(m[1]!) as { mcpServers: { koprogo: ServerConfig } }).mcpServers.koprogo);
}

async function json(res: Response, status: number) {
  const body = await res.text();
  expect(res.status, body).toBe(status);
  return JSON.parse(body);
}

describe('MCP from a desktop client, as docs/mcp.md says', () => {
  it('connects over HTTP and over stdio with an API token, and sees only its organization', async () => {
    inst = await startInstanceProcess({ KOPROGO_DATA_DIR: dataDir, KOPROGO_PG_PORT: '0' });
    const printed = /curl -X POST (\S+) -H 'content-type: application\/json' \\\n\s+-d '([^']+)'/.exec(inst.stdout());
    await json(await fetch(printed![1]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: printed![2]! }), 201);
    const api = `${inst.url}/api/v1`;
    const post = async (path: string, body: object, token?: string, status = 201) => json(await fetch(`${api}${path}`, { method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }), status);
    const { accessToken } = await post('/auth/login', { email: 'you@example.org', password: 'choose-a-long-password' }, undefined, 200);
    const org = await post('/organizations', { name: 'Syndic MCP', kind: 'syndic_office', adminEmail: 'you@example.org' }, accessToken);
    const other = await post('/organizations', { name: 'Syndic Other', kind: 'syndic_office', adminEmail: 'you@example.org' }, accessToken);
    const building = await post(`/orgs/${org.id}/buildings`, { name: 'Résidence MCP', address: { street: 'Rue 1', postalCode: '1000', city: 'Bruxelles' },
      totalShares: 1000, language: 'fr' }, accessToken);
    await post(`/orgs/${other.id}/buildings`, { name: 'Elsewhere', address: { street: 'Rue 2', postalCode: '1000', city: 'Bruxelles' },
      totalShares: 1000, language: 'fr' }, accessToken);
    // The token as docs/mcp.md creates it.
    const { token } = await post(`/orgs/${org.id}/api-tokens`, { name: 'Claude Desktop', scopes: ['read', 'write'] }, accessToken);

    const [httpConfig, stdioConfig] = docConfigs();
    expect(httpConfig!.url).toBe('https://koprogo.example.be/mcp');
    const http = new Client({ name: 'e2e-http', version: '1' });
    await http.connect(new StreamableHTTPClientTransport(new URL(httpConfig!.url!.replace('https://koprogo.example.be', inst.url)), {
      requestInit: { headers: Object.fromEntries(Object.entries(httpConfig!.headers!).map(([k, v]) => [k, v.replace(/kpg_X+/, token)])) } }));
    clients.push(http);

    const sub = (s: string) => s.replace('/path/to/koprogo/', repoRoot).replace('https://koprogo.example.be', inst!.url)
      .replace('7f0c2a5e-0000-4000-8000-000000000000', org.id).replace(/kpg_X+/, token);
    const stdio = new Client({ name: 'e2e-stdio', version: '1' });
    await stdio.connect(new StdioClientTransport({ command: sub(stdioConfig!.command!), args: stdioConfig!.args!.map(sub),
      env: { ...Object.fromEntries(Object.entries(stdioConfig!.env!).map(([k, v]) => [k, sub(v)])), PATH: process.env.PATH ?? '' }, stderr: 'pipe' }));
    clients.push(stdio);

    for (const client of [http, stdio]) {
      const listed = await client.callTool({ name: 'list_buildings', arguments: {} }) as CallToolResult;
      expect(listed.isError, JSON.stringify(listed.content)).toBeFalsy();
      expect((listed.structuredContent as { items: { id: string }[] }).items.map((b) => b.id)).toEqual([building.id]);
      const foreign = await client.callTool({ name: 'list_buildings', arguments: { orgId: other.id } }) as CallToolResult;
      expect(foreign.isError).toBe(true);
      expect(JSON.stringify(foreign.content)).toContain('organization.not_found');
      const arrears = await client.callTool({ name: 'owners_in_arrears', arguments: { buildingId: building.id } }) as CallToolResult;
      expect(arrears.structuredContent).toMatchObject({ buildingId: building.id, items: [] });
    }

    // The instance administrator's ledger routes answer on the real process (migration 0014 applied).
    const report = await json(await fetch(`${api}/grid/revenue/periods/2026-01`, { headers: { authorization: `Bearer ${accessToken}` } }), 200);
    expect(report).toMatchObject({ status: 'open', revenueCents: 0, nodes: [] });
  });
});
