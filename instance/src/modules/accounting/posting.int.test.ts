import { describe, expect, it } from 'vitest';
import type { TransactionSql } from 'postgres';
import { AppError } from '../../platform/errors.ts';
import { fromDatabaseError } from '../../platform/http-errors.ts';
import { createOrganization } from '../../../test/support/actors.ts';
import { createTestApp } from '../../../test/support/test-app.ts';
import { insertLedgerBuilding } from './accounting.fixture.ts';
import { postEntry, reverseEntry } from './posting.ts';
import type { PostingInput, PostingLine } from './posting.types.ts';

/** postEntry / reverseEntry on the real database, and the ledger invariants the database holds by itself. */

const t = await createTestApp();
const sql = t.deps.sql;
const at = new Date('2026-03-01T10:00:00Z');
const actor = { actorUserId: null, requestId: 'test', at };
const orgId = (await createOrganization(t.deps)).id;
const { buildingId, lots } = await insertLedgerBuilding(sql, orgId, { lots: 3 });
const [alice, bob] = [lots[0]!.personId, lots[1]!.personId];
const [supplier] = await sql<{ id: string }[]>`insert into suppliers (organization_id, name, created_at, updated_at)
  values (${orgId}, 'Net & Propre SRL', ${at}, ${at}) returning id`;
const supplierId = supplier!.id;

const input = (over: Partial<PostingInput> & { lines?: PostingLine[] } = {}): PostingInput => ({
  organizationId: orgId, buildingId, journal: 'ACH', date: '2026-03-01', description: 'Nettoyage mars',
  source: { type: 'test', id: crypto.randomUUID(), reference: 'INV-1' },
  // E1 of rules doc §5.2: 500.00 + 21 % = 605.00 → 6105 / 440
  lines: [
    { account: '6105', debitCents: 60_500, creditCents: 0 },
    { account: '440', debitCents: 0, creditCents: 60_500, supplierId },
  ],
  ...over,
});

const post = (i: PostingInput) => sql.begin((tx) => postEntry(tx, i, actor));

async function failure(run: () => Promise<unknown>): Promise<{ code: string; details: unknown }> {
  try {
    await run();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, details: e.details };
    const db = fromDatabaseError(e);
    if (db) return { code: db.code, details: db.details };
    throw e;
  }
  throw new Error('expected a refusal');
}

const count = async (table: 'journal_entries' | 'journal_lines') =>
  (await sql.unsafe(`select count(*)::int as n from ${table} where organization_id = $1`, [orgId]))[0]!.n as number;

