import type { Db } from '../../platform/db.ts';

/** All SQL of budgets, fund settings and fund balances. Every statement filters by organization. */

export interface FundSettings {
  buildingId: string;
  name: string;
  fiscalYearStart: string;
  currentAccountIban: string | null;
  reserveAccountIban: string | null;
  provisionalAcceptanceDate: string | null;
}

export async function findSettings(sql: Db, organizationId: string, buildingId: string, lock = false): Promise<FundSettings | null> {
  const [row] = await sql<FundSettings[]>`select id as "buildingId", name, fiscal_year_start as "fiscalYearStart",
      current_account_iban as "currentAccountIban", reserve_account_iban as "reserveAccountIban",
      provisional_acceptance_date::text as "provisionalAcceptanceDate"
    from buildings where organization_id = ${organizationId} and id = ${buildingId}
    ${lock ? sql`for no key update` : sql``}`;
  return row ?? null;
}

export async function updateSettings(tx: Db, organizationId: string, s: FundSettings, at: Date): Promise<void> {
  await tx`update buildings set current_account_iban = ${s.currentAccountIban}, reserve_account_iban = ${s.reserveAccountIban},
      provisional_acceptance_date = ${s.provisionalAcceptanceDate}, updated_at = ${at}
    where organization_id = ${organizationId} and id = ${s.buildingId}`;
}

export interface BudgetRow {
  id: string; buildingId: string; fiscalYear: number; startsOn: string; endsOn: string;
  ordinaryCents: number; extraordinaryCents: number; reserveCents: number; previousOrdinaryChargesCents: number | null;
  optOutDecisionDate: string | null; optOutReference: string | null; createdAt: Date; updatedAt: Date;
}

const BUDGET_COLUMNS = `b.id, b.building_id as "buildingId", b.fiscal_year as "fiscalYear", b.starts_on::text as "startsOn",
  b.ends_on::text as "endsOn", b.ordinary_cents as "ordinaryCents", b.extraordinary_cents as "extraordinaryCents",
  b.reserve_cents as "reserveCents", b.previous_ordinary_charges_cents as "previousOrdinaryChargesCents",
  b.reserve_opt_out_decided_on::text as "optOutDecisionDate", b.reserve_opt_out_reference as "optOutReference",
  b.created_at as "createdAt", b.updated_at as "updatedAt"`;

export async function findBudget(sql: Db, organizationId: string, buildingId: string, id: string, lock = false): Promise<BudgetRow | null> {
  const [row] = await sql<BudgetRow[]>`select ${sql.unsafe(BUDGET_COLUMNS)} from budgets b
    where b.organization_id = ${organizationId} and b.building_id = ${buildingId} and b.id = ${id}
    ${lock ? sql`for update` : sql``}`;
  return row ?? null;
}

export async function listBudgets(sql: Db, organizationId: string, buildingId: string): Promise<BudgetRow[]> {
  return sql<BudgetRow[]>`select ${sql.unsafe(BUDGET_COLUMNS)} from budgets b
    where b.organization_id = ${organizationId} and b.building_id = ${buildingId} order by b.fiscal_year desc`;
}

export interface NewBudget {
  fiscalYear: number; startsOn: string; endsOn: string; ordinaryCents: number; extraordinaryCents: number;
  reserveCents: number; previousOrdinaryChargesCents: number | null;
}

/** Inserts the budget; null when the building already has one for that fiscal year. */
export async function insertBudget(tx: Db, organizationId: string, buildingId: string, b: NewBudget, at: Date): Promise<string | null> {
  const rows = await tx<{ id: string }[]>`insert into budgets (organization_id, building_id, fiscal_year, starts_on, ends_on,
      ordinary_cents, extraordinary_cents, reserve_cents, previous_ordinary_charges_cents, created_at, updated_at)
    values (${organizationId}, ${buildingId}, ${b.fiscalYear}, ${b.startsOn}, ${b.endsOn}, ${b.ordinaryCents},
      ${b.extraordinaryCents}, ${b.reserveCents}, ${b.previousOrdinaryChargesCents}, ${at}, ${at})
    on conflict (building_id, fiscal_year) do nothing returning id`;
  return rows[0]?.id ?? null;
}

export async function updateBudgetAmounts(tx: Db, organizationId: string, b: BudgetRow, at: Date): Promise<void> {
  await tx`update budgets set ordinary_cents = ${b.ordinaryCents}, extraordinary_cents = ${b.extraordinaryCents},
      reserve_cents = ${b.reserveCents}, previous_ordinary_charges_cents = ${b.previousOrdinaryChargesCents}, updated_at = ${at}
    where organization_id = ${organizationId} and id = ${b.id}`;
}

export async function setOptOut(tx: Db, organizationId: string, id: string, o: { decisionDate: string; reference: string }, at: Date) {
  await tx`update budgets set reserve_opt_out_decided_on = ${o.decisionDate}, reserve_opt_out_reference = ${o.reference}, updated_at = ${at}
    where organization_id = ${organizationId} and id = ${id}`;
}

/**
 * The ordinary common charges of the building's fiscal year that contains `date`, from the journal
 * (0003): Σ(debit − credit) on class-6 accounts, except the extraordinary ones (611 exceptional
 * works, 66 exceptional charges, 671 voted works), privative costs (643x) and the fund movements
 * (68x), over the year's entries that touch no owner account — which leaves out the year-end
 * décompte that clears the charge accounts onto the owners (rules doc §5.2 E9b).
 * Null when the journal has no fiscal year containing the date.
 */
export async function ordinaryChargesOfYearContaining(sql: Db, organizationId: string, buildingId: string, date: string):
  Promise<{ fiscalYearId: string; cents: number } | null> {
  const [row] = await sql<{ fiscalYearId: string; cents: number }[]>`
    select f.id as "fiscalYearId", coalesce((
      select sum(l.debit_cents - l.credit_cents) from journal_entries e
      join journal_lines l on l.entry_id = e.id and l.organization_id = e.organization_id
      where e.organization_id = ${organizationId} and e.building_id = ${buildingId} and e.fiscal_year_id = f.id
        and l.account like '6%' and l.account not like '611%' and l.account not like '66%' and l.account not like '671%'
        and l.account not like '643%' and l.account not like '68%'
        and not exists (select 1 from journal_lines o where o.entry_id = e.id and o.account in ('410', '4100', '4101', '415'))
    ), 0)::bigint as cents
    from fiscal_years f
    where f.organization_id = ${organizationId} and f.building_id = ${buildingId}
      and f.start_date <= ${date}::date and f.end_date >= ${date}::date`;
  return row ?? null;
}

/** Credit balances (credit − debit) of the fund accounts 100* and 160* up to `asOf`. */
export async function fundBalances(sql: Db, organizationId: string, buildingId: string, asOf: string):
  Promise<{ workingCapitalCents: number; reserveCents: number }> {
  const [row] = await sql<{ workingCapitalCents: number; reserveCents: number }[]>`
    select coalesce(sum(l.credit_cents - l.debit_cents) filter (where l.account like '100%'), 0)::bigint as "workingCapitalCents",
           coalesce(sum(l.credit_cents - l.debit_cents) filter (where l.account like '160%'), 0)::bigint as "reserveCents"
    from journal_entries e join journal_lines l on l.entry_id = e.id and l.organization_id = e.organization_id
    where e.organization_id = ${organizationId} and e.building_id = ${buildingId} and e.entry_date <= ${asOf}::date
      and (l.account like '100%' or l.account like '160%')`;
  return row!;
}
