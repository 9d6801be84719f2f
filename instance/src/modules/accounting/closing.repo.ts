import type { Db } from '../../platform/db.ts';
import { OWNER_PROVISIONS_ACCOUNT, PROVISIONS_ACCOUNT, type OwnerAmount, type OwnerCharge } from './closing.domain.ts';
import type { FiscalYear } from './fiscal-years.repo.ts';

/** The queries of the year-end closing. Scoped by organization and building. */

/** Entries of the year that do not balance, or have fewer than two lines (the triggers make this empty; checked anyway). */
export async function unbalancedEntries(sql: Db, organizationId: string, fiscalYearId: string): Promise<string[]> {
  const rows = await sql<{ number: string }[]>`select e.number from journal_entries e
    left join journal_lines l on l.organization_id = e.organization_id and l.entry_id = e.id
    where e.organization_id = ${organizationId} and e.fiscal_year_id = ${fiscalYearId}
    group by e.id, e.number
    having count(l.id) < 2 or coalesce(sum(l.debit_cents), 0) <> coalesce(sum(l.credit_cents), 0)
    order by e.number limit 20`;
  return rows.map((r) => r.number);
}

/** Open fiscal years of the building that end before this one starts. */
export async function earlierOpenYears(sql: Db, organizationId: string, buildingId: string, fy: FiscalYear): Promise<string[]> {
  const rows = await sql<{ label: string }[]>`select label from fiscal_years
    where organization_id = ${organizationId} and building_id = ${buildingId} and status = 'open' and end_date < ${fy.startDate}::date
    order by start_date`;
  return rows.map((r) => r.label);
}

/**
 * Provisions called per owner in the year: the owner's 4101 net debit in the VEN entries of calls
 * (source 'call') that credit 701, and in their reversals. Calls of the working capital (4101 / 100)
 * and of the reserve fund (4100 / 160) are not provisions and stay out.
 */
export async function provisionsByOwner(sql: Db, organizationId: string, buildingId: string, fiscalYearId: string): Promise<OwnerAmount[]> {
  return sql<OwnerAmount[]>`select l.person_id as "personId", sum(l.debit_cents - l.credit_cents)::bigint as cents
    from journal_entries e
    left join journal_entries o on o.organization_id = e.organization_id and o.id = e.reverses_entry_id
    join journal_lines l on l.organization_id = e.organization_id and l.entry_id = e.id
    where e.organization_id = ${organizationId} and e.building_id = ${buildingId} and e.fiscal_year_id = ${fiscalYearId}
      and e.journal = 'VEN' and (e.source_type = 'call' or (e.source_type = 'reversal' and o.source_type = 'call'))
      and exists (select 1 from journal_lines x where x.organization_id = e.organization_id and x.entry_id = e.id
                    and x.account = ${PROVISIONS_ACCOUNT})
      and l.account = ${OWNER_PROVISIONS_ACCOUNT} and l.person_id is not null
    group by l.person_id`;
}

/** Actual ordinary charges per owner and account, allocated from the expenses dated in the year (migration 0004). */
export async function ordinaryChargesByOwner(sql: Db, organizationId: string, buildingId: string, fy: FiscalYear): Promise<OwnerCharge[]> {
  return sql<OwnerCharge[]>`select ca.person_id as "personId", ca.account, sum(ca.cents)::bigint as cents
    from charge_allocations ca
    join expenses x on x.organization_id = ca.organization_id and x.id = ca.expense_id
    where ca.organization_id = ${organizationId} and ca.building_id = ${buildingId}
      and ca.charge_date between ${fy.startDate}::date and ${fy.endDate}::date and x.charge_kind = 'ordinary'
    group by ca.person_id, ca.account`;
}

export async function personNames(sql: Db, organizationId: string, ids: readonly string[]): Promise<Map<string, { name: string; sortName: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; name: string; sortName: string }[]>`select id, display_name as name, sort_name as "sortName"
    from persons where organization_id = ${organizationId} and id = any(${[...ids]}::uuid[])`;
  return new Map(rows.map((r) => [r.id, { name: r.name, sortName: r.sortName }]));
}
