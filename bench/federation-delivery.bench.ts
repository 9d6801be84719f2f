// End-to-end delivery latency between two real instances on loopback: from the commit of an
// outbox row on the sender to its delivery recorded as done (the receiver verified, stored and
// queued it, and its signed receipt was verified by the sender).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { FED_CONTEXT } from '../protocols/src/index.ts';
import { loadConfig } from '../instance/src/config.ts';
import { loadInstanceSecrets } from '../instance/src/modules/auth/auth.secrets.ts';
import { instanceDocument, originFor } from '../instance/src/modules/federation/federation.identity.ts';
import { dispatchNow, enqueueActivity, newActivityId } from '../instance/src/modules/federation/federation.outbox.ts';
import { addPeer } from '../instance/src/modules/federation/federation.peers.ts';
import { registerJobs } from '../instance/src/modules/jobs.ts';
import { systemClock } from '../instance/src/platform/clock.ts';
import { connect } from '../instance/src/platform/db.ts';
import type { Deps } from '../instance/src/platform/deps.ts';
import { migrate } from '../instance/src/platform/migrate.ts';
import { startQueue } from '../instance/src/platform/queue.ts';
import { buildServer } from '../instance/src/server.ts';
import { cpuPerRequest, cpuSnapshot } from './lib/cpu.ts';
import { openBenchDatabase } from './lib/database.ts';
import type { BenchContext, BenchModule, Metric } from './lib/report.ts';
import { pct } from './federation-inbox.bench.ts';
import { freePort } from './lib/idle-rss.ts';

export const title = 'Federation delivery: end-to-end latency between two instances (loopback)';

const MESSAGES = 500;
const WARMUP = 50;
const TARGET_P99_MS = 50;

export async function startInstance(ctx: BenchContext, name: string) {
  const db = await openBenchDatabase(ctx.cleanup, `federation-${name}`);
  const sql = connect(db.url, 10);
  ctx.cleanup.defer(`close pool ${name}`, () => sql.end({ timeout: 5 }));
  await migrate(sql);
  const port = await freePort();
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: db.url, LOG_LEVEL: 'silent', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`,
    FEDERATION_KEY_SECRET: randomBytes(32).toString('hex'), FEDERATION_NAME: name, FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
    FEDERATION_INBOX_RATE_PER_SECOND: '100000', FEDERATION_INBOX_BURST: '1000000' }, { stdoutIsTty: false });
  const boss = await startQueue(db.url, pino({ level: 'silent' }));
  ctx.cleanup.defer(`stop pg-boss ${name}`, () => boss.stop({ graceful: false, close: true }));
  const deps: Deps = { sql, boss, clock: systemClock, testClock: null, config, logger: pino({ level: 'silent' }),
    secrets: await loadInstanceSecrets(sql, config), version: 'bench' };
  await registerJobs(deps);
  const app = await buildServer(deps);
  ctx.cleanup.defer(`close instance ${name}`, () => app.close());
  await app.listen({ host: '127.0.0.1', port });
  return { deps, db, url: `http://127.0.0.1:${port}` };
}

