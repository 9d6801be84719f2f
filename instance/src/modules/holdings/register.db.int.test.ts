import { describe, expect, it } from 'vitest';
import { fromDatabaseError } from '../../platform/http-errors.ts';
import { createActor, createOrganization } from '../../../test/support/actors.ts';
import { createTestApp } from '../../../test/support/test-app.ts';

/** The database holds the register's invariants by itself: these tests bypass the services. */

const t = await createTestApp();
const sql = t.deps.sql;
const at = new Date('2024-01-01T00:00:00Z');

async function dbError(run: () => Promise<unknown>): Promise<{ code: string; message: string; details: unknown }> {
  try {
    await run();
  } catch (e) {
    const app = fromDatabaseError(e);
    if (app) return { code: app.code, message: app.message, details: app.details };
    const pg = e as { code?: string; constraint_name?: string };
    return { code: `pg:${pg.code}`, message: String(pg.constraint_name), details: null };
  }
  throw new Error('expected the database to refuse');
}

async function org() {
  return (await createOrganization(t.deps)).id;
}
async function building(orgId: string, total = 100) {
  const [b] = await sql<{ id: string }[]>`insert into buildings (organization_id, name, street, postal_code, city, total_shares, language, created_at, updated_at)
    values (${orgId}, 'B', 'Rue 1', '1000', 'Bruxelles', ${total}, 'fr', ${at}, ${at}) returning id`;
  return b!.id;
}
async function lot(orgId: string, buildingId: string, number: string, shares: number) {
  const [l] = await sql<{ id: string }[]>`insert into lots (organization_id, building_id, number, kind, shares, created_at, updated_at)
    values (${orgId}, ${buildingId}, ${number}, 'apartment', ${shares}, ${at}, ${at}) returning id`;
  return l!.id;
}
async function person(orgId: string, lastName = 'X') {
  const [p] = await sql<{ id: string }[]>`insert into persons (organization_id, kind, last_name, language, created_at, updated_at)
    values (${orgId}, 'natural', ${lastName}, 'fr', ${at}, ${at}) returning id`;
  return p!.id;
}
function holding(orgId: string, lotId: string, personId: string, right: string, n: number, d: number, from: string, to: string | null = null) {
  return sql<{ id: string }[]>`insert into holdings (organization_id, lot_id, person_id, right_kind, part_num, part_den, votes,
      pays_ordinary, pays_extraordinary, valid_from, valid_to, created_at)
    values (${orgId}, ${lotId}, ${personId}, ${right}, ${n}, ${d}, true, true, true, ${from}, ${to}, ${at}) returning id`;
}

