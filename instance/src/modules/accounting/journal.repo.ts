import type { Db } from '../../platform/db.ts';
import type { CheckedLine } from './posting.domain.ts';
import type { JournalCode } from './posting.types.ts';

/** SQL of journal entries and lines: writing (posting) and reading one entry. Scoped by organization and building. */

export interface EntryLine {
  lineNo: number; account: string; accountLabel: string; debitCents: number; creditCents: number;
  personId: string | null; personName: string | null; supplierId: string | null; supplierName: string | null; lotId: string | null; lotNumber: string | null; label: string | null;
}

export interface Entry {
  id: string; buildingId: string; fiscalYearId: string; journal: JournalCode; number: string; date: string; description: string;
  sourceType: string; sourceId: string; reference: string | null; reversesEntryId: string | null; reversedByEntryId: string | null;
  createdBy: string | null; createdAt: Date; lines: EntryLine[];
}

export type EntryHead = Omit<Entry, 'lines'>;

export const ENTRY_COLUMNS = `e.id, e.building_id as "buildingId", e.fiscal_year_id as "fiscalYearId", e.journal, e.number,
  e.entry_date::text as "date", e.description, e.source_type as "sourceType", e.source_id as "sourceId", e.reference,
  e.reverses_entry_id as "reversesEntryId",
  (select r.id from journal_entries r where r.reverses_entry_id = e.id) as "reversedByEntryId",
  e.created_by as "createdBy", e.created_at as "createdAt"`;

/** The next number of the journal in the fiscal year: gapless, since the counter rolls back with the transaction. */
export async function nextSeq(tx: Db, organizationId: string, fiscalYearId: string, journal: JournalCode): Promise<number> {
  const [row] = await tx<{ seq: number }[]>`insert into journal_sequences (organization_id, fiscal_year_id, journal, last_seq)
    values (${organizationId}, ${fiscalYearId}, ${journal}, 1)
    on conflict (fiscal_year_id, journal) do update set last_seq = journal_sequences.last_seq + 1
    returning last_seq as seq`;
  return row!.seq;
}

export async function entryIdBySource(sql: Db, organizationId: string, buildingId: string, type: string, id: string):
  Promise<{ id: string; number: string } | null> {
  const [row] = await sql<{ id: string; number: string }[]>`select id, number from journal_entries
    where organization_id = ${organizationId} and building_id = ${buildingId} and source_type = ${type} and source_id = ${id}`;
  return row ?? null;
}

export interface NewEntry {
  organizationId: string; buildingId: string; fiscalYearId: string; journal: JournalCode; seq: number; number: string;
  date: string; description: string; sourceType: string; sourceId: string; reference: string | null;
  reversesEntryId: string | null; createdBy: string | null; createdAt: Date;
}

/** Inserts the entry; null when an entry with the same source exists (a concurrent duplicate). */
export async function insertEntry(tx: Db, e: NewEntry): Promise<string | null> {
  const rows = await tx<{ id: string }[]>`insert into journal_entries (organization_id, building_id, fiscal_year_id, journal, seq,
      number, entry_date, description, source_type, source_id, reference, reverses_entry_id, created_by, created_at)
    values (${e.organizationId}, ${e.buildingId}, ${e.fiscalYearId}, ${e.journal}, ${e.seq}, ${e.number}, ${e.date},
      ${e.description}, ${e.sourceType}, ${e.sourceId}, ${e.reference}, ${e.reversesEntryId}, ${e.createdBy}, ${e.createdAt})
    on conflict (building_id, source_type, source_id) do nothing
    returning id`;
  return rows[0]?.id ?? null;
}

const CHUNK = 2_000; // 12 parameters a row: stays under PostgreSQL's 65 535 bind parameters

export async function insertLines(tx: Db, organizationId: string, buildingId: string, entryId: string,
  lines: readonly CheckedLine[]): Promise<void> {
  const rows = lines.map((l, i) => ({
    organization_id: organizationId, building_id: buildingId, entry_id: entryId, line_no: i + 1, account: l.account,
    debit_cents: l.debitCents, credit_cents: l.creditCents, person_id: l.personId, supplier_id: l.supplierId,
    lot_id: l.lotId, label: l.label,
  }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx`insert into journal_lines ${tx(rows.slice(i, i + CHUNK))}`;
  }
}

export const LINE_COLUMNS = `l.entry_id as "entryId", l.line_no as "lineNo", l.account, a.label_fr as "accountLabel",
  l.debit_cents as "debitCents", l.credit_cents as "creditCents", l.person_id as "personId", p.display_name as "personName",
  l.supplier_id as "supplierId", s.name as "supplierName", l.lot_id as "lotId", lo.number as "lotNumber", l.label`;
export const LINE_JOINS = `join chart_accounts a on a.organization_id = l.organization_id and a.building_id = l.building_id
    and a.number = l.account
  left join persons p on p.organization_id = l.organization_id and p.id = l.person_id
  left join suppliers s on s.organization_id = l.organization_id and s.id = l.supplier_id
  left join lots lo on lo.organization_id = l.organization_id and lo.id = l.lot_id`;

/** The lines of the given entries, in entry then line order. */
export async function linesOf(sql: Db, organizationId: string, entryIds: readonly string[]): Promise<Map<string, EntryLine[]>> {
  const out = new Map<string, EntryLine[]>(entryIds.map((id) => [id, []]));
  if (entryIds.length === 0) return out;
  const rows = await sql<(EntryLine & { entryId: string })[]>`select ${sql.unsafe(LINE_COLUMNS)} from journal_lines l
    ${sql.unsafe(LINE_JOINS)}
    where l.organization_id = ${organizationId} and l.entry_id = any(${[...entryIds]}::uuid[])
    order by l.entry_id, l.line_no`;
  for (const { entryId, ...line } of rows) out.get(entryId)!.push(line);
  return out;
}

export async function findEntry(sql: Db, organizationId: string, buildingId: string, id: string): Promise<Entry | null> {
  const [head] = await sql<EntryHead[]>`select ${sql.unsafe(ENTRY_COLUMNS)} from journal_entries e
    where e.organization_id = ${organizationId} and e.building_id = ${buildingId} and e.id = ${id}`;
  if (!head) return null;
  return { ...head, lines: (await linesOf(sql, organizationId, [id])).get(id)! };
}
