import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { fraction } from '../holdings/fraction.domain.ts';
import type { Right } from '../holdings/holdings.domain.ts';
import type { KeyKind, KeyMember } from './distribution.domain.ts';

/** All SQL of distribution keys and of the distribution read. Every statement filters by organization id. */

export interface KeyLotView { lotId: string; lotNumber: string; shares: number; weight: number }
export interface DistributionKey {
  id: string; buildingId: string; name: string; kind: KeyKind; createdAt: Date; updatedAt: Date;
  lots: KeyLotView[];
}

interface KeyRow { id: string; buildingId: string; name: string; kind: KeyKind; createdAt: Date; updatedAt: Date }

const KEY_COLUMNS = `k.id, k.building_id as "buildingId", k.name, k.kind, k.created_at as "createdAt", k.updated_at as "updatedAt"`;

async function keyLots(sql: Db, organizationId: string, keyIds: string[]): Promise<Map<string, KeyLotView[]>> {
  const rows = await sql<(KeyLotView & { keyId: string })[]>`
    select kl.key_id as "keyId", l.id as "lotId", l.number as "lotNumber", l.shares, coalesce(kl.weight, l.shares) as weight
    from distribution_key_lots kl join lots l on l.organization_id = kl.organization_id and l.id = kl.lot_id
    where kl.organization_id = ${organizationId} and kl.key_id = any(${keyIds}::uuid[])
    order by l.number`;
  const m = new Map<string, KeyLotView[]>(keyIds.map((id) => [id, []]));
  for (const { keyId, ...lot } of rows) m.get(keyId)!.push({ ...lot, weight: Number(lot.weight) });
  return m;
}

export async function listKeys(sql: Db, organizationId: string, buildingId: string): Promise<DistributionKey[]> {
  const rows = await sql<KeyRow[]>`select ${sql.unsafe(KEY_COLUMNS)} from distribution_keys k
    where k.organization_id = ${organizationId} and k.building_id = ${buildingId} order by k.name, k.id`;
  const lots = await keyLots(sql, organizationId, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, lots: lots.get(r.id)! }));
}

export async function findKey(sql: Db, organizationId: string, buildingId: string, id: string, lock = false): Promise<DistributionKey | null> {
  const [row] = await sql<KeyRow[]>`select ${sql.unsafe(KEY_COLUMNS)} from distribution_keys k
    where k.organization_id = ${organizationId} and k.building_id = ${buildingId} and k.id = ${id}
    ${lock ? sql`for no key update` : sql``}`;
  if (!row) return null;
  return { ...row, lots: (await keyLots(sql, organizationId, [row.id])).get(row.id)! };
}

export async function keyExists(sql: Db, organizationId: string, buildingId: string, id: string): Promise<boolean> {
  const rows = await sql`select 1 from distribution_keys where organization_id = ${organizationId} and building_id = ${buildingId} and id = ${id}`;
  return rows.length > 0;
}

/** The ids of the given lots that belong to the building (to name the unknown ones). */
export async function lotsOfBuilding(sql: Db, organizationId: string, buildingId: string, lotIds: string[]): Promise<Set<string>> {
  const rows = await sql<{ id: string }[]>`select id from lots where organization_id = ${organizationId}
    and building_id = ${buildingId} and id = any(${lotIds}::uuid[])`;
  return new Set(rows.map((r) => r.id));
}

const nameTaken = (name: string) =>
  new AppError('distribution_key.duplicate', `A distribution key named "${name}" already exists in this building`, { field: 'name' });

async function mapNameConflict<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const err = e as { code?: string; constraint_name?: string };
    if (err.code === '23505' && err.constraint_name === 'distribution_keys_building_name_key') throw nameTaken(name);
    throw e;
  }
}

export async function insertKey(tx: Db, organizationId: string, buildingId: string, f: { name: string; kind: KeyKind }, at: Date): Promise<string> {
  return mapNameConflict(f.name, async () => {
    const [row] = await tx<{ id: string }[]>`insert into distribution_keys (organization_id, building_id, name, kind, created_at, updated_at)
      values (${organizationId}, ${buildingId}, ${f.name}, ${f.kind}, ${at}, ${at}) returning id`;
    return row!.id;
  });
}