describe('postEntry', () => {
  it('posts a balanced entry, creating the chart and the fiscal year on demand, with gapless numbers per journal', async () => {
    const first = await post(input());
    expect(first.number).toBe('ACH-2026-00001');
    const [fy] = await sql`select start_date::text as s, end_date::text as e, status, label from fiscal_years where id = ${first.fiscalYearId}`;
    expect(fy).toEqual({ s: '2026-01-01', e: '2026-12-31', status: 'open', label: '2026' });
    const [chart] = await sql`select count(*)::int as n from chart_accounts where building_id = ${buildingId}`;
    expect(chart!.n).toBe(96); // rules doc §5.1 without the optional 1601 and 1602
    const lines = await sql`select line_no, account, debit_cents, credit_cents, supplier_id from journal_lines
      where entry_id = ${first.entryId} order by line_no`;
    expect(lines).toEqual([
      { line_no: 1, account: '6105', debit_cents: 60_500, credit_cents: 0, supplier_id: null },
      { line_no: 2, account: '440', debit_cents: 0, credit_cents: 60_500, supplier_id: supplierId },
    ]);
    expect((await post(input())).number).toBe('ACH-2026-00002');
    // E3: a call for provisions is a VEN entry, numbered in its own journal
    const call = await post(input({ journal: 'VEN', lines: [
      { account: '4101', debitCents: 720_00, creditCents: 0, personId: alice },
      { account: '701', debitCents: 0, creditCents: 720_00 },
    ] }));
    expect(call.number).toBe('VEN-2026-00001');
    // A refused posting inside a transaction gives its number back: the next ACH is 00003.
    await expect(sql.begin(async (tx) => {
      await postEntry(tx, input(), actor);
      throw new Error('rollback');
    })).rejects.toThrow('rollback');
    expect((await post(input())).number).toBe('ACH-2026-00003');
    const [audit] = await sql`select count(*)::int as n from audit_log where organization_id = ${orgId} and action = 'journal_entry.posted'`;
    expect(audit!.n).toBe(4);
  });

  it('refuses an unbalanced entry, an unknown account, a missing sub-account and a repeated source, writing nothing', async () => {
    const before = [await count('journal_entries'), await count('journal_lines')];
    expect(await failure(() => post(input({ lines: [
      { account: '6105', debitCents: 60_500, creditCents: 0 },
      { account: '440', debitCents: 0, creditCents: 60_499, supplierId },
    ] })))).toMatchObject({ code: 'entry.unbalanced', details: { debitCents: 60_500, creditCents: 60_499 } });
    expect(await failure(() => post(input({ lines: [
      { account: '6999', debitCents: 100, creditCents: 0 }, { account: '551', debitCents: 0, creditCents: 100 },
    ] })))).toMatchObject({ code: 'entry.unknown_account', details: { field: 'lines.0.account' } });
    expect(await failure(() => post(input({ lines: [
      { account: '4101', debitCents: 100, creditCents: 0 }, { account: '701', debitCents: 0, creditCents: 100 },
    ] })))).toMatchObject({ code: 'entry.person_required', details: { field: 'lines.0.personId' } });
    expect(await failure(() => post(input({ lines: [
      { account: '6105', debitCents: 100, creditCents: 0 }, { account: '440', debitCents: 0, creditCents: 100 },
    ] })))).toMatchObject({ code: 'entry.supplier_required', details: { field: 'lines.1.supplierId' } });
    expect(await failure(() => post(input({ lines: [
      { account: '6105', debitCents: 100, creditCents: 100 }, { account: '551', debitCents: 0, creditCents: 0 },
    ] })))).toMatchObject({ code: 'entry.invalid_line' });
    expect(await failure(() => post(input({ lines: [
      { account: '4101', debitCents: 100, creditCents: 0, personId: crypto.randomUUID() }, { account: '701', debitCents: 0, creditCents: 100 },
    ] })))).toMatchObject({ code: 'entry.unknown_person', details: { field: 'lines.0.personId' } });
    expect((await failure(() => post(input({ date: '2026-02-30' })))).code).toBe('entry.invalid_date');
    const source = { type: 'expense', id: crypto.randomUUID() };
    const first = await post(input({ source }));
    expect(await failure(() => post(input({ source })))).toMatchObject({ code: 'entry.duplicate', details: { entryId: first.entryId } });
    expect([await count('journal_entries'), await count('journal_lines')]).toEqual([before[0]! + 1, before[1]! + 2]);
  });

  it('refuses an entry in a closed fiscal year', async () => {
    const b = await insertLedgerBuilding(sql, orgId, { lots: 1, name: 'Closed' });
    const e = await post(input({ buildingId: b.buildingId, date: '2025-06-30' }));
    await sql`update fiscal_years set status = 'closed', closed_at = ${at} where id = ${e.fiscalYearId}`;
    expect(await failure(() => post(input({ buildingId: b.buildingId, date: '2025-12-31' }))))
      .toMatchObject({ code: 'fiscal_year.closed', details: { field: 'date' } });
    // The next year opens on demand.
    expect((await post(input({ buildingId: b.buildingId, date: '2026-01-01' }))).number).toBe('ACH-2026-00001');
  });

  it('creates shortened transition years when the fiscal-year start changes', async () => {
    const b = await insertLedgerBuilding(sql, orgId, { lots: 1, name: 'Shifted', fiscalYearStart: '07-01' });
    const e1 = await post(input({ buildingId: b.buildingId, date: '2025-03-15' }));
    expect(e1.number).toBe('ACH-2024/25-00001');
    await sql`update buildings set fiscal_year_start = '01-01' where id = ${b.buildingId}`;
    const e2 = await post(input({ buildingId: b.buildingId, date: '2025-09-01' }));
    const years = await sql`select start_date::text as s, end_date::text as e, label from fiscal_years
      where building_id = ${b.buildingId} order by start_date`;
    // 2024-07-01 → 2025-06-30, then the 2025 calendar year cut to start after it: 2025-07-01 → 2025-12-31
    expect(years).toEqual([
      { s: '2024-07-01', e: '2025-06-30', label: '2024/25' },
      { s: '2025-07-01', e: '2025-12-31', label: '2025' },
    ]);
    expect(e2.number).toBe('ACH-2025-00001');
  });

  it('answers 404 for another organization\'s building', async () => {
    const other = (await createOrganization(t.deps)).id;
    expect((await failure(() => post(input({ organizationId: other })))).code).toBe('building.not_found');
  });
});

describe('reverseEntry', () => {
  it('posts the mirror entry once, which cancels every account and sub-account', async () => {
    const e = await post(input({ journal: 'VEN', lines: [
      { account: '4101', debitCents: 33_33, creditCents: 0, personId: alice, lotId: lots[0]!.id },
      { account: '4101', debitCents: 66_67, creditCents: 0, personId: bob, lotId: lots[1]!.id },
      { account: '701', debitCents: 0, creditCents: 100_00 },
    ] }));
    const r = await sql.begin((tx) => reverseEntry(tx, { organizationId: orgId, buildingId, entryId: e.entryId, date: '2026-04-01', reason: 'Appel erroné' }, actor));
    expect(r.number).toMatch(/^VEN-2026-\d{5}$/);
    const [head] = await sql`select reverses_entry_id, source_type, source_id, description from journal_entries where id = ${r.entryId}`;
    expect(head).toMatchObject({ reverses_entry_id: e.entryId, source_type: 'reversal', source_id: e.entryId });
    const net = await sql`select account, person_id, sum(debit_cents - credit_cents)::bigint as net from journal_lines
      where entry_id in (${e.entryId}, ${r.entryId}) group by account, person_id`;
    expect(net.map((n) => n.net)).toEqual([0, 0, 0]);
    expect((await failure(() => sql.begin((tx) => reverseEntry(tx, { organizationId: orgId, buildingId, entryId: e.entryId,
      date: '2026-04-01', reason: 'encore' }, actor)))).code).toBe('entry.already_reversed');
    expect((await failure(() => sql.begin((tx) => reverseEntry(tx, { organizationId: orgId, buildingId, entryId: crypto.randomUUID(),
      date: '2026-04-01', reason: 'x' }, actor)))).code).toBe('entry.not_found');
  });
});

