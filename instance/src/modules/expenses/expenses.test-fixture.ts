import { createBuilding, createLot, createPerson, type Client } from '../../../test/support/register.ts';

/**
 * Test support for the expenses and distribution int tests (imported by *.int.test.ts only).
 *
 * A building of 1 000 shares, register complete from 2020-01-01:
 *   lot A1 (500 shares)  An Janssens, full owner
 *   lot B1 (300 shares)  Bert Claes 1/2 + Chloé Dupont 1/2, full owners
 *   lot C1 (200 shares)  Dirk Peeters usufruct, Eva Maes bare owner
 */
export interface SmallBuilding {
  buildingId: string;
  lots: { a: string; b: string; c: string };
  persons: { an: string; bert: string; chloe: string; dirk: string; eva: string };
}

const part = (numerator = 1, denominator = 1) => ({ numerator, denominator });

export async function ok(res: Promise<{ statusCode: number; body: string; json(): any }>, status = 201): Promise<any> {
  const r = await res;
  if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode} ${r.body}`);
  return r.statusCode === 204 ? null : r.json();
}

export async function smallBuilding(api: Client, over: Record<string, unknown> = {}): Promise<SmallBuilding> {
  const b = await createBuilding(api, { totalShares: 1000, enterpriseNumber: null, ...over });
  const a = await createLot(api, b.id, { number: 'A1', shares: 500 });
  const bl = await createLot(api, b.id, { number: 'B1', shares: 300 });
  const c = await createLot(api, b.id, { number: 'C1', shares: 200 });
  const an = await createPerson(api, { firstName: 'An', lastName: 'Janssens' });
  const bert = await createPerson(api, { firstName: 'Bert', lastName: 'Claes' });
  const chloe = await createPerson(api, { firstName: 'Chloé', lastName: 'Dupont' });
  const dirk = await createPerson(api, { firstName: 'Dirk', lastName: 'Peeters' });
  const eva = await createPerson(api, { firstName: 'Eva', lastName: 'Maes' });
  const hold = (lotId: string, holdings: unknown[]) =>
    ok(api.post(`/buildings/${b.id}/lots/${lotId}/holdings`, { validFrom: '2020-01-01', holdings }));
  await hold(a.id, [{ personId: an.id, right: 'full', part: part() }]);
  await hold(bl.id, [{ personId: bert.id, right: 'full', part: part(1, 2) }, { personId: chloe.id, right: 'full', part: part(1, 2) }]);
  await hold(c.id, [{ personId: dirk.id, right: 'usufruct', part: part() }, { personId: eva.id, right: 'bare', part: part() }]);
  return {
    buildingId: b.id,
    lots: { a: a.id, b: bl.id, c: c.id },
    persons: { an: an.id, bert: bert.id, chloe: chloe.id, dirk: dirk.id, eva: eva.id },
  };
}