export async function renameKey(tx: Db, organizationId: string, id: string, name: string, at: Date): Promise<void> {
  await mapNameConflict(name, () => tx`update distribution_keys set name = ${name}, updated_at = ${at}
    where organization_id = ${organizationId} and id = ${id}`);
}

export async function replaceKeyLots(tx: Db, organizationId: string, keyId: string, members: readonly KeyMember[], at: Date): Promise<void> {
  await tx`delete from distribution_key_lots where organization_id = ${organizationId} and key_id = ${keyId}`;
  await tx`insert into distribution_key_lots ${tx(members.map((m) => ({
    organization_id: organizationId, key_id: keyId, lot_id: m.lotId, weight: m.weight,
  })))}`;
  await tx`update distribution_keys set updated_at = ${at} where organization_id = ${organizationId} and id = ${keyId}`;
}

export async function keyInUse(sql: Db, organizationId: string, keyId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from expenses
    where organization_id = ${organizationId} and distribution_key_id = ${keyId}`;
  return row!.n;
}

export async function deleteKey(tx: Db, organizationId: string, id: string): Promise<void> {
  await tx`delete from distribution_keys where organization_id = ${organizationId} and id = ${id}`;
}

// ── The distribution read ───────────────────────────────────────────────────

export interface BuildingShares { totalShares: number; sharesAllocated: number }

export async function buildingShares(sql: Db, organizationId: string, buildingId: string): Promise<BuildingShares | null> {
  const [row] = await sql<BuildingShares[]>`select b.total_shares as "totalShares",
      (select coalesce(sum(l.shares), 0)::int from lots l where l.organization_id = b.organization_id and l.building_id = b.id) as "sharesAllocated"
    from buildings b where b.organization_id = ${organizationId} and b.id = ${buildingId}`;
  return row ?? null;
}

export interface WeightedLot { lotId: string; lotNumber: string; weight: bigint }

/** The lots a key covers with their weights: every lot by its shares for the general key (keyId null). */
export async function weightedLots(sql: Db, organizationId: string, buildingId: string, keyId: string | null): Promise<WeightedLot[]> {
  const rows = keyId === null
    ? await sql<{ lotId: string; lotNumber: string; weight: number }[]>`select l.id as "lotId", l.number as "lotNumber", l.shares::bigint as weight
        from lots l where l.organization_id = ${organizationId} and l.building_id = ${buildingId}`
    : await sql<{ lotId: string; lotNumber: string; weight: number }[]>`select l.id as "lotId", l.number as "lotNumber",
          coalesce(kl.weight, l.shares::bigint) as weight
        from distribution_key_lots kl join lots l on l.organization_id = kl.organization_id and l.id = kl.lot_id
        where kl.organization_id = ${organizationId} and kl.key_id = ${keyId} and l.building_id = ${buildingId}`;
  return rows.map((r) => ({ lotId: r.lotId, lotNumber: r.lotNumber, weight: BigInt(r.weight) }));
}

export interface HolderAsOf {
  lotId: string; personId: string; personSortKey: string; right: Right;
  partNum: number; partDen: number; paysOrdinary: boolean; paysExtraordinary: boolean;
}

/** The holders of the building's lots on `asOf` (holdings with valid_from ≤ asOf < valid_to). */
export async function holdersAsOf(sql: Db, organizationId: string, buildingId: string, asOf: string) {
  const rows = await sql<HolderAsOf[]>`select h.lot_id as "lotId", h.person_id as "personId", pe.sort_name as "personSortKey",
      h.right_kind as "right", h.part_num as "partNum", h.part_den as "partDen",
      h.pays_ordinary as "paysOrdinary", h.pays_extraordinary as "paysExtraordinary"
    from holdings h
    join lots l on l.organization_id = h.organization_id and l.id = h.lot_id
    join persons pe on pe.organization_id = h.organization_id and pe.id = h.person_id
    where h.organization_id = ${organizationId} and l.building_id = ${buildingId}
      and h.valid_from <= ${asOf}::date and (h.valid_to is null or h.valid_to > ${asOf}::date)`;
  const byLot = new Map<string, (Omit<HolderAsOf, 'partNum' | 'partDen'> & { part: ReturnType<typeof fraction> })[]>();
  for (const { partNum, partDen, ...r } of rows) {
    let list = byLot.get(r.lotId);
    if (!list) byLot.set(r.lotId, (list = []));
    list.push({ ...r, part: fraction(partNum, partDen) });
  }
  return byLot;
}
