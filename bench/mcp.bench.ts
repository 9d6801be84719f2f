// The MCP tools' cost over the plain REST API: the same read (a building's overdue list) as a REST
// GET, as an MCP tool call over Streamable HTTP (/mcp, stateless: a fresh MCP server per request, the
// tool calling the instance in process), and over stdio (koprogo-mcp, calling the instance over HTTP).
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { seedDemo } from '../instance/src/modules/demo/seed-demo.ts';
import { createActor, createOrganization } from '../instance/test/support/actors.ts';
import { startBenchInstance } from './lib/instance.ts';
import type { BenchModule } from './lib/report.ts';

export const title = 'MCP tool call vs the same REST read (owners in arrears of a building)';

const WARMUP = 30;
const CALLS = 300;
const TARGET_HTTP_OVERHEAD_P50_MS = 10;

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]!; };

async function timed(fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await fn();
    out.push(performance.now() - started);
  }
  return out;
}

export const run: BenchModule['run'] = async (ctx) => {
  ctx.progress('database, migrations and demo data');
  const { db, deps, app, base } = await startBenchInstance(ctx.cleanup, 'mcp');
  const { sql } = deps;
  const org = await createOrganization(deps, 'Bench MCP');
  const admin = await createActor(deps, { organizationId: org.id, grants: [{ role: 'admin' }] });
  await seedDemo(deps, { organizationId: org.id, actorUserId: admin.userId });
  const [b] = await sql<{ id: string }[]>`select id from buildings where organization_id = ${org.id} order by name limit 1`;
  const token = (await app.inject({ method: 'POST', url: `/api/v1/orgs/${org.id}/api-tokens`, headers: admin.headers,
    payload: { name: 'bench', scopes: ['read'] } })).json().token as string;
  const failures: string[] = [];

  ctx.progress(`REST: ${CALLS} GETs`);
  const restUrl = `${base}/api/v1/orgs/${org.id}/buildings/${b!.id}/receivables/overdue`;
  const rest = await timed(async () => {
    const res = await fetch(restUrl, { headers: { authorization: `Bearer ${token}` } });
    await res.text();
    if (res.status !== 200) failures.push(`REST answered ${res.status}`);
  });

  const toolCall = (client: Client) => async () => {
    const r = await client.callTool({ name: 'owners_in_arrears', arguments: { buildingId: b!.id } });
    if (r.isError) failures.push(`tool error: ${JSON.stringify(r.content).slice(0, 200)}`);
  };
  ctx.progress(`MCP over Streamable HTTP: ${CALLS} tool calls`);
  const http = new Client({ name: 'bench', version: '1' });
  await http.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  ctx.cleanup.defer('close the HTTP MCP client', () => http.close());
  const overHttp = await timed(toolCall(http));

  ctx.progress(`MCP over stdio (koprogo-mcp → HTTP): ${CALLS} tool calls`);
  const stdio = new Client({ name: 'bench', version: '1' });
  await stdio.connect(new StdioClientTransport({ command: process.execPath,
    args: [fileURLToPath(new URL('../mcp-tools/src/stdio.ts', import.meta.url)), '--url', base, '--org', org.id],
    env: { KOPROGO_API_TOKEN: token, PATH: process.env.PATH ?? '' }, stderr: 'ignore' }));
  ctx.cleanup.defer('stop koprogo-mcp', () => stdio.close());
  const overStdio = await timed(toolCall(stdio));

  const overhead = pct(overHttp, 0.5) - pct(rest, 0.5);
  const row = (label: string, xs: number[]) => ({ label, value: `p50 ${pct(xs, 0.5).toFixed(2)} ms, p95 ${pct(xs, 0.95).toFixed(2)} ms` });
  return {
    context: { PostgreSQL: db.version, Database: db.origin, Calls: `${CALLS} sequential calls after ${WARMUP} warm-up, one client, loopback` },
    metrics: [
      row('REST GET …/receivables/overdue', rest),
      row('MCP tools/call over /mcp (Streamable HTTP, stateless)', overHttp),
      row('MCP tools/call over stdio (koprogo-mcp, then REST)', overStdio),
      { label: 'MCP over HTTP: p50 overhead on REST', value: `${overhead.toFixed(2)} ms`, target: `< ${TARGET_HTTP_OVERHEAD_P50_MS} ms`,
        pass: overhead < TARGET_HTTP_OVERHEAD_P50_MS },
    ],
    notes: ['Stateless /mcp builds an MCP server and transport per request and calls the route in process (app.inject).'],
    failures: [...new Set(failures)],
    data: { rest: { p50: pct(rest, 0.5), p95: pct(rest, 0.95) }, http: { p50: pct(overHttp, 0.5), p95: pct(overHttp, 0.95) },
      stdio: { p50: pct(overStdio, 0.5), p95: pct(overStdio, 0.95) } },
  };
};
