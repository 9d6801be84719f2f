// The safety-net re-check of live-event sockets (notifications/events.revocations.ts): every open
// socket re-reads its session and grants every 60 s, all at once. What does one round cost?
import { performance } from 'node:perf_hooks';
import { connect } from '../instance/src/platform/db.ts';
import { migrate } from '../instance/src/platform/migrate.ts';
import { loadSessionUser } from '../instance/src/modules/access/access.repo.ts';
import { RECHECK_CONCURRENCY, SOCKET_RECHECK_MS } from '../instance/src/modules/notifications/events.revocations.ts';
import { openBenchDatabase } from './lib/database.ts';
import type { BenchModule, Metric } from './lib/report.ts';

export const title = 'Live sockets: one safety-net re-check round (session + grants of every open socket)';

const SOCKETS = 5000;
const ORGS = 20;
const OTHER_USERS = 20_000; // sessions and grants that are not watched: the indexes have something to skip
const ROUNDS = 10;
const POOL = 10; // DB_POOL_MAX default (the round uses RECHECK_CONCURRENCY of them)
const TARGET_MS = 10_000; // a round ends well within its 60-s period, on RECHECK_CONCURRENCY connections of the pool

export const run: BenchModule['run'] = async (ctx) => {
  ctx.progress('database and migrations');
  const db = await openBenchDatabase(ctx.cleanup, 'socket-recheck');
  const sql = connect(db.url, POOL);
  ctx.cleanup.defer('close the pool', () => sql.end({ timeout: 5 }));
  await migrate(sql);
  ctx.progress(`seeding ${ORGS} organizations, ${SOCKETS + OTHER_USERS} users with a session and a grant each`);
  const at = new Date('2025-01-01T00:00:00Z');
  const orgs = await sql<{ id: string }[]>`insert into organizations ${sql(Array.from({ length: ORGS }, (_, i) => ({
    name: `Bench ${i}`, kind: 'syndic_office', created_at: at })))} returning id`;
  const total = SOCKETS + OTHER_USERS;
  const watched: Array<{ sessionId: string; userId: string; orgId: string }> = [];
  for (let start = 0; start < total; start += 5000) {
    const n = Math.min(5000, total - start);
    const users = await sql<{ id: string }[]>`insert into users ${sql(Array.from({ length: n }, (_, i) => ({
      email: `u${start + i}@bench.test`, display_name: `U${start + i}`, password_hash: 'x', is_instance_admin: false, created_at: at,
      password_changed_at: at })))} returning id`;
    const sessions = await sql<{ id: string }[]>`insert into sessions ${sql(users.map((u) => ({ user_id: u.id, created_at: at })))} returning id`;
    await sql`insert into role_grants ${sql(users.map((u, i) => ({ organization_id: orgs[(start + i) % ORGS]!.id, user_id: u.id, role: 'owner',
      granted_at: at })))}`;
    users.forEach((u, i) => { if (start + i < SOCKETS) watched.push({ sessionId: sessions[i]!.id, userId: u.id, orgId: orgs[(start + i) % ORGS]!.id }); });
  }
  await sql`analyze users, sessions, role_grants`;

  // As RevocationWatch runs it: RECHECK_CONCURRENCY lanes, each re-checking one socket after the other.
  const round = async () => {
    const t = performance.now();
    const queue = [...watched];
    let bad = 0;
    const lane = async () => {
      for (let w = queue.shift(); w; w = queue.shift()) {
        const r = await loadSessionUser(sql, w.sessionId, w.userId, w.orgId);
        if (!r || !r.active || r.grants.length !== 1) bad++;
      }
    };
    await Promise.all(Array.from({ length: RECHECK_CONCURRENCY }, lane));
    if (bad) throw new Error(`${bad} watched sockets did not pass their re-check`);
    return performance.now() - t;
  };
  ctx.progress(`2 warm-up rounds + ${ROUNDS} rounds of ${SOCKETS} re-checks, ${RECHECK_CONCURRENCY} at a time`);
  await round();
  await round();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) times.push(await round());
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const max = sorted[sorted.length - 1]!;
  const metrics: Metric[] = [
    { label: `One round, ${SOCKETS} sockets, ${RECHECK_CONCURRENCY} re-checks at a time: median / max`, value: `${median.toFixed(0)} ms / ${max.toFixed(0)} ms`,
      target: `max < ${TARGET_MS} ms`, pass: max < TARGET_MS },
    { label: 'Per socket (median round / sockets)', value: `${((median / SOCKETS) * 1000).toFixed(0)} µs` },
    { label: `Round time / period (${SOCKET_RECHECK_MS / 1000} s): share of time ${RECHECK_CONCURRENCY} of the ${POOL} pool connections are busy with it`, value: `${((median / SOCKET_RECHECK_MS) * 100).toFixed(1)} %` },
  ];
  return {
    context: { PostgreSQL: `${db.version} (${db.origin})`, Runs: `${ROUNDS} rounds after 2 warm-up rounds` },
    metrics,
    notes: [
      `Fixture: ${ORGS} organizations, ${total} users, each with one live session and one owner grant; ${SOCKETS} of them watched (one open socket each).`,
      'A round is what RevocationWatch does every 60 s and when its LISTEN connection comes back: loadSessionUser (the same query as every org request\'s authentication) for every open socket, at most RECHECK_CONCURRENCY at a time so requests never queue behind a round.',
      'The revocation itself does not wait for a round: the NOTIFY from migration 0010\'s triggers makes the matching sockets re-check at once (int tests: logout, refresh reuse, password change, last grant removed).',
    ],
    failures: [],
    data: { times, sockets: SOCKETS, pool: POOL },
  };
};
