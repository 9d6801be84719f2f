// Signed activities verified and stored per second by a receiving instance's inbox (POST /fed/inbox):
// the full pipeline (signature parse, allow-list, pinned key, window, digest, Ed25519 verification,
// nonce insert, bounded JSON, zod, dedup insert, pg-boss job in the same transaction, signed receipt).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { generateEd25519, privateKeyFromDer, signRequest } from '../federation/src/index.ts';
import { loadConfig } from '../instance/src/config.ts';
import { loadInstanceSecrets } from '../instance/src/modules/auth/auth.secrets.ts';
import { systemClock } from '../instance/src/platform/clock.ts';
import { connect } from '../instance/src/platform/db.ts';
import type { Deps } from '../instance/src/platform/deps.ts';
import { migrate } from '../instance/src/platform/migrate.ts';
import { startQueue } from '../instance/src/platform/queue.ts';
import { registerJobs } from '../instance/src/modules/jobs.ts';
import { buildServer } from '../instance/src/server.ts';
import { cpuPerRequest, cpuSnapshot } from './lib/cpu.ts';
import { openBenchDatabase } from './lib/database.ts';
import type { BenchModule, Metric } from './lib/report.ts';
import { freePort } from './lib/idle-rss.ts';

export const title = 'Federation inbox: signed activities verified and stored per second';

const SENDER = 'https://sender.bench.example';
const CONCURRENCY = 16;
const WARMUP = 2_000;
const MEASURED = 20_000;
const TARGET_PER_SECOND = 2_000;

interface LoadJob { url: string; keyId: string; privateKeyDer: Buffer; count: number; concurrency: number }
interface LoadResult { accepted: number; other: Record<string, number>; elapsedMs: number; latenciesMs: number[]; signMs: number }

/** The load generator, in a worker thread: pre-signs every request (unique id and nonce), then sends them. */
async function loadWorker(job: LoadJob): Promise<LoadResult> {
  const id = { keyId: job.keyId, privateKey: privateKeyFromDer(Buffer.from(job.privateKeyDer)) };
  const s0 = performance.now();
  const requests: Array<{ body: Buffer; headers: Record<string, string> }> = [];
  for (let i = 0; i < job.count; i++) {
    const aid = `${SENDER}/fed/activities/${randomBytes(12).toString('hex')}`;
    const body = Buffer.from(JSON.stringify({
      '@context': ['https://www.w3.org/ns/activitystreams', 'https://koprogo.org/ns/copro/v1'], id: aid, type: 'Create', actor: `${SENDER}/fed/actor`,
      published: new Date().toISOString(),
      object: { type: 'copro:StatsBulletin', id: `${aid}#b`, period: '2026-10', buildings: 120, lots: 3400, owners: 2900, softwareVersion: '0.1.0' },
    }));
    requests.push({ body, headers: await signRequest({ method: 'POST', url: job.url, headers: {}, body }, id, new Date()) });
  }
  const signMs = performance.now() - s0;
  const latenciesMs: number[] = [];
  const other: Record<string, number> = {};
  let accepted = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: job.concurrency }, async () => {
    while (next < requests.length) {
      const r = requests[next++]!;
      const start = performance.now();
      const res = await fetch(job.url, { method: 'POST', headers: r.headers, body: r.body });
      await res.arrayBuffer();
      latenciesMs.push(performance.now() - start);
      if (res.status === 202) accepted++;
      else other[res.status] = (other[res.status] ?? 0) + 1;
    }
  }));
  return { accepted, other, elapsedMs: performance.now() - t0, latenciesMs, signMs };
}

if (!isMainThread && (workerData as { federationInboxLoad?: LoadJob })?.federationInboxLoad) {
  parentPort!.postMessage(await loadWorker((workerData as { federationInboxLoad: LoadJob }).federationInboxLoad));
}

function runWorker(job: LoadJob): Promise<LoadResult> {
  return new Promise((done, fail) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { federationInboxLoad: job } });
    w.once('message', (m: LoadResult) => { done(m); void w.terminate(); });
    w.once('error', fail);
  });
}

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

