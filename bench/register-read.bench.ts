// GET a building's register (100 lots with their holders) under load, side by side with a bare
// Fastify route running `select 1` on the same postgres.js pool, plus the idle RSS of a started instance.
import Fastify from 'fastify';
import { pino } from 'pino';
import { loadConfig } from '../instance/src/config.ts';
import { loadInstanceSecrets } from '../instance/src/modules/auth/auth.secrets.ts';
import { toHolderDto } from '../instance/src/modules/holdings/holdings.routes.ts';
import { readRegister } from '../instance/src/modules/holdings/holdings.service.ts';
import { systemClock } from '../instance/src/platform/clock.ts';
import { connect } from '../instance/src/platform/db.ts';
import type { Deps } from '../instance/src/platform/deps.ts';
import { migrate } from '../instance/src/platform/migrate.ts';
import { buildServer } from '../instance/src/server.ts';
import { createActor, createOrganization } from '../instance/test/support/actors.ts';
import { cpuSnapshot, type CpuPerRequest } from './lib/cpu.ts';
import { openBenchDatabase } from './lib/database.ts';
import { measureIdleRss } from './lib/idle-rss.ts';
import { loadFailures, warmThenMeasure, type LoadSummary } from './lib/load.ts';
import { runPaced, type PacedSummary } from './lib/paced.ts';
import { assertRegister, createRegisterFixture } from './lib/register-fixture.ts';
import type { BenchContext, BenchModule, Metric } from './lib/report.ts';

export const title = "GET a building's register (100 lots with holders) vs a bare `select 1` route";

const CONNECTIONS = 10;
const WARMUP_SEC = 3;
const MEASURE_SEC = 10;
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 5;
const TARGET_RSS_BYTES = 150e6;

/** The instance exactly as `buildServer` assembles it, on its own pool, listening on a loopback port. */
async function startInstanceServer(ctx: BenchContext, url: string) {
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: url, LOG_LEVEL: 'silent' }, { stdoutIsTty: false });
  const sql = connect(url, config.dbPoolMax);
  ctx.cleanup.defer('close the pool', () => sql.end({ timeout: 5 }));
  await migrate(sql);
  const deps: Deps = {
    sql, boss: null, clock: systemClock, testClock: null, config, logger: pino({ level: 'silent' }),
    secrets: await loadInstanceSecrets(sql, config), version: 'bench',
  };
  const app = await buildServer(deps);
  ctx.cleanup.defer('close the instance server', () => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { deps, app, base: `http://127.0.0.1:${port}` };
}

/**
 * The baseline: plain fastify(), no auth, no logging, no schema, on the very same pool. /bare runs
 * `select 1`; /bare-register calls the register's service directly (same SQL and mapping as the
 * route, without authentication and the zod response schema), to tell the SQL from the layers above it.
 */
