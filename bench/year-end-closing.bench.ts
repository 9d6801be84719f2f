// Year-end closing of a 200-lot building whose fiscal year holds 5,000 journal lines, all posted
// through postEntry: the décompte per owner (E9a/E9b) and the closing, timed as one use case.
import { allocate } from '../instance/src/modules/money/allocation.domain.ts';
import { insertLedgerBuilding, type LedgerBuilding } from '../instance/src/modules/accounting/accounting.fixture.ts';
import { closeFiscalYear } from '../instance/src/modules/accounting/closing.service.ts';
import { postEntry } from '../instance/src/modules/accounting/posting.ts';
import type { PostingLine } from '../instance/src/modules/accounting/posting.types.ts';
import { insertOrganization } from '../instance/src/modules/organizations/organizations.repo.ts';
import { TestClock } from '../instance/src/platform/clock.ts';
import { connect, type Pool } from '../instance/src/platform/db.ts';
import { migrate } from '../instance/src/platform/migrate.ts';
import { openBenchDatabase } from './lib/database.ts';
import type { BenchModule, Metric } from './lib/report.ts';

export const title = 'Year-end closing of a 200-lot building with 5,000 journal lines';

const LOTS = 200;
const RUNS = 5;
const TARGET_MS = 2_000;
const QUARTERS = ['2025-01-15', '2025-04-15', '2025-07-15', '2025-10-15'];
const EXPENSES = 48;
const at = new Date('2025-01-01T00:00:00Z');
const actor = { actorUserId: null, requestId: 'bench', at };

/**
 * One fiscal year, 5,000 lines exactly:
 *   4 quarterly provision calls (VEN, 200 × 4101 + 701)        4 × 201 =   804
 *   4 quarterly reserve-fund calls (VEN, 200 × 4100 + 160)     4 × 201 =   804
 *   800 owner payments (FIN, 551 / 4101 and 550 / 4100)      800 × 4   = 3,200
 *   48 approved invoices (ACH 6xxx / 440) paid (FIN 440 / 551) 48 × 4  =   192
 * plus the 48 × 200 = 9,600 charge allocations the décompte reads.
 */