export const run: BenchModule['run'] = async (ctx) => {
  ctx.progress('database, migrations, receiving instance');
  const db = await openBenchDatabase(ctx.cleanup, 'federation-inbox');
  const sql = connect(db.url, 10);
  ctx.cleanup.defer('close the pool', () => sql.end({ timeout: 5 }));
  await migrate(sql);
  const boss = await startQueue(db.url, pino({ level: 'silent' }));
  ctx.cleanup.defer('stop pg-boss', () => boss.stop({ graceful: false, close: true }));
  await registerJobs({ sql, boss, clock: systemClock, testClock: null, config: loadConfig({ NODE_ENV: 'production', DATABASE_URL: db.url }), logger: pino({ level: 'silent' }), secrets: { jwtKey: new Uint8Array(32) }, version: 'bench' });
  const probe = connect(db.url, 1);
  ctx.cleanup.defer('close the probe', () => probe.end({ timeout: 1 }));
  // Port first: the instance's public URL (signed @target-uri) names it.
  const port = await freePort();
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: db.url, LOG_LEVEL: 'silent', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`,
    FEDERATION_KEY_SECRET: randomBytes(32).toString('hex'), FEDERATION_INBOX_RATE_PER_SECOND: '100000', FEDERATION_INBOX_BURST: '1000000' }, { stdoutIsTty: false });
  const deps: Deps = { sql, boss, clock: systemClock, testClock: null, config, logger: pino({ level: 'silent' }),
    secrets: await loadInstanceSecrets(sql, config), version: 'bench' };
  const app = await buildServer(deps);
  ctx.cleanup.defer('close the instance', () => app.close());
  await app.listen({ host: '127.0.0.1', port });

  // The sender is allow-listed with its key pinned, as after `koprogo federation add`.
  const pair = generateEd25519();
  const keyId = `${SENDER}/fed/actor#ed25519-bench`;
  const [peer] = await sql<{ id: string }[]>`insert into fed_peers (host, base_url, inbox_url, actor_id, name, country, status, added_at)
    values ('sender.bench.example', ${SENDER}, ${`${SENDER}/fed/inbox`}, ${`${SENDER}/fed/actor`}, 'Bench sender', 'FR', 'allowed', now()) returning id`;
  await sql`insert into fed_peer_keys (key_id, peer_id, public_key, learned, state, valid_from, created_at)
    values (${keyId}, ${peer!.id}, ${pair.publicKeyRaw}, 'pinned', 'active', now(), now())`;
  const job = { url: `http://127.0.0.1:${port}/fed/inbox`, keyId, privateKeyDer: pair.privateKeyDer, concurrency: CONCURRENCY };

  ctx.progress(`warm-up: ${WARMUP} requests`);
  const warm = await runWorker({ ...job, count: WARMUP });
  ctx.progress(`measure: ${MEASURED} requests, ${CONCURRENCY} in flight`);
  const before = await cpuSnapshot(sql);
  const m = await runWorker({ ...job, count: MEASURED });
  const cpu = cpuPerRequest(before, await cpuSnapshot(sql), m.accepted);
  const cpuMs = cpu ? cpu.serverMs + (cpu.postgresMs ?? 0) : null;
  const n = (await probe<{ n: number }[]>`select count(*)::int as n from fed_inbox`)[0]!.n;
  // Processing (the background drain) runs during the load; wait for what is left.
  const t1 = performance.now();
  let processed = 0;
  while (performance.now() - t1 < 120_000) {
    processed = (await probe<{ n: number }[]>`select count(*)::int as n from fed_inbox where state = 'processed'`)[0]!.n;
    if (processed === WARMUP + MEASURED) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const drainTailMs = performance.now() - t1;
  const perSecond = Math.round(m.accepted / (m.elapsedMs / 1000));
  const metrics: Metric[] = [
    { label: 'Accepted (202, stored) per second', value: `${perSecond.toLocaleString('en-US')} /s`, target: `≥ ${TARGET_PER_SECOND.toLocaleString('en-US')} /s`, pass: perSecond >= TARGET_PER_SECOND },
    { label: 'Latency per request P50 / P99', value: `${pct(m.latenciesMs, 50).toFixed(1)} ms / ${pct(m.latenciesMs, 99).toFixed(1)} ms` },
    { label: 'Rows in fed_inbox / processed (statistics upserted)', value: `${n} / ${processed} (expected ${WARMUP + MEASURED}); processing finished ${(drainTailMs / 1000).toFixed(1)} s after the last answer` },
    { label: 'CPU per accepted activity (server thread / PostgreSQL backends)', value: cpu ? `${cpu.serverMs} ms / ${cpu.postgresMs ?? 'n/a'} ms` : 'n/a' },
    { label: 'Derived: activities/s if 2 cores did only this (2,000 ms ÷ CPU per activity)', value: cpuMs ? `${Math.round(2000 / cpuMs).toLocaleString('en-US')} /s` : 'n/a' },
    { label: 'Signing cost (load generator, pre-signed)', value: `${(m.signMs / MEASURED * 1000).toFixed(0)} µs per request` },
  ];
  return {
    context: { PostgreSQL: `${db.version} (${db.origin})`, Load: `${MEASURED} distinct signed activities (${WARMUP} warm-up), ${CONCURRENCY} in flight, fetch in a worker thread, loopback` },
    metrics,
    notes: [
      `Every request is distinct (activity id, nonce, created) and signed with Ed25519 by the bench's sender key, pinned in the receiver's allow-list; bodies are ≈ 0.4 KiB statistics bulletins.`,
      `The receiver runs the real instance (buildServer, NODE_ENV=production, silent logs, pg-boss with every job registered): each accepted activity is one transaction (key lookup, fed_nonces insert, fed_inbox row), then a 202 with a signed receipt; the same process drains received rows in the background (the statistics upsert), so processing shares the CPU during the run.`,
      `The 1-min load average at start is printed above: on a machine shared with other work, throughput is bounded by the CPU this benchmark gets; the CPU per activity (server main thread and PostgreSQL backends, from /proc) and the figure derived from it do not depend on that share, but exclude the kernel's loopback and the WAL writer.`,
      `Requests are pre-signed before the clock starts; the load generator (a worker thread) still shares the ${ctx.machine.cores} cores with the server and PostgreSQL. Per-peer rate limits are raised for the bench (default 20/s, burst 100).`,
    ],
    failures: [...Object.entries({ ...warm.other, ...m.other }).map(([status, count]) => `${count} answer(s) with status ${status}`),
      ...(n === WARMUP + MEASURED ? [] : [`fed_inbox holds ${n} rows, expected ${WARMUP + MEASURED}`]),
      ...(processed === WARMUP + MEASURED ? [] : [`only ${processed} rows processed`])],
    data: { perSecond, cpu, elapsedMs: m.elapsedMs, p50: pct(m.latenciesMs, 50), p99: pct(m.latenciesMs, 99), rows: n, processed, drainTailMs },
  };
};
