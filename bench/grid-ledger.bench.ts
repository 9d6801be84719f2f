// The grid's revenue-share ledger: crediting approved jobs (recordWork, one transaction each) and
// the monthly close of a busy period: 200 nodes, 20,000 credited jobs, hash-chained lines.
import { randomBytes, randomUUID } from 'node:crypto';
import { recordWork, closePeriod, verifyChain } from '../instance/src/modules/grid/ledger.service.ts';
import { insertOrganization } from '../instance/src/modules/organizations/organizations.repo.ts';
import { TestClock } from '../instance/src/platform/clock.ts';
import { connect } from '../instance/src/platform/db.ts';
import { migrate } from '../instance/src/platform/migrate.ts';
import { openBenchDatabase } from './lib/database.ts';
import type { BenchModule } from './lib/report.ts';

export const title = 'Grid revenue ledger: crediting approved jobs, and closing a month of 200 nodes × 20,000 jobs';

const NODES = 200;
const JOBS = 20_000;
const TIMED_RECORDS = 2_000;
const TARGET_CLOSE_MS = 2_000;
const TARGET_RECORD_P95_MS = 10;
const at = new Date('2026-10-15T10:00:00Z');

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]!; };

export const run: BenchModule['run'] = async (ctx) => {
  ctx.progress('database and migrations');
  const db = await openBenchDatabase(ctx.cleanup, 'grid-ledger');
  const sql = connect(db.url, 5);
  ctx.cleanup.defer('close the pool', () => sql.end({ timeout: 5 }));
  await migrate(sql);
  const org = await insertOrganization(sql, 'Bench grid', 'syndic_office', at);
  const [b] = await sql<{ id: string }[]>`insert into buildings (organization_id, name, street, postal_code, city, total_shares, language, created_at, updated_at)
    values (${org.id}, 'Bench', 'Rue 1', '1000', 'Bruxelles', 1000, 'fr', ${at}, ${at}) returning id`;

  ctx.progress(`${NODES} nodes, ${JOBS} approved drafts`);
  const peers: string[] = [];
  for (let i = 0; i < NODES; i++) {
    const peerId = `12D3KooW${randomBytes(16).toString('hex').replace(/0/g, 'x')}`;
    const [t] = await sql<{ id: string }[]>`insert into grid_enrolment_tokens (token_hash, created_at, expires_at, used_at, used_by_peer_id)
      values (${randomBytes(32).toString('hex')}, ${at}, ${at}, ${at}, ${peerId}) returning id`;
    await sql`insert into grid_nodes (peer_id, enrolment_token_id, terms_version, consent_at, enrolled_at) values (${peerId}, ${t!.id}, 'bench', ${at}, ${at})`;
    peers.push(peerId);
  }
  const drafts = Array.from({ length: JOBS }, () => randomUUID());
  for (let i = 0; i < JOBS; i += 1000) {
    await sql`insert into grid_drafts ${sql(drafts.slice(i, i + 1000).map((id) => ({
      id, organization_id: org.id, building_id: b!.id, document_type: 'convocation', locale: 'fr', tone: 'neutral', template_version: 'bench',
      status: 'approved', approved_at: at, created_at: at, updated_at: at,
    })))}`;
  }
  await sql`insert into grid_prices (per_draft_cents, per_thousand_tokens_cents, set_at) values (2, 1, ${at})`;

  // Units skewed like real fleets: a few fast nodes do most of the work.
  const unitsOf = (i: number) => 200 + ((i * 7919) % 900);
  const peerOf = (i: number) => peers[Math.floor(NODES * ((i * 2654435761) % 4294967296 / 4294967296) ** 2)]!;
  const clock = new TestClock();
  clock.set(at, { frozen: true });
  ctx.progress(`recordWork: ${TIMED_RECORDS} timed, one transaction each`);
  const recordMs: number[] = [];
  for (let i = 0; i < TIMED_RECORDS; i++) {
    const started = performance.now();
    await sql.begin((tx) => recordWork(tx, { peerId: peerOf(i), jobId: drafts[i]!, units: unitsOf(i), tokensIn: 350, tokensOut: 200 + (i % 50) }, clock));
    recordMs.push(performance.now() - started);
  }
  ctx.progress(`the other ${JOBS - TIMED_RECORDS} jobs in bulk`);
  const rest = drafts.slice(TIMED_RECORDS).map((jobId, k) => {
    const i = k + TIMED_RECORDS;
    return { period: '2026-10', peer_id: peerOf(i), job_id: jobId, units: unitsOf(i), tokens_in: 350, tokens_out: 200 + (i % 50),
      price_cents: 2 + Math.floor((550 + (i % 50)) / 1000), recorded_at: at };
  });
  for (let i = 0; i < rest.length; i += 2000) await sql`insert into grid_work ${sql(rest.slice(i, i + 2000))}`;
  await sql`analyze`;

  clock.set(new Date('2026-11-01T03:15:00Z'), { frozen: true });
  const started = performance.now();
  const { close } = await closePeriod({ sql, clock }, { period: '2026-10', by: null });
  const closeMs = performance.now() - started;
  const verifyStarted = performance.now();
  const chain = await verifyChain({ sql });
  const verifyMs = performance.now() - verifyStarted;

  const failures: string[] = [];
  const [sums] = await sql<{ dev: number; sol: number; n: number }[]>`select sum(cents) filter (where pool = 'dev')::bigint as dev,
    sum(cents) filter (where pool = 'sol')::bigint as sol, count(distinct peer_id)::int as n from grid_ledger where period = '2026-10'`;
  const [r] = await sql<{ r: number }[]>`select sum(price_cents)::bigint as r from grid_work where period = '2026-10'`;
  if (sums!.dev !== close.devCents || sums!.sol !== close.solCents || close.revenueCents !== r!.r) failures.push(`ledger does not reconcile: ${JSON.stringify({ sums, close })}`);
  if (!chain.ok) failures.push(`hash chain broken at ${chain.brokenAt}`);

  return {
    context: { PostgreSQL: db.version, Database: db.origin, Fleet: `${NODES} nodes (skewed), ${JOBS} approved jobs in the month` },
    metrics: [
      { label: 'recordWork p50 (one transaction)', value: `${pct(recordMs, 0.5).toFixed(2)} ms` },
      { label: 'recordWork p95', value: `${pct(recordMs, 0.95).toFixed(2)} ms`, target: `< ${TARGET_RECORD_P95_MS} ms`, pass: pct(recordMs, 0.95) < TARGET_RECORD_P95_MS },
      { label: `close of the month (${sums!.n} nodes, ${sums!.n * 2} chained lines)`, value: `${Math.round(closeMs)} ms`, target: `< ${TARGET_CLOSE_MS} ms`, pass: closeMs < TARGET_CLOSE_MS },
      { label: 'verify the whole hash chain', value: `${Math.round(verifyMs)} ms` },
      { label: 'R / dev / sol (cents)', value: `${close.revenueCents} / ${close.devCents} / ${close.solCents}` },
    ],
    notes: ['The close runs in one transaction: split in BigInt, one INSERT per ledger line, invariants re-read from the table.'],
    failures,
    data: { recordMs: { p50: pct(recordMs, 0.5), p95: pct(recordMs, 0.95) }, closeMs, verifyMs, close },
  };
};