describe('the database holds the ledger invariants by itself', () => {
  const insertEntry = async (tx: TransactionSql, fiscalYearId: string, date = '2026-05-01') => {
    const [row] = await tx<{ id: string }[]>`insert into journal_entries (organization_id, building_id, fiscal_year_id, journal, seq, number,
        entry_date, description, source_type, source_id, created_at)
      values (${orgId}, ${buildingId}, ${fiscalYearId}, 'OD', ${Math.floor(Math.random() * 1e9) + 1}, ${crypto.randomUUID()}, ${date},
        'direct', 'sql', ${crypto.randomUUID()}, ${at}) returning id`;
    return row!.id;
  };
  const insertLine = (tx: TransactionSql | typeof sql, entryId: string, lineNo: number, account: string, d: number, c: number) =>
    tx`insert into journal_lines (organization_id, building_id, entry_id, line_no, account, debit_cents, credit_cents)
      values (${orgId}, ${buildingId}, ${entryId}, ${lineNo}, ${account}, ${d}, ${c})`;

  it('refuses any update or delete of entries and lines, and lines added to a validated entry', async () => {
    const e = await post(input());
    expect((await failure(() => sql`update journal_lines set debit_cents = 1 where entry_id = ${e.entryId} and line_no = 1`)).code).toBe('entry.immutable');
    expect((await failure(() => sql`delete from journal_lines where entry_id = ${e.entryId}`)).code).toBe('entry.immutable');
    expect((await failure(() => sql`update journal_entries set description = 'x' where id = ${e.entryId}`)).code).toBe('entry.immutable');
    expect((await failure(() => sql`delete from journal_entries where id = ${e.entryId}`)).code).toBe('entry.immutable');
    expect((await failure(() => sql`truncate journal_lines cascade`)).code).toBe('entry.immutable');
    // A balanced pair added later would keep the entry balanced: refused all the same.
    expect((await failure(() => sql.begin(async (tx) => {
      await insertLine(tx, e.entryId, 3, '551', 100, 0);
      await insertLine(tx, e.entryId, 4, '6105', 0, 100);
    }))).code).toBe('entry.immutable');
  });

  it('refuses an unbalanced entry at commit, and an entry in a closed year, through direct SQL', async () => {
    const e = await post(input());
    expect((await failure(() => sql.begin(async (tx) => {
      const id = await insertEntry(tx, e.fiscalYearId);
      await insertLine(tx, id, 1, '551', 100, 0);
      await insertLine(tx, id, 2, '6105', 0, 99);
    })))).toMatchObject({ code: 'entry.unbalanced', details: { debitCents: 100, creditCents: 99 } });
    expect((await failure(() => sql.begin((tx) => insertEntry(tx, e.fiscalYearId)))).code).toBe('entry.unbalanced');
    await sql.begin(async (tx) => { // balanced: accepted
      const id = await insertEntry(tx, e.fiscalYearId);
      await insertLine(tx, id, 1, '551', 100, 0);
      await insertLine(tx, id, 2, '6105', 0, 100);
    });
    expect((await failure(() => sql.begin((tx) => insertEntry(tx, e.fiscalYearId, '2027-01-01')))).code).toBe('entry.date_outside_fiscal_year');
    const b = await insertLedgerBuilding(sql, orgId, { lots: 1, name: 'Closed by SQL' });
    const fy = (await post(input({ buildingId: b.buildingId }))).fiscalYearId;
    await sql`update fiscal_years set status = 'closed', closed_at = ${at} where id = ${fy}`;
    expect((await failure(() => sql`update fiscal_years set status = 'open', closed_at = null where id = ${fy}`)).code).toBe('fiscal_year.closed');
    expect((await failure(() => sql.begin(async (tx) => {
      await tx`insert into journal_entries (organization_id, building_id, fiscal_year_id, journal, seq, number, entry_date, description,
          source_type, source_id, created_at)
        values (${orgId}, ${b.buildingId}, ${fy}, 'OD', 99, 'X-1', '2026-06-01', 'late', 'sql', 'late', ${at})`;
    }))).code).toBe('fiscal_year.closed');
  });
});
