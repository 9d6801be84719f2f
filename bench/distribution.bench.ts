// Distribute one expense over a 1,000-lot building: the pure split (lots, then holders) and
// distributeOverKey on PostgreSQL (read the key and the register as of a date, then split), plus,
// for information, a whole approval (distribution + ACH entry + 1,000+ charge allocations).
import { performance } from 'node:perf_hooks';
import { systemClock } from '../instance/src/platform/clock.ts';
import { connect, type Db } from '../instance/src/platform/db.ts';
import { migrate } from '../instance/src/platform/migrate.ts';
import { fraction } from '../instance/src/modules/holdings/fraction.domain.ts';
import { distributeToLotsAndHolders, type KeyLot, type PayingHolder } from '../instance/src/modules/distribution/distribution.domain.ts';
import { distributeOverKey } from '../instance/src/modules/distribution/distribution.service.ts';
import * as expenses from '../instance/src/modules/expenses/expenses.service.ts';
import { openBenchDatabase } from './lib/database.ts';
import type { BenchModule, Metric } from './lib/report.ts';

export const title = 'Distribute one expense over a 1,000-lot building (lots by shares, then holders by parts)';

const LOTS = 1000;
const PURE_RUNS = 2000;
const DB_RUNS = 500;
const APPROVAL_RUNS = 50;
const WARMUP = 50;
const TARGET_MS = 20;
const AMOUNT = 1_234_567; // 12,345.67 €: leaves remainders at both levels

/** Lot i: shares 7–16; every 20th co-owned 1/3 + 2/3, every 50th split usufruct / bare ownership 1/2 + 1/2. */
function plan(i: number) {
  const shares = 7 + (i % 10);
  if (i % 50 === 0) return { shares, holders: [['usufruct', 1, 1], ['bare', 1, 2], ['bare', 1, 2]] as const };
  if (i % 20 === 0) return { shares, holders: [['full', 1, 3], ['full', 2, 3]] as const };
  return { shares, holders: [['full', 1, 1]] as const };
}

async function seed(sql: Db) {
  const at = new Date('2024-01-01T00:00:00Z');
  const [org] = await sql<{ id: string }[]>`insert into organizations (name, kind, created_at) values ('Bench', 'syndic_office', ${at}) returning id`;
  const orgId = org!.id;
  const lots = Array.from({ length: LOTS }, (_, i) => ({ number: String(i + 1).padStart(4, '0'), ...plan(i) }));
  const total = lots.reduce((a, l) => a + l.shares, 0);
  const [b] = await sql<{ id: string }[]>`insert into buildings (organization_id, name, street, postal_code, city, total_shares, language,
      created_at, updated_at) values (${orgId}, 'Bench tower', 'Rue 1', '1000', 'Bruxelles', ${total}, 'fr', ${at}, ${at}) returning id`;
  const buildingId = b!.id;
  const lotRows = await sql<{ id: string; number: string }[]>`insert into lots ${sql(lots.map((l) => ({
    organization_id: orgId, building_id: buildingId, number: l.number, kind: 'apartment', floor: 1, shares: l.shares, created_at: at, updated_at: at,
  })))} returning id, number`;
  const lotId = new Map(lotRows.map((r) => [r.number, r.id]));
  const holdings = lots.flatMap((l) => l.holders.map(([right, num, den], j) => ({ lot: l.number, right, num, den, j })));
  const persons = await sql<{ id: string }[]>`insert into persons ${sql(holdings.map((hd) => ({
    organization_id: orgId, kind: 'natural', first_name: `P${hd.j}`, last_name: `Owner ${hd.lot}`, language: 'fr', created_at: at, updated_at: at,
  })))} returning id`;
  await sql`insert into holdings ${sql(holdings.map((hd, k) => ({
    organization_id: orgId, lot_id: lotId.get(hd.lot)!, person_id: persons[k]!.id, right_kind: hd.right, part_num: hd.num, part_den: hd.den,
    votes: hd.right !== 'bare', pays_ordinary: hd.right !== 'bare', pays_extraordinary: hd.right !== 'usufruct', valid_from: '2020-01-01', created_at: at,
  })))}`;
  const [supplier] = await sql<{ id: string }[]>`insert into suppliers (organization_id, name, created_at, updated_at)
    values (${orgId}, 'Bench supplier', ${at}, ${at}) returning id`;
  await sql`analyze lots, holdings, persons`;
  return { orgId, buildingId, supplierId: supplier!.id, holdings: holdings.length, coOwned: lots.filter((l) => l.holders.length > 1).length };
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { median: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1]! };
}