async function fillYear(sql: Pool, orgId: string, b: LedgerBuilding, supplierId: string): Promise<{ lines: number; provisions: number; charges: number }> {
  const post = (journal: 'VEN' | 'FIN' | 'ACH', date: string, source: { type: string; id: string }, lines: PostingLine[]) =>
    sql.begin((tx) => postEntry(tx, { organizationId: orgId, buildingId: b.buildingId, journal, date, description: source.id, source, lines }, actor));
  const owners = b.lots.map((l) => ({ key: l.number, personId: l.personId, lotId: l.id, weight: BigInt(l.shares) }));
  const split = (cents: number) => allocate(cents, owners).map((a, i) => ({ ...owners[i]!, cents: a.cents }));
  let lines = 0;
  let provisions = 0;
  for (const [q, date] of QUARTERS.entries()) {
    for (const [fund, receivable, credit, total] of [['provisions', '4101', '701', 6_000_00], ['reserve', '4100', '160', 1_100_00]] as const) {
      const parts = split(total + q); // + q: uneven cents, so the split has remainders
      await post('VEN', date, { type: 'call', id: `${fund}-q${q + 1}` }, [
        ...parts.map((p): PostingLine => ({ account: receivable, debitCents: p.cents, creditCents: 0, personId: p.personId, lotId: p.lotId })),
        { account: credit, debitCents: 0, creditCents: total + q },
      ]);
      lines += parts.length + 1;
      if (fund === 'provisions') provisions += total + q;
    }
    const prov = split(6_000_00 + q);
    const res = split(1_100_00 + q);
    for (const [i, p] of prov.entries()) {
      await post('FIN', date, { type: 'payment', id: `q${q + 1}-${p.key}` }, [
        { account: '551', debitCents: p.cents, creditCents: 0 }, { account: '4101', debitCents: 0, creditCents: p.cents, personId: p.personId },
        { account: '550', debitCents: res[i]!.cents, creditCents: 0 }, { account: '4100', debitCents: 0, creditCents: res[i]!.cents, personId: p.personId },
      ]);
      lines += 4;
    }
  }
  let charges = 0;
  const accounts = ['6105', '6121', '6140', '6101', '6130', '6103'];
  for (let i = 0; i < EXPENSES; i++) {
    const gross = 25_000 + i * 1_337;
    const account = accounts[i % accounts.length]!;
    const date = `2025-${String(1 + (i % 12)).padStart(2, '0')}-20`;
    const [x] = await sql<{ id: string }[]>`insert into expenses (organization_id, building_id, supplier_id, invoice_number, invoice_date,
        due_date, charge_kind, charge_account, state, net_cents, vat_cents, gross_cents, created_at, updated_at)
      values (${orgId}, ${b.buildingId}, ${supplierId}, ${`B-${b.lots[0]!.id.slice(0, 8)}-${i}`}, ${date}, ${date}, 'ordinary', ${account}, 'approved', ${gross}, 0, ${gross}, ${at}, ${at})
      returning id`;
    await post('ACH', date, { type: 'expense', id: x!.id }, [
      { account, debitCents: gross, creditCents: 0 }, { account: '440', debitCents: 0, creditCents: gross, supplierId },
    ]);
    await post('FIN', date, { type: 'expense_payment', id: x!.id }, [
      { account: '440', debitCents: gross, creditCents: 0, supplierId }, { account: '551', debitCents: 0, creditCents: gross },
    ]);
    await sql`insert into charge_allocations ${sql(split(gross).map((p) => ({
      organization_id: orgId, building_id: b.buildingId, expense_id: x!.id, lot_id: p.lotId, person_id: p.personId,
      account, cents: p.cents, charge_date: date, created_at: at,
    })))}`;
    lines += 4;
    charges += gross;
  }
  return { lines, provisions, charges };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

export const run: BenchModule['run'] = async (ctx) => {
  ctx.progress('database and migrations');
  const db = await openBenchDatabase(ctx.cleanup, 'year-end-closing');
  const sql = connect(db.url, 5);
  ctx.cleanup.defer('close the pool', () => sql.end({ timeout: 5 }));
  await migrate(sql);
  const org = await insertOrganization(sql, 'Bench syndic office', 'syndic_office', at);
  const [sup] = await sql<{ id: string }[]>`insert into suppliers (organization_id, name, created_at, updated_at)
    values (${org.id}, 'Fournisseur bench', ${at}, ${at}) returning id`;
  const clock = new TestClock();
  clock.set(new Date('2026-02-01T09:00:00Z'), { frozen: true });

  const buildings: Array<{ b: LedgerBuilding; fill: Awaited<ReturnType<typeof fillYear>> }> = [];
  for (let r = 0; r < RUNS; r++) {
    ctx.progress(`building ${r + 1}/${RUNS}: ${LOTS} lots, posting 5,000 lines through postEntry`);
    const b = await insertLedgerBuilding(sql, org.id, { lots: LOTS, name: `Résidence Bench ${r + 1}` });
    const started = performance.now();
    buildings.push({ b, fill: await fillYear(sql, org.id, b, sup!.id) });
    ctx.progress(`  posted in ${Math.round(performance.now() - started)} ms`);
  }
  await sql`analyze`;

  const times: number[] = [];
  const failures: string[] = [];
  for (const [r, { b, fill }] of buildings.entries()) {
    const [fy] = await sql<{ id: string }[]>`select id from fiscal_years where building_id = ${b.buildingId}`;
    const [count] = await sql<{ n: number }[]>`select count(*)::int as n from journal_lines where building_id = ${b.buildingId}`;
    if (count!.n !== 5_000 || fill.lines !== 5_000) failures.push(`building ${r + 1}: ${count!.n} lines instead of 5,000`);
    const started = performance.now();
    const result = await closeFiscalYear({ sql, clock }, { organizationId: org.id, actorUserId: null, requestId: 'bench' }, b.buildingId, fy!.id);
    times.push(performance.now() - started);
    if (result.owners.length !== LOTS || result.totals.provisionsCents !== fill.provisions || result.totals.chargesCents !== fill.charges) {
      failures.push(`building ${r + 1}: décompte totals ${JSON.stringify(result.totals)} for ${result.owners.length} owners do not match the year`);
    }
    ctx.progress(`close ${r + 1}/${RUNS}: ${times.at(-1)!.toFixed(1)} ms`);
  }
  const med = median(times);
  const metrics: Metric[] = [
    { label: `Close a fiscal year (${LOTS} lots, 5,000 lines): median of ${RUNS}`, value: `${med.toFixed(0)} ms`, target: `< ${TARGET_MS} ms`, pass: med < TARGET_MS },
    { label: 'Close: min / max', value: `${Math.min(...times).toFixed(0)} ms / ${Math.max(...times).toFixed(0)} ms` },
  ];
  return {
    context: { PostgreSQL: db.version, Database: db.origin },
    metrics,
    notes: [
      'The year: 4 provision calls and 4 reserve-fund calls over 200 owners, 800 owner payments, 48 invoices posted and paid: 5,000 lines through postEntry, and 9,600 charge allocations.',
      'Timed: closeFiscalYear as one use case and one transaction (checks, décompte queries, the two OD entries E9a/E9b of 200 + 200 owner lines, the closing, the audit row, the commit with its deferred balance checks). Each run closes its own identical building, after ANALYZE.',
    ],
    failures,
    data: { timesMs: times, medianMs: med },
  };
};