export const run: BenchModule['run'] = async (ctx) => {
  ctx.progress('two instances (each its own embedded PostgreSQL, pg-boss and HTTP port)');
  const a = await startInstance(ctx, 'sender');
  const b = await startInstance(ctx, 'receiver');
  for (const [from, to] of [[a, b], [b, a]] as const) {
    const fp = (await instanceDocument(to.deps)).assertionMethod[0]!.fingerprint;
    await addPeer(from.deps, { url: to.url, fingerprint: fp });
  }
  const o = originFor(a.deps);
  const send = async (i: number) => {
    const id = newActivityId(o);
    const t0 = performance.now();
    await a.deps.sql.begin((tx) => enqueueActivity(tx, a.deps, {
      '@context': [...FED_CONTEXT], id, type: 'Create', actor: o.actorId, published: new Date().toISOString(),
      object: { type: 'copro:StatsBulletin', id: `${id}#b`, period: '2026-10', buildings: 100 + i, lots: 3400, owners: 2900, softwareVersion: 'bench' },
    }));
    const states = await dispatchNow(a.deps, id);
    return { ms: performance.now() - t0, delivered: states.length === 1 && states[0] === 'delivered' };
  };
  ctx.progress(`warm-up: ${WARMUP} messages`);
  for (let i = 0; i < WARMUP; i++) await send(i);
  ctx.progress(`measure: ${MESSAGES} messages, one after the other`);
  const latencies: number[] = [];
  let notDelivered = 0;
  const cpuBefore = [await cpuSnapshot(a.deps.sql), await cpuSnapshot(b.deps.sql)] as const;
  for (let i = 0; i < MESSAGES; i++) {
    const r = await send(i);
    latencies.push(r.ms);
    if (!r.delivered) notDelivered++;
  }
  const cpuA = cpuPerRequest(cpuBefore[0], await cpuSnapshot(a.deps.sql), MESSAGES);
  const cpuB = cpuPerRequest(cpuBefore[1], await cpuSnapshot(b.deps.sql), MESSAGES);
  const [stored] = await b.deps.sql<{ n: number }[]>`select count(*)::int as n from fed_inbox`;
  const [receipts] = await a.deps.sql<{ n: number }[]>`select count(*)::int as n from fed_deliveries where state = 'delivered' and (receipt->>'verified')::boolean`;
  const p99 = pct(latencies, 99);
  const metrics: Metric[] = [
    { label: 'Latency P50 / P90', value: `${pct(latencies, 50).toFixed(1)} ms / ${pct(latencies, 90).toFixed(1)} ms` },
    { label: 'Latency P99', value: `${p99.toFixed(1)} ms`, target: `< ${TARGET_P99_MS} ms`, pass: p99 < TARGET_P99_MS },
    { label: 'CPU per message: both instances (one thread) / sender PostgreSQL / receiver PostgreSQL',
      value: cpuA && cpuB ? `${cpuA.serverMs} ms / ${cpuA.postgresMs ?? 'n/a'} ms / ${cpuB.postgresMs ?? 'n/a'} ms` : 'n/a' },
    { label: 'Max', value: `${Math.max(...latencies).toFixed(1)} ms` },
    { label: 'Stored by the receiver / delivered with a verified receipt', value: `${stored!.n} / ${receipts!.n} (sent ${WARMUP + MESSAGES})` },
  ];
  return {
    context: { PostgreSQL: `${a.db.version} (${a.db.origin}, one server per instance)`, Load: `${MESSAGES} messages one after the other (${WARMUP} warm-up), loopback` },
    metrics,
    notes: [
      'Each message: a transaction writing the outbox row and its fan-out job on the sender; then the post-commit fast path (fan-out transaction, claim, Ed25519 signing at send time, SSRF-checked HTTP POST) to the receiver, whose inbox verifies the signature, the digest, the window and the nonce, stores the activity and its processing job in one transaction and answers 202 with a signed receipt bound to the request; the sender verifies the receipt and records the delivery. The clock stops there.',
      'Both instances run in the bench process with silent logs and NODE_ENV=production, each on its own embedded PostgreSQL with default durability. pg-boss runs too (the fan-out and delivery jobs find the work already done); without the fast path, pickup would wait for pg-boss polling (2 s).',
      'Per-peer inbox rate limits are raised for the bench (default 20/s, burst 100: a sequential sender exceeds them).',
      `The 1-min load average at start is printed above; the ${ctx.machine.cores} cores are shared by both instances, both PostgreSQL servers and anything else running.`,
    ],
    failures: [...(notDelivered ? [`${notDelivered} message(s) not delivered by the fast path`] : []),
      ...(stored!.n === WARMUP + MESSAGES ? [] : [`receiver stored ${stored!.n}, expected ${WARMUP + MESSAGES}`])],
    data: { cpuA, cpuB, p50: pct(latencies, 50), p90: pct(latencies, 90), p99, max: Math.max(...latencies), stored: stored!.n, receipts: receipts!.n },
  };
};
