import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';
import type { Lot, LotFields, LotKind } from './lots.domain.ts';

/** All SQL of lots. Every statement filters by organization id (and building id). */

const COLUMNS = `l.id, l.building_id as "buildingId", l.number, l.kind, l.floor, l.shares,
  l.created_at as "createdAt", l.updated_at as "updatedAt"`;

/** Sortable fields, over the alias `f` (a floor left empty sorts first). */
export const LOT_SORTS: SortFields<'number' | 'floor' | 'shares' | 'kind' | 'createdAt'> = {
  number: { expr: 'f.number', type: 'text' },
  floor: { expr: 'coalesce(f.floor, -2147483648)', type: 'integer' },
  shares: { expr: 'f.shares', type: 'integer' },
  kind: { expr: 'f.kind', type: 'text' },
  createdAt: { expr: 'f.created_at', type: 'timestamptz' },
};

export async function findLot(sql: Db, organizationId: string, buildingId: string, id: string): Promise<Lot | null> {
  const [row] = await sql<Lot[]>`select ${sql.unsafe(COLUMNS)} from lots l
    where l.organization_id = ${organizationId} and l.building_id = ${buildingId} and l.id = ${id}`;
  return row ?? null;
}

/** Locks the lot row: holdings of one lot change one transaction at a time. */
export async function lockLot(tx: Db, organizationId: string, buildingId: string, id: string): Promise<Lot | null> {
  const [row] = await tx<Lot[]>`select ${tx.unsafe(COLUMNS)} from lots l
    where l.organization_id = ${organizationId} and l.building_id = ${buildingId} and l.id = ${id} for no key update`;
  return row ?? null;
}

export async function numberTaken(sql: Db, organizationId: string, buildingId: string, number: string, exceptId?: string): Promise<boolean> {
  const rows = await sql`select 1 from lots where organization_id = ${organizationId} and building_id = ${buildingId}
    and number = ${number} ${exceptId ? sql`and id <> ${exceptId}` : sql``}`;
  return rows.length > 0;
}

export async function hasHistory(sql: Db, organizationId: string, lotId: string): Promise<boolean> {
  const rows = await sql`select 1 from holdings where organization_id = ${organizationId} and lot_id = ${lotId} limit 1`;
  return rows.length > 0;
}

export const numberTakenError = (number: string) =>
  new AppError('lot.number_taken', `Lot number ${number} is already used in this building`, { field: 'number' });

/** A concurrent insert of the same number surfaces as `lot.number_taken`, like the service's own check. */
async function mapUniqueViolation<T>(number: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const err = e as { code?: string; constraint_name?: string };
    if (err.code === '23505' && err.constraint_name === 'lots_building_number_key') throw numberTakenError(number);
    throw e;
  }
}

export async function insertLot(tx: Db, organizationId: string, buildingId: string, f: LotFields, at: Date): Promise<Lot> {
  return mapUniqueViolation(f.number, async () => {
    const [row] = await tx<Lot[]>`insert into lots as l (organization_id, building_id, number, kind, floor, shares, created_at, updated_at)
      values (${organizationId}, ${buildingId}, ${f.number}, ${f.kind}, ${f.floor}, ${f.shares}, ${at}, ${at})
      returning ${tx.unsafe(COLUMNS)}`;
    return row!;
  });
}

export async function updateLot(tx: Db, organizationId: string, buildingId: string, id: string, f: LotFields, at: Date): Promise<Lot> {
  return mapUniqueViolation(f.number, async () => {
    const [row] = await tx<Lot[]>`update lots as l set number = ${f.number}, kind = ${f.kind}, floor = ${f.floor},
        shares = ${f.shares}, updated_at = ${at}
      where l.organization_id = ${organizationId} and l.building_id = ${buildingId} and l.id = ${id}
      returning ${tx.unsafe(COLUMNS)}`;
    return row!;
  });
}

export async function deleteLot(tx: Db, organizationId: string, buildingId: string, id: string): Promise<boolean> {
  const rows = await tx`delete from lots where organization_id = ${organizationId} and building_id = ${buildingId} and id = ${id}
    returning id`;
  return rows.length > 0;
}

export interface LotFilter { kind?: LotKind | undefined; floor?: number | undefined }

/** The lot filters as SQL over the alias `l`. */
export function lotFilterSql(sql: Db, f: LotFilter) {
  return sql`${f.kind ? sql`and l.kind = ${f.kind}` : sql``}
    ${f.floor !== undefined ? sql`and l.floor = ${f.floor}` : sql``}`;
}

export async function listLots(sql: Db, organizationId: string, buildingId: string, filter: LotFilter, page: ResolvedPage) {
  const filtered = sql`select ${sql.unsafe(COLUMNS)}, l.created_at from lots l
    where l.organization_id = ${organizationId} and l.building_id = ${buildingId} ${lotFilterSql(sql, filter)}`;
  const result = await keysetPage<Lot & { created_at?: Date }>(sql, filtered, page);
  for (const r of result.rows) delete r.created_at;
  return { items: result.rows as Lot[], total: result.total, nextCursor: result.nextCursor };
}
