import { AppError } from '../../platform/errors.ts';
import type { Db } from '../../platform/db.ts';
import type { Period } from './posting.domain.ts';

/** All SQL of fiscal years. Every statement filters by organization and building. */

export interface FiscalYear {
  id: string; buildingId: string; label: string; startDate: string; endDate: string; status: 'open' | 'closed';
  closedAt: Date | null; closedBy: string | null; createdAt: Date;
}

const COLUMNS = `f.id, f.building_id as "buildingId", f.label, f.start_date::text as "startDate", f.end_date::text as "endDate",
  f.status, f.closed_at as "closedAt", f.closed_by as "closedBy", f.created_at as "createdAt"`;

/** The building's fiscal-year start (MM-DD), or null when the building is not in the organization. */
export async function buildingFiscalYearStart(sql: Db, organizationId: string, buildingId: string): Promise<string | null> {
  const [row] = await sql<{ s: string }[]>`select fiscal_year_start as s from buildings
    where organization_id = ${organizationId} and id = ${buildingId}`;
  return row?.s ?? null;
}

export async function listFiscalYears(sql: Db, organizationId: string, buildingId: string): Promise<FiscalYear[]> {
  return sql<FiscalYear[]>`select ${sql.unsafe(COLUMNS)} from fiscal_years f
    where f.organization_id = ${organizationId} and f.building_id = ${buildingId} order by f.start_date`;
}

export async function findFiscalYear(sql: Db, organizationId: string, buildingId: string, id: string,
  lock: 'none' | 'share' | 'update' = 'none'): Promise<FiscalYear | null> {
  const [row] = await sql<FiscalYear[]>`select ${sql.unsafe(COLUMNS)} from fiscal_years f
    where f.organization_id = ${organizationId} and f.building_id = ${buildingId} and f.id = ${id}
    ${lock === 'share' ? sql`for share` : lock === 'update' ? sql`for update` : sql``}`;
  return row ?? null;
}

/** The fiscal year containing the date, locked FOR SHARE: a concurrent closing waits for the posting to commit. */
export async function fiscalYearContaining(tx: Db, organizationId: string, buildingId: string, date: string): Promise<FiscalYear | null> {
  const [row] = await tx<FiscalYear[]>`select ${tx.unsafe(COLUMNS)} from fiscal_years f
    where f.organization_id = ${organizationId} and f.building_id = ${buildingId}
      and f.start_date <= ${date}::date and f.end_date >= ${date}::date
    for share`;
  return row ?? null;
}

/** Inserts a fiscal year; returns false when a concurrent transaction created the same one first. */
export async function insertFiscalYear(tx: Db, organizationId: string, buildingId: string, p: Period, label: string, at: Date):
  Promise<string | null> {
  const y = Number(p.start.slice(0, 4));
  if (y < 1990 || y > 2100) {
    throw new AppError('fiscal_year.invalid_period', `A fiscal year starting in ${y} is outside the books this instance keeps (1990–2100)`, { field: 'date' });
  }
  // Closed books stay closed: no year may be opened before (or inside) a closed one.
  const [closed] = await tx<{ endDate: string }[]>`select end_date::text as "endDate" from fiscal_years
    where organization_id = ${organizationId} and building_id = ${buildingId} and status = 'closed' and start_date >= ${p.start}
    order by end_date desc limit 1`;
  if (closed) {
    throw new AppError('fiscal_year.closed', `The books are closed up to ${closed.endDate}: no entry or fiscal year can be added before that date`,
      { field: 'date', closedUntil: closed.endDate });
  }
  const rows = await tx<{ id: string }[]>`insert into fiscal_years (organization_id, building_id, label, start_date, end_date, status, created_at)
    values (${organizationId}, ${buildingId}, ${label}, ${p.start}, ${p.end}, 'open', ${at})
    on conflict do nothing returning id`;
  return rows[0]?.id ?? null;
}

export async function closeFiscalYear(tx: Db, organizationId: string, id: string, by: string | null, at: Date): Promise<void> {
  await tx`update fiscal_years set status = 'closed', closed_at = ${at}, closed_by = ${by}
    where organization_id = ${organizationId} and id = ${id}`;
}