describe('database invariants', () => {
  it('keeps lot shares within the building total, on insert, lot update and total update', async () => {
    const o = await org();
    const b = await building(o, 100);
    const l1 = await lot(o, b, '1', 60);
    expect(await dbError(() => lot(o, b, '2', 41))).toMatchObject({ code: 'lot.shares_exceed_total', details: { field: 'shares', totalShares: 100, allocated: 101 } });
    await lot(o, b, '2', 40);
    expect((await dbError(() => sql`update lots set shares = 61 where id = ${l1}`)).code).toBe('lot.shares_exceed_total');
    expect(await dbError(() => sql`update buildings set total_shares = 99 where id = ${b}`)).toMatchObject({ code: 'lot.shares_exceed_total', details: { field: 'totalShares' } });
  });

  it('keeps a lot\'s parts within 100 % at every date, with split rights and exact thirds', async () => {
    const o = await org();
    const l = await lot(o, await building(o), '1', 10);
    const [a, b, c, d] = [await person(o, 'A'), await person(o, 'B'), await person(o, 'C'), await person(o, 'D')];
    for (const p of [a, b, c]) await holding(o, l, p, 'full', 1, 3, '2020-01-01');
    expect(await dbError(() => holding(o, l, d, 'full', 1, 1000, '2021-01-01'))).toMatchObject({ code: 'holding.parts_exceed_whole', details: { date: '2021-01-01' } });

    const l2 = await lot(o, await building(o), '1', 10);
    await holding(o, l2, a, 'usufruct', 1, 1, '2020-01-01');
    await holding(o, l2, b, 'bare', 1, 1, '2020-01-01');
    expect((await dbError(() => holding(o, l2, c, 'usufruct', 1, 2, '2022-01-01'))).code).toBe('holding.parts_exceed_whole');
    // a holding that starts before another ends overlaps it; one that starts when it ends does not
    const l3 = await lot(o, await building(o), '1', 10);
    await holding(o, l3, a, 'full', 1, 1, '2010-01-01', '2015-01-01');
    expect(await dbError(() => holding(o, l3, b, 'full', 1, 2, '2014-12-31'))).toMatchObject({ code: 'holding.parts_exceed_whole', details: { date: '2014-12-31' } });
    await holding(o, l3, d, 'full', 1, 2, '2015-01-01');
    await holding(o, l3, c, 'full', 1, 2, '2016-01-01');
    expect((await dbError(() => holding(o, l3, b, 'full', 1, 2, '2017-01-01'))).code).toBe('holding.parts_exceed_whole');
    // Exact, with no tolerance: 1/2 + 500000001/1000000000 exceeds 1 by a billionth and is refused.
    const l4 = await lot(o, await building(o), '1', 10);
    await holding(o, l4, a, 'full', 1, 2, '2020-01-01');
    expect((await dbError(() => holding(o, l4, b, 'full', 500_000_001, 1_000_000_000, '2020-01-01'))).code).toBe('holding.parts_exceed_whole');
    await holding(o, l4, b, 'full', 499_999_999, 999_999_998, '2020-01-01'); // exactly 1/2
  });

  it('keeps history: no deletes of holdings, lots or persons with history, a closed holding stays closed', async () => {
    const o = await org();
    const b = await building(o);
    const l = await lot(o, b, '1', 10);
    const p = await person(o);
    const [h] = await holding(o, l, p, 'full', 1, 1, '2020-01-01');
    expect((await dbError(() => sql`delete from holdings where id = ${h!.id}`)).code).toBe('holding.history_immutable');
    expect((await dbError(() => sql`update holdings set part_num = 1, part_den = 2 where id = ${h!.id}`)).code).toBe('holding.history_immutable');
    await sql`update holdings set valid_to = '2021-01-01' where id = ${h!.id}`;
    expect((await dbError(() => sql`update holdings set valid_to = '2022-01-01' where id = ${h!.id}`)).code).toBe('holding.already_closed');
    expect((await dbError(() => sql`delete from lots where id = ${l}`)).code).toBe('lot.has_history');
    expect((await dbError(() => sql`delete from persons where id = ${p}`)).code).toBe('person.has_history');
    expect((await dbError(() => sql`delete from buildings where id = ${b}`)).code).toBe('building.has_lots');
    const rows = await sql`select 1 from holdings where id = ${h!.id}`;
    expect(rows).toHaveLength(1);
  });

  it('never lets a row reference another tenant\'s row', async () => {
    const mine = await org();
    const theirs = await org();
    const theirBuilding = await building(theirs);
    const theirLot = await lot(theirs, theirBuilding, '1', 10);
    const theirPerson = await person(theirs);
    const myLot = await lot(mine, await building(mine), '1', 10);
    const myPerson = await person(mine);
    expect((await dbError(() => lot(mine, theirBuilding, '2', 1))).code).toBe('db.referenced');
    expect((await dbError(() => holding(mine, theirLot, myPerson, 'full', 1, 1, '2020-01-01'))).code).toBe('db.referenced');
    expect((await dbError(() => holding(mine, myLot, theirPerson, 'full', 1, 1, '2020-01-01'))).code).toBe('db.referenced');
    const user = await createActor(t.deps, { organizationId: mine, grants: [] });
    expect((await dbError(() => sql`insert into role_grants (organization_id, user_id, role, building_id, granted_at)
      values (${mine}, ${user.userId}, 'owner', ${theirBuilding}, ${at})`)).code).toBe('db.referenced');
  });

  it('checks BCE numbers and person kinds', async () => {
    const o = await org();
    const b = await building(o);
    expect((await dbError(() => sql`update buildings set enterprise_number = '0123456748' where id = ${b}`)).code).toBe('request.rejected_by_database');
    await sql`update buildings set enterprise_number = '0123456749' where id = ${b}`;
    expect((await dbError(() => sql`insert into persons (organization_id, kind, company_name, language, created_at, updated_at)
      values (${o}, 'natural', 'ACME', 'fr', ${at}, ${at})`)).code).toBe('request.rejected_by_database');
  });
});
