import type { Db } from '../../platform/db.ts';

/**
 * Test and benchmark fixtures of the accounting module (not used by the instance): a building with
 * lots, one full owner per lot, written straight through SQL so large buildings are quick to make.
 */

export interface LedgerBuilding {
  buildingId: string;
  lots: Array<{ id: string; number: string; shares: number; personId: string }>;
}

export async function insertLedgerBuilding(sql: Db, organizationId: string, opts: {
  lots: number; sharesPerLot?: number; fiscalYearStart?: string; name?: string; holdingsFrom?: string;
}): Promise<LedgerBuilding> {
  const at = new Date('2024-01-01T00:00:00Z');
  const shares = opts.sharesPerLot ?? 10;
  const [b] = await sql<{ id: string }[]>`insert into buildings (organization_id, name, street, postal_code, city, total_shares,
      fiscal_year_start, language, created_at, updated_at)
    values (${organizationId}, ${opts.name ?? 'Résidence du Grand Livre'}, 'Rue de la Loi 16', '1000', 'Bruxelles', ${opts.lots * shares},
      ${opts.fiscalYearStart ?? '01-01'}, 'fr', ${at}, ${at}) returning id`;
  const buildingId = b!.id;
  const numbers = Array.from({ length: opts.lots }, (_, i) => String(i + 1).padStart(3, '0'));
  const lots = await sql<{ id: string; number: string }[]>`insert into lots ${sql(numbers.map((number) => ({
    organization_id: organizationId, building_id: buildingId, number, kind: 'apartment', floor: 1, shares, created_at: at, updated_at: at,
  })))} returning id, number`;
  const persons = await sql<{ id: string; last_name: string }[]>`insert into persons ${sql(numbers.map((n) => ({
    organization_id: organizationId, kind: 'natural', first_name: 'Owner', last_name: `Lot ${n}`, language: 'fr', created_at: at, updated_at: at,
  })))} returning id, last_name`;
  const personOf = new Map(persons.map((p) => [p.last_name.slice(4), p.id]));
  const byNumber = new Map(lots.map((l) => [l.number, l.id]));
  const out = numbers.map((number) => ({ id: byNumber.get(number)!, number, shares, personId: personOf.get(number)! }));
  await sql`insert into holdings ${sql(out.map((l) => ({
    organization_id: organizationId, lot_id: l.id, person_id: l.personId, right_kind: 'full', part_num: 1, part_den: 1,
    votes: true, pays_ordinary: true, pays_extraordinary: true, valid_from: opts.holdingsFrom ?? '2020-01-01', created_at: at,
  })))}`;
  return { buildingId, lots: out };
}
