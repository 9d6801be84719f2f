import type { Db } from '../../platform/db.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';
import { likePattern } from './use-case.ts';
import { isBuildingComplete, type Building, type BuildingFields, type Language } from './buildings.domain.ts';

/** All SQL of buildings. Every statement filters by organization id. */

interface BuildingRow {
  id: string; name: string; street: string; postalCode: string; city: string; country: string;
  enterpriseNumber: string | null; totalShares: number; fiscalYearStart: string; language: Language;
  lotCount: number; sharesAllocated: number; createdAt: Date; updatedAt: Date;
}

export const BUILDING_SORTS: SortFields<'name' | 'city' | 'totalShares' | 'createdAt'> = {
  name: { expr: 'f.name', type: 'text' },
  city: { expr: 'f.city', type: 'text' },
  totalShares: { expr: 'f.total_shares', type: 'integer' },
  createdAt: { expr: 'f.created_at', type: 'timestamptz' },
};

function columns(sql: Db) {
  return sql`b.id, b.name, b.street, b.postal_code as "postalCode", b.city, b.country, b.enterprise_number as "enterpriseNumber",
    b.total_shares as "totalShares", b.fiscal_year_start as "fiscalYearStart", b.language, b.created_at as "createdAt",
    b.updated_at as "updatedAt", b.created_at, b.total_shares,
    coalesce(s.n, 0)::int as "lotCount", coalesce(s.shares, 0)::int as "sharesAllocated"`;
}

function withLotStats(sql: Db) {
  return sql`left join lateral (select count(*) as n, sum(l.shares) as shares from lots l
    where l.organization_id = b.organization_id and l.building_id = b.id) s on true`;
}

function toBuilding(r: BuildingRow): Building {
  return {
    id: r.id, name: r.name,
    address: { street: r.street, postalCode: r.postalCode, city: r.city, country: r.country },
    enterpriseNumber: r.enterpriseNumber, totalShares: r.totalShares, fiscalYearStart: r.fiscalYearStart,
    language: r.language, lotCount: r.lotCount, sharesAllocated: r.sharesAllocated,
    complete: isBuildingComplete(r.totalShares, r.sharesAllocated), createdAt: r.createdAt, updatedAt: r.updatedAt,
  };
}

export async function findBuilding(sql: Db, organizationId: string, id: string): Promise<Building | null> {
  const [row] = await sql<BuildingRow[]>`select ${columns(sql)} from buildings b ${withLotStats(sql)}
    where b.organization_id = ${organizationId} and b.id = ${id}`;
  return row ? toBuilding(row) : null;
}

/** Locks the building row for the rest of the transaction (lot and share changes serialise on it). */
export async function lockBuilding(tx: Db, organizationId: string, id: string): Promise<Building | null> {
  await tx`select 1 from buildings where organization_id = ${organizationId} and id = ${id} for no key update`;
  return findBuilding(tx, organizationId, id);
}

export async function insertBuilding(tx: Db, organizationId: string, f: BuildingFields, at: Date): Promise<string> {
  const [row] = await tx<{ id: string }[]>`insert into buildings (organization_id, name, street, postal_code, city, country,
      enterprise_number, total_shares, fiscal_year_start, language, created_at, updated_at)
    values (${organizationId}, ${f.name}, ${f.address.street}, ${f.address.postalCode}, ${f.address.city}, ${f.address.country},
      ${f.enterpriseNumber}, ${f.totalShares}, ${f.fiscalYearStart}, ${f.language}, ${at}, ${at})
    returning id`;
  return row!.id;
}

export async function updateBuilding(tx: Db, organizationId: string, id: string, f: BuildingFields, at: Date): Promise<void> {
  await tx`update buildings set name = ${f.name}, street = ${f.address.street}, postal_code = ${f.address.postalCode},
      city = ${f.address.city}, country = ${f.address.country}, enterprise_number = ${f.enterpriseNumber},
      total_shares = ${f.totalShares}, fiscal_year_start = ${f.fiscalYearStart}, language = ${f.language}, updated_at = ${at}
    where organization_id = ${organizationId} and id = ${id}`;
}

export async function deleteBuilding(tx: Db, organizationId: string, id: string): Promise<boolean> {
  const rows = await tx`delete from buildings where organization_id = ${organizationId} and id = ${id} returning id`;
  return rows.length > 0;
}

export async function countGrantsOnBuilding(tx: Db, organizationId: string, id: string): Promise<number> {
  const [row] = await tx<{ n: number }[]>`select count(*)::int as n from role_grants
    where organization_id = ${organizationId} and building_id = ${id}`;
  return row!.n;
}

export interface BuildingFilter { q?: string | undefined; scope: 'all' | string[] }

export async function listBuildings(sql: Db, organizationId: string, filter: BuildingFilter, page: ResolvedPage) {
  const filtered = sql`select ${columns(sql)} from buildings b ${withLotStats(sql)}
    where b.organization_id = ${organizationId}
    ${filter.scope === 'all' ? sql`` : sql`and b.id = any(${filter.scope}::uuid[])`}
    ${filter.q ? sql`and (b.name ilike ${likePattern(filter.q)} or b.city ilike ${likePattern(filter.q)})` : sql``}`;
  const result = await keysetPage<BuildingRow>(sql, filtered, page);
  return { items: result.rows.map(toBuilding), total: result.total, nextCursor: result.nextCursor };
}
