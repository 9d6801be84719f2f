import type { Db } from '../../platform/db.ts';
import { finishPage, keysetCondition, keysetOrder, sortKeyText, type ResolvedPage } from '../../platform/pagination.ts';
import { lotFilterSql, type LotFilter } from '../lots/lots.repo.ts';
import type { LotKind } from '../lots/lots.domain.ts';
import { fraction } from './fraction.domain.ts';
import type { Holding, NewHolding, Right } from './holdings.domain.ts';

/** All SQL of holdings and of the register read. Every statement filters by organization id. */

interface HoldingRow {
  id: string; lotId: string; personId: string; personName: string; right: Right; partNum: number; partDen: number;
  votes: boolean; paysOrdinary: boolean; paysExtraordinary: boolean; validFrom: string; validTo: string | null;
}

const COLUMNS = `h.id, h.lot_id as "lotId", h.person_id as "personId", pe.display_name as "personName", h.right_kind as "right",
  h.part_num as "partNum", h.part_den as "partDen", h.votes, h.pays_ordinary as "paysOrdinary",
  h.pays_extraordinary as "paysExtraordinary", h.valid_from::text as "validFrom", h.valid_to::text as "validTo"`;
const JOIN_PERSON = 'join persons pe on pe.organization_id = h.organization_id and pe.id = h.person_id';
const HOLDER_ORDER = `array_position(array['full', 'usufruct', 'bare'], h.right_kind), pe.sort_name, h.id`;

export function toHolding(r: HoldingRow): Holding {
  const { partNum, partDen, ...rest } = r;
  return { ...rest, part: fraction(partNum, partDen) };
}

/** Every holding of the lot, past, present and future, oldest first. */
export async function lotHoldings(sql: Db, organizationId: string, lotId: string): Promise<Holding[]> {
  const rows = await sql<HoldingRow[]>`select ${sql.unsafe(COLUMNS)} from holdings h ${sql.unsafe(JOIN_PERSON)}
    where h.organization_id = ${organizationId} and h.lot_id = ${lotId}
    order by h.valid_from, ${sql.unsafe(HOLDER_ORDER)}`;
  return rows.map(toHolding);
}

export async function insertHoldings(tx: Db, organizationId: string, lotId: string, holdings: readonly NewHolding[],
  validFrom: string, at: Date): Promise<string[]> {
  const ids: string[] = [];
  for (const h of holdings) {
    const [row] = await tx<{ id: string }[]>`insert into holdings (organization_id, lot_id, person_id, right_kind, part_num, part_den,
        votes, pays_ordinary, pays_extraordinary, valid_from, valid_to, created_at)
      values (${organizationId}, ${lotId}, ${h.personId}, ${h.right}, ${Number(h.part.num)}, ${Number(h.part.den)},
        ${h.votes}, ${h.paysOrdinary}, ${h.paysExtraordinary}, ${validFrom}, null, ${at})
      returning id`;
    ids.push(row!.id);
  }
  return ids;
}

/** Ends the given holdings of the lot on `date` (exclusive). */
export async function closeHoldings(tx: Db, organizationId: string, lotId: string, ids: readonly string[], date: string): Promise<void> {
  if (ids.length === 0) return;
  await tx`update holdings set valid_to = ${date} where organization_id = ${organizationId} and lot_id = ${lotId}
    and id = any(${[...ids]}::uuid[])`;
}

export interface PersonHoldingRow extends Holding { buildingId: string; buildingName: string; lotNumber: string }

/** A person's holdings, newest first, limited to the buildings in scope. */
export async function personHoldings(sql: Db, organizationId: string, personId: string, scope: 'all' | string[]): Promise<PersonHoldingRow[]> {
  const rows = await sql<(HoldingRow & { buildingId: string; buildingName: string; lotNumber: string })[]>`
    select ${sql.unsafe(COLUMNS)}, b.id as "buildingId", b.name as "buildingName", l.number as "lotNumber"
    from holdings h ${sql.unsafe(JOIN_PERSON)}
    join lots l on l.organization_id = h.organization_id and l.id = h.lot_id
    join buildings b on b.organization_id = l.organization_id and b.id = l.building_id
    where h.organization_id = ${organizationId} and h.person_id = ${personId}
    ${scope === 'all' ? sql`` : sql`and b.id = any(${scope}::uuid[])`}
    order by h.valid_from desc, b.name, l.number, h.id`;
  return rows.map((r) => ({ ...toHolding(r), buildingId: r.buildingId, buildingName: r.buildingName, lotNumber: r.lotNumber }));
}