async function startBareServer(ctx: BenchContext, deps: Deps, orgId: string, buildingId: string) {
  const bare = Fastify();
  bare.get('/bare', async () => {
    const [row] = await deps.sql<{ one: number }[]>`select 1 as one`;
    return row;
  });
  bare.get('/bare-register', async () => {
    const r = await readRegister(deps, { organizationId: orgId, actorUserId: null, requestId: null }, buildingId, { limit: 100 });
    return { ...r, items: r.items.map((lot) => ({ ...lot, holders: lot.holders.map(toHolderDto) })) };
  });
  ctx.cleanup.defer('close the bare server', () => bare.close());
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const { port } = bare.server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

const ms = (n: number) => `${n} ms`;
const rps = (n: number) => `${n.toLocaleString('en-US')} req/s`;
const cpu = (c: CpuPerRequest | null) => (c ? `${c.serverMs} ms / ${c.postgresMs === null ? 'n/a' : `${c.postgresMs} ms`}` : 'n/a');
const mb = (mib: number) => `${(mib * 2 ** 20 / 1e6).toFixed(1)} MB (${mib} MiB)`;

export const run: BenchModule['run'] = async (ctx) => {
  ctx.progress('idle RSS of a started instance (`koprogo start` on a fresh data dir)');
  const rss = await measureIdleRss(ctx.cleanup);

  ctx.progress('database, migrations, servers');
  const db = await openBenchDatabase(ctx.cleanup, 'register-read');
  const { deps, app, base } = await startInstanceServer(ctx, db.url);

  ctx.progress('seeding 1 building, 100 lots, their holders (through the HTTP API)');
  const org = await createOrganization(deps, 'Bench syndic office');
  const syndic = await createActor(deps, { organizationId: org.id, grants: [{ role: 'syndic' }] });
  const fixture = await createRegisterFixture(app, org.id, syndic.headers);
  const registerUrl = `${base}/api/v1/orgs/${org.id}/buildings/${fixture.buildingId}/register?limit=100`;
  // Steady state: autovacuum would analyze these tables within a minute of the import.
  await deps.sql`analyze buildings, lots, persons, holdings`;
  const { bytes } = await assertRegister(registerUrl, syndic.headers, fixture);
  const bareBase = await startBareServer(ctx, deps, org.id, fixture.buildingId);

  const load = { connections: CONNECTIONS, durationSec: MEASURE_SEC };
  const probe = () => cpuSnapshot(deps.sql);
  ctx.progress(`bare route: ${WARMUP_SEC} s warm-up + ${MEASURE_SEC} s`);
  const bareRun = await warmThenMeasure({ ...load, url: `${bareBase}/bare` }, WARMUP_SEC, probe);
  ctx.progress(`bare route + register service (no auth, no zod): ${WARMUP_SEC} s warm-up + ${MEASURE_SEC} s`);
  const bareRegRun = await warmThenMeasure({ ...load, url: `${bareBase}/bare-register` }, WARMUP_SEC, probe);
  ctx.progress(`register route: ${WARMUP_SEC} s warm-up + ${MEASURE_SEC} s`);
  const regRun = await warmThenMeasure({ ...load, url: registerUrl, headers: syndic.headers }, WARMUP_SEC, probe);
  const halfRate = Math.max(1, Math.floor(bareRun.measured.rps / 2));
  // What the issue's latency target means for a route that cannot reach the bare rate: its own half load.
  const ownHalf = Math.max(1, Math.floor(regRun.measured.rps / 2));
  ctx.progress(`register route at ${ownHalf} req/s (half its own maximum): ${MEASURE_SEC} s`);
  const regOwnHalf = await runPaced({ url: registerUrl, headers: syndic.headers, rate: ownHalf, durationSec: MEASURE_SEC });
  // Last: when the route cannot keep up, requests it already accepted are still served after this run.
  ctx.progress(`register route at ${halfRate} req/s (half the bare maximum): ${MEASURE_SEC} s`);
  const regHalf = await runPaced({ url: registerUrl, headers: syndic.headers, rate: halfRate, durationSec: MEASURE_SEC });

  const bareMax = bareRun.measured;
  const regMax = regRun.measured;
  const ratio = regMax.rps / bareMax.rps;
  const keptUp = regHalf.achievedRps >= halfRate * 0.95;
  const metrics: Metric[] = [
    { label: 'Bare `select 1`: throughput', value: rps(bareMax.rps) },
    { label: 'Bare `select 1`: P50 / P99', value: `${ms(bareMax.latency.p50)} / ${ms(bareMax.latency.p99)}` },
    { label: 'Bare `select 1`: CPU per request (server thread / PostgreSQL)', value: cpu(bareMax.cpu) },
    { label: 'Bare + register service (no auth, no zod): throughput', value: rps(bareRegRun.measured.rps) },
    { label: 'Bare + register service: P50 / P99', value: `${ms(bareRegRun.measured.latency.p50)} / ${ms(bareRegRun.measured.latency.p99)}` },
    { label: 'Bare + register service: CPU per request (server / PostgreSQL)', value: cpu(bareRegRun.measured.cpu) },
    { label: 'Register (100 lots): throughput', value: rps(regMax.rps) },
    { label: 'Register (100 lots): P50 / P99', value: `${ms(regMax.latency.p50)} / ${ms(regMax.latency.p99)}` },
    { label: 'Register: CPU per request (server thread / PostgreSQL)', value: cpu(regMax.cpu) },
    { label: 'Ratio register ÷ bare (throughput)', value: `${(ratio * 100).toFixed(1)} %`, target: `≥ ${TARGET_RATIO * 100} %`, pass: ratio >= TARGET_RATIO },
    { label: `Register at ${rps(halfRate)} (half the bare max): achieved`, value: rps(regHalf.achievedRps) },
    { label: 'Register at half the bare max: P50 / P99', value: `${ms(regHalf.latency.p50)} / ${ms(regHalf.latency.p99)}`,
      target: `P99 < ${TARGET_P99_MS} ms`, pass: regHalf.latency.p99 < TARGET_P99_MS && keptUp },
    { label: 'Ratio register ÷ bare + register service (the cost of auth, zod and Fastify)', value: `${(regMax.rps / bareRegRun.measured.rps * 100).toFixed(1)} %` },
    { label: `Register at ${rps(ownHalf)} (half its own max): achieved`, value: rps(regOwnHalf.achievedRps) },
    { label: `Register at half its own max: P50 / P99`, value: `${ms(regOwnHalf.latency.p50)} / ${ms(regOwnHalf.latency.p99)}` },
    { label: 'Idle RSS after start (Node process only)', value: mb(rss.rssMiB), target: '< 150 MB', pass: rss.rssMiB * 2 ** 20 < TARGET_RSS_BYTES },
  ];
  const notes = [
    `Loopback only. The servers, PostgreSQL and the load generator (autocannon in a worker thread of the bench process) share the same ${ctx.machine.cores} cores: absolute figures understate a dedicated server; the ratios are what compare.`,
    `All routes run in the bench process on one postgres.js pool (max ${deps.config.dbPoolMax} connections). The instance logs nothing (silent pino); the bare routes are a plain fastify() without auth, schema or logging.`,
    `A register request verifies the bearer JWT, loads the session and grants (1 query), reads the register (1 statement returning one row per lot and holder, grouped in JS), maps the parts and validates ${(bytes / 1024).toFixed(1)} KiB of response through the zod schema. "Bare + register service" runs the same service and mapping without auth and zod: it separates the SQL from the layers above it.`,
    `Fixture: 1 building of 10,000 shares, ${fixture.lots} lots, ${fixture.holdings} holdings (co-owned 1/2 + 1/2, usufruct + bare ownership), ${fixture.persons} persons, created through the API, ANALYZEd, and asserted before measuring.`,
    `CPU per request: CPU time of the bench's main thread (both servers; autocannon excluded) and of this database's PostgreSQL backends (/proc), divided by the completed requests of the measured run.`,
    `Maximum-throughput latencies are autocannon's (closed loop, ${CONNECTIONS} connections), floored to whole milliseconds. The fixed-rate runs are open loop (bench/lib/paced.ts, in a worker thread): requests evenly spaced at the rate, each latency counted from the moment the request was due, so queueing behind a slow answer counts.`,
    ...(keptUp ? [] : [`At half the bare maximum the register route did not keep up (${rps(regHalf.achievedRps)} of ${rps(halfRate)}): it ran saturated, and the P99 target counts as missed.`]),
    `Idle RSS: VmRSS of the \`node instance/src/cli.ts start\` process on a fresh data dir (${(rss.startMs / 1000).toFixed(1)} s to GET /ready = 200, embedded PostgreSQL initdb included, then ${rss.idleMs / 1000} s idle; peak during start-up ${rss.peakMiB} MiB). PostgreSQL runs in separate processes and is not counted.`,
  ];
  const paced: Array<[string, PacedSummary]> = [['register at half the bare rate', regHalf], ['register at half its own rate', regOwnHalf]];
  const runs: Array<[string, LoadSummary]> = [
    ['bare warm-up', bareRun.warmup], ['bare', bareMax], ['bare-register warm-up', bareRegRun.warmup], ['bare-register', bareRegRun.measured],
    ['register warm-up', regRun.warmup], ['register', regMax],
  ];
  return {
    context: {
      PostgreSQL: `${db.version} (${db.origin})`,
      Load: `autocannon, ${CONNECTIONS} connections, ${WARMUP_SEC} s warm-up then ${MEASURE_SEC} s per route, loopback`,
    },
    metrics,
    notes,
    failures: [...runs.flatMap(([label, s]) => loadFailures(label, s)),
      ...paced.filter(([, s]) => s.errors || s.non2xx).map(([label, s]) => `${label}: ${s.errors} error(s), ${s.non2xx} non-2xx`)],
    data: {
      postgres: db.version, fixture, responseBytes: bytes, halfRate, ratio, rss,
      runs: Object.fromEntries([...runs, ...paced].map(([label, s]) => [label, s])),
    },
  };
};