async function time(runs: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const fmt = (n: number) => `${n.toFixed(2)} ms`;
const triple = (x: { median: number; p95: number; p99: number }) => `${fmt(x.median)} / ${fmt(x.p95)} / ${fmt(x.p99)}`;

export const run: BenchModule['run'] = async (ctx) => {
  ctx.progress('database and migrations');
  const db = await openBenchDatabase(ctx.cleanup, 'distribution');
  const sql = connect(db.url, 1); // one connection: the reads of distributeOverKey are pipelined on it
  ctx.cleanup.defer('close the pool', () => sql.end({ timeout: 5 }));
  await migrate(sql);
  ctx.progress(`seeding 1 building, ${LOTS} lots and their holders (SQL)`);
  const f = await seed(sql);
  const input = { organizationId: f.orgId, buildingId: f.buildingId, keyId: null, amountCents: AMOUNT, asOf: '2024-06-30', chargeKind: 'ordinary' as const };

  // The pure function on the very inputs distributeOverKey builds.
  const lots: KeyLot[] = (await sql<{ id: string; number: string; shares: number }[]>`select id, number, shares from lots where building_id = ${f.buildingId}`)
    .map((l) => ({ lotId: l.id, lotNumber: l.number, weight: BigInt(l.shares) }));
  const holders = new Map<string, PayingHolder[]>();
  for (const r of await sql<{ lotId: string; personId: string; sortName: string; n: number; d: number; po: boolean; pe: boolean }[]>`
    select h.lot_id as "lotId", h.person_id as "personId", p.sort_name as "sortName", h.part_num as n, h.part_den as d,
      h.pays_ordinary as po, h.pays_extraordinary as pe from holdings h join persons p on p.id = h.person_id where h.organization_id = ${f.orgId}`) {
    const list = holders.get(r.lotId) ?? [];
    list.push({ personId: r.personId, personSortKey: r.sortName, part: fraction(r.n, r.d), paysOrdinary: r.po, paysExtraordinary: r.pe });
    holders.set(r.lotId, list);
  }
  const check = (rows: { cents: number }[]) => {
    const sum = rows.reduce((a, r) => a + r.cents, 0);
    if (sum !== AMOUNT) throw new Error(`distribution sums to ${sum}, not ${AMOUNT}`);
    return rows.length;
  };
  const rows = check(distributeToLotsAndHolders(AMOUNT, lots, holders, 'ordinary'));
  if (check(await distributeOverKey(sql, input)) !== rows) throw new Error('pure and database distributions differ in size');

  ctx.progress(`pure distributeToLotsAndHolders: ${WARMUP} warm-up + ${PURE_RUNS} runs`);
  await time(WARMUP, () => distributeToLotsAndHolders(AMOUNT, lots, holders, 'ordinary'));
  const pure = stats(await time(PURE_RUNS, () => distributeToLotsAndHolders(AMOUNT, lots, holders, 'ordinary')));
  ctx.progress(`distributeOverKey on PostgreSQL: ${WARMUP} warm-up + ${DB_RUNS} runs`);
  await time(WARMUP, () => distributeOverKey(sql, input));
  const onDb = stats(await time(DB_RUNS, () => distributeOverKey(sql, input)));

  ctx.progress(`approval of an expense (distribution + ACH entry + allocations): ${APPROVAL_RUNS} runs`);
  const deps = { sql, clock: systemClock };
  const actor = { organizationId: f.orgId, actorUserId: null, requestId: null };
  const approvals: number[] = [];
  for (let i = 0; i < APPROVAL_RUNS + 5; i++) {
    const e = await expenses.createExpense(deps, actor, f.buildingId, { supplierId: f.supplierId, invoiceNumber: `B-${i}`, invoiceDate: '2024-06-30',
      dueDate: '2024-07-30', chargeKind: 'ordinary', chargeAccount: '6105',
      lines: [{ description: 'Nettoyage', workKind: 'cleaning', netCents: 100_000, vatRateBp: 2100 }] });
    await expenses.submitExpense(deps, actor, f.buildingId, e.id);
    const t = performance.now();
    await expenses.approveExpense(deps, actor, f.buildingId, e.id, false);
    if (i >= 5) approvals.push(performance.now() - t);
  }
  const approval = stats(approvals);
  const [alloc] = await sql<{ n: number }[]>`select count(*)::int as n from charge_allocations where building_id = ${f.buildingId}`;

  const metrics: Metric[] = [
    { label: `Pure split, ${LOTS} lots / ${rows} holder shares: median / P95 / P99`, value: triple(pure), target: `P99 < ${TARGET_MS} ms`, pass: pure.p99 < TARGET_MS },
    { label: 'distributeOverKey on PostgreSQL (read key + register as of a date, split): median / P95 / P99', value: triple(onDb),
      target: `P99 < ${TARGET_MS} ms`, pass: onDb.p99 < TARGET_MS },
    { label: 'Whole approval (distribution + ACH entry + charge allocations, one transaction): median / P95 / P99', value: triple(approval) },
  ];
  return {
    context: { PostgreSQL: `${db.version} (${db.origin})`, Runs: `${PURE_RUNS} pure, ${DB_RUNS} on the database, ${APPROVAL_RUNS} approvals, after ${WARMUP} warm-up runs` },
    metrics,
    notes: [
      `Fixture: ${LOTS} lots of 7–16 shares, ${f.holdings} holdings; ${f.coOwned} lots have several holders (1/3 + 2/3 co-ownership, or usufruct + bare ownership 1/2 + 1/2). Amount ${AMOUNT} cents, general key, ordinary charge; every run's parts sum to the amount (checked).`,
      'Pure split: distributeToLotsAndHolders (BigInt largest remainder at both levels) on inputs already in memory. On PostgreSQL: distributeOverKey = 3 reads pipelined on one postgres.js connection (building shares, the key\'s weighted lots, holders as of the date; a 4th, the key\'s existence, for a specific key) then the same split, on loopback.',
      `Whole approval: approveExpense as in production (lock, threshold rule, distributeOverKey, postEntry ACH, ${rows} charge_allocations rows, state and audit), one transaction; ${alloc!.n} allocation rows written in all. Informative, no target.`,
      `Max: pure ${fmt(pure.max)}, on PostgreSQL ${fmt(onDb.max)}, approval ${fmt(approval.max)}.`,
    ],
    failures: [],
    data: { pure, onDb, approval, fixture: f, rows },
  };
};
