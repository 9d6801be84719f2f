import type { Db } from '../../platform/db.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';
import { ENTRY_COLUMNS, linesOf, type Entry, type EntryHead } from './journal.repo.ts';
import type { AccountTotal } from './reports.domain.ts';
import type { JournalCode } from './posting.types.ts';

/**
 * The read queries of the journal: the filtered list of entries (the API page and the CSV export
 * run the same query) and the per-account totals every report is built from.
 */

export interface JournalFilter {
  journal?: JournalCode | undefined;
  /** An account or any of its sub-accounts: '41' matches 410, 4100, 4101, 415… */
  account?: string | undefined;
  personId?: string | undefined;
  fiscalYearId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** Entries sort by date, then by the order they were posted in: one exact numeric key. */
export const ENTRY_SORTS: SortFields<'date'> = { date: { expr: 'f.sort_key', type: 'numeric' } };

function filteredEntries(sql: Db, organizationId: string, buildingId: string, f: JournalFilter) {
  const lineFilter = f.account || f.personId
    ? sql`and exists (select 1 from journal_lines l where l.organization_id = e.organization_id and l.entry_id = e.id
        ${f.account ? sql`and l.account like ${`${f.account}%`}` : sql``}
        ${f.personId ? sql`and l.person_id = ${f.personId}` : sql``})`
    : sql``;
  return sql`select ${sql.unsafe(ENTRY_COLUMNS)},
      ((e.entry_date - date '1900-01-01')::numeric * 1000000000000 + e.posting_order) as sort_key
    from journal_entries e
    where e.organization_id = ${organizationId} and e.building_id = ${buildingId}
    ${f.journal ? sql`and e.journal = ${f.journal}` : sql``}
    ${f.fiscalYearId ? sql`and e.fiscal_year_id = ${f.fiscalYearId}` : sql``}
    ${f.from ? sql`and e.entry_date >= ${f.from}::date` : sql``}
    ${f.to ? sql`and e.entry_date <= ${f.to}::date` : sql``}
    ${lineFilter}`;
}

function withLines(heads: Array<EntryHead & { sort_key?: unknown }>, lines: Map<string, Entry['lines']>): Entry[] {
  return heads.map(({ sort_key: _, ...h }) => ({ ...h, lines: lines.get(h.id) ?? [] }));
}

/** One page of the journal, each entry with all its lines. */
export async function listEntries(sql: Db, organizationId: string, buildingId: string, f: JournalFilter, page: ResolvedPage) {
  const r = await keysetPage<EntryHead & { sort_key: unknown }>(sql, filteredEntries(sql, organizationId, buildingId, f), page);
  const lines = await linesOf(sql, organizationId, r.rows.map((e) => e.id));
  return { items: withLines(r.rows, lines), total: r.total, nextCursor: r.nextCursor };
}

/** Every entry matching the filter, in journal order (the CSV export). */
export async function allEntries(sql: Db, organizationId: string, buildingId: string, f: JournalFilter): Promise<Entry[]> {
  const heads = await sql<(EntryHead & { sort_key: unknown })[]>`select * from (${filteredEntries(sql, organizationId, buildingId, f)}) f
    order by f.sort_key, f.id`;
  return withLines(heads, await linesOf(sql, organizationId, heads.map((e) => e.id)));
}

/** Σdebit and Σcredit per account over the entries dated from `from` (or the beginning) to `to`. */
export async function accountTotals(sql: Db, organizationId: string, buildingId: string, range: { from: string | null; to: string }):
  Promise<AccountTotal[]> {
  return sql<AccountTotal[]>`select l.account, a.label_fr as label, a.class, a.kind,
      sum(l.debit_cents)::bigint as "debitCents", sum(l.credit_cents)::bigint as "creditCents"
    from journal_lines l
    join journal_entries e on e.organization_id = l.organization_id and e.id = l.entry_id
    join chart_accounts a on a.organization_id = l.organization_id and a.building_id = l.building_id and a.number = l.account
    where l.organization_id = ${organizationId} and l.building_id = ${buildingId}
      and e.entry_date <= ${range.to}::date ${range.from ? sql`and e.entry_date >= ${range.from}::date` : sql``}
    group by l.account, a.label_fr, a.class, a.kind
    order by l.account collate "C"`;
}