export interface RegisterLotRow {
  id: string; buildingId: string; number: string; kind: LotKind; floor: number | null; shares: number;
  holders: Holding[];
}

export interface RegisterRead {
  building: { id: string; name: string; totalShares: number; sharesAllocated: number };
  items: RegisterLotRow[];
  total: number;
  nextCursor: string | null;
}

interface RegisterFlatRow {
  buildingName: string; totalShares: number; sharesAllocated: number; total: number;
  lotId: string | null; number: string; kind: LotKind; floor: number | null; shares: number; _sort_key: string;
  holdingId: string | null; personId: string; personName: string; right: Right; partNum: number; partDen: number;
  votes: boolean; paysOrdinary: boolean; paysExtraordinary: boolean; validFrom: string; validTo: string | null;
}

/**
 * The register of a building as of a date, one page of lots with their holders, in ONE query.
 * It returns flat rows (a lot repeated per holder) that are grouped here: building JSON inside
 * PostgreSQL per lot cost ten times more (docs/performance.md). No row: unknown building.
 */
export async function readRegister(sql: Db, organizationId: string, buildingId: string, asOf: string, filter: LotFilter,
  page: ResolvedPage): Promise<RegisterRead | null> {
  const rows = await sql<RegisterFlatRow[]>`
    with b as materialized ( -- once, not once per output row
      select b.id, b.name, b.total_shares,
        (select coalesce(sum(l.shares), 0)::int from lots l where l.organization_id = b.organization_id and l.building_id = b.id) as allocated
      from buildings b where b.organization_id = ${organizationId} and b.id = ${buildingId}
    ), f as (
      select l.id, l.building_id, l.number, l.kind, l.floor, l.shares, l.created_at from lots l
      where l.organization_id = ${organizationId} and l.building_id = ${buildingId} ${lotFilterSql(sql, filter)}
    ), p as (
      select f.*, ${sortKeyText(sql, page)} as _sort_key, ${sql.unsafe(page.field.expr)} as _sort_value
      from f where true ${keysetCondition(sql, page)}
      order by ${keysetOrder(sql, page)} limit ${page.limit + 1}
    )
    select b.name as "buildingName", b.total_shares as "totalShares", b.allocated as "sharesAllocated",
      (select count(*)::int from f) as total,
      p.id as "lotId", p.number, p.kind, p.floor, p.shares, p._sort_key,
      h.id as "holdingId", h.person_id as "personId", pe.display_name as "personName", h.right_kind as "right",
      h.part_num as "partNum", h.part_den as "partDen", h.votes, h.pays_ordinary as "paysOrdinary",
      h.pays_extraordinary as "paysExtraordinary", h.valid_from::text as "validFrom", h.valid_to::text as "validTo"
    from b
    left join p on true
    left join holdings h on h.organization_id = ${organizationId} and h.lot_id = p.id
      and h.valid_from <= ${asOf}::date and (h.valid_to is null or h.valid_to > ${asOf}::date)
    left join persons pe on pe.organization_id = h.organization_id and pe.id = h.person_id
    order by ${keysetOrder(sql, page, 'p._sort_value', 'p.id')}, ${sql.unsafe(HOLDER_ORDER)}`;
  const first = rows[0];
  if (!first) return null;
  const lots: (RegisterLotRow & { _sort_key: string })[] = [];
  for (const r of rows) {
    if (r.lotId === null) continue; // a building without lots (on this page)
    let lot = lots[lots.length - 1];
    if (!lot || lot.id !== r.lotId) {
      lot = { id: r.lotId, buildingId, number: r.number, kind: r.kind, floor: r.floor, shares: r.shares, _sort_key: r._sort_key, holders: [] };
      lots.push(lot);
    }
    if (r.holdingId !== null) {
      lot.holders.push(toHolding({ id: r.holdingId, lotId: r.lotId, personId: r.personId, personName: r.personName, right: r.right,
        partNum: r.partNum, partDen: r.partDen, votes: r.votes, paysOrdinary: r.paysOrdinary, paysExtraordinary: r.paysExtraordinary,
        validFrom: r.validFrom, validTo: r.validTo }));
    }
  }
  const { rows: kept, nextCursor } = finishPage(lots, page);
  return {
    building: { id: buildingId, name: first.buildingName, totalShares: first.totalShares, sharesAllocated: first.sharesAllocated },
    items: kept.map(({ _sort_key: _, ...lot }) => lot),
    total: first.total,
    nextCursor,
  };
}
