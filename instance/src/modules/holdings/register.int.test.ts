import { describe, expect, it } from 'vitest';
import { createBuilding, createLot, createPerson, registerHarness } from '../../../test/support/register.ts';

const h = await registerHarness();
const { api } = h;
const full = (personId: string, numerator = 1, denominator = 1) => ({ personId, right: 'full', part: { numerator, denominator } });

type RegisterLot = { number: string; complete: boolean; holders: { name: string; part: { numerator: number; denominator: number }; validTo: string | null }[] };

describe('GET /buildings/:id/register', () => {
  it('lists 100 lots with their holders as of a date, paginated, in one query', async () => {
    const b = await createBuilding(api, { totalShares: 10_000 });
    const a = await createPerson(api, { firstName: 'An', lastName: 'Janssens' });
    const p = await createPerson(api, { firstName: 'Pieter', lastName: 'Maes' });
    const buyer = await createPerson(api, { kind: 'legal', companyName: 'Immo Leie BV' });
    const lots: { id: string }[] = [];
    for (let i = 1; i <= 100; i++) {
      const lot = await createLot(api, b.id, { number: `L${String(i).padStart(3, '0')}`, kind: i % 10 === 0 ? 'parking' : 'apartment', floor: i % 5, shares: 100 });
      lots.push(lot);
      const holders = i % 2 ? [full(a.id)] : [full(a.id, 1, 2), full(p.id, 1, 2)];
      expect((await api.post(`/buildings/${b.id}/lots/${lot.id}/transfers`, { date: '2015-01-01', holdings: holders })).statusCode).toBe(201);
    }
    const sold = await api.post(`/buildings/${b.id}/lots/${lots[1]!.id}/transfers`, { date: '2022-03-01', holdings: [full(buyer.id)] });
    expect(sold.statusCode).toBe(201);

    const page1 = await api.get(`/buildings/${b.id}/register?asOf=2022-02-28&limit=60`);
    expect(page1.statusCode).toBe(200);
    const r1 = page1.json();
    expect(r1).toMatchObject({ asOf: '2022-02-28', total: 100, building: { id: b.id, totalShares: 10_000, sharesAllocated: 10_000, complete: true } });
    expect(r1.items).toHaveLength(60);
    expect(r1.items[0]).toMatchObject({ number: 'L001', shares: 100, complete: true, holders: [{ name: 'An Janssens', right: 'full', part: { numerator: 1, denominator: 1 } }] });
    expect(r1.items[1].holders.map((x: { name: string }) => x.name)).toEqual(['An Janssens', 'Pieter Maes']);
    expect(r1.items[1].holders[0]).toMatchObject({ part: { numerator: 1, denominator: 2 }, validTo: '2022-03-01' });
    const r2 = (await api.get(`/buildings/${b.id}/register?asOf=2022-02-28&limit=60&cursor=${r1.nextCursor}`)).json();
    expect(r2.items).toHaveLength(40);
    expect(r2.nextCursor).toBeNull();
    expect(new Set([...r1.items, ...r2.items].map((l: RegisterLot) => l.number)).size).toBe(100);

    const after = (await api.get(`/buildings/${b.id}/register?asOf=2022-03-01&limit=2`)).json();
    expect(after.items[1].holders).toMatchObject([{ name: 'Immo Leie BV', validTo: null }]);
    const before = (await api.get(`/buildings/${b.id}/register?asOf=2014-12-31&limit=1`)).json();
    expect(before.items[0]).toMatchObject({ holders: [], complete: false });

    const parkings = (await api.get(`/buildings/${b.id}/register?kind=parking&sort=-number&limit=3`)).json();
    expect(parkings.total).toBe(10);
    expect(parkings.items.map((l: RegisterLot) => l.number)).toEqual(['L100', 'L090', 'L080']);
    expect((await api.get(`/buildings/${b.id}/register?floor=0`)).json().total).toBe(20);

    // the read is one SQL statement, whatever the number of lots
    const statements = await capturedStatements(() => api.get(`/buildings/${b.id}/register?limit=100`));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/left join holdings h/);
  });

  it('answers the building with an empty page when it has no lots, and 404 for an unknown one', async () => {
    const b = await createBuilding(api);
    const r = (await api.get(`/buildings/${b.id}/register`)).json();
    expect(r).toMatchObject({ items: [], total: 0, nextCursor: null, building: { sharesAllocated: 0, complete: false } });
    expect((await api.get('/buildings/00000000-0000-4000-8000-000000000000/register')).statusCode).toBe(404);
  });
});

/** The statements a request sends on the pool (postgres.js debug hook), leaving out the authentication hook's. */
async function capturedStatements(run: () => Promise<unknown>): Promise<string[]> {
  const sql = h.t.deps.sql as unknown as { options: { debug?: unknown } };
  const previous = sql.options.debug;
  const seen: string[] = [];
  sql.options.debug = (_conn: number, query: string) => {
    if (!/\bfrom (sessions|users|role_grants|api_tokens)\b/i.test(query)) seen.push(query);
  };
  try {
    await run();
  } finally {
    sql.options.debug = previous;
  }
  return seen;
}

describe('OpenAPI', () => {
  it('documents the register routes from their zod schemas', async () => {
    const res = await h.t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { paths: Record<string, Record<string, { tags?: string[]; parameters?: { name: string }[] }>> };
    const register = Object.entries(doc.paths).filter(([, ops]) => Object.values(ops).some((op) => op.tags?.includes('register')));
    expect(register.map(([path]) => path)).toEqual(expect.arrayContaining([
      '/api/v1/orgs/{orgId}/buildings', '/api/v1/orgs/{orgId}/buildings/{buildingId}/register',
      '/api/v1/orgs/{orgId}/buildings/{buildingId}/lots/{lotId}/transfers', '/api/v1/orgs/{orgId}/persons/{personId}/holdings',
    ]));
    const params = doc.paths['/api/v1/orgs/{orgId}/buildings/{buildingId}/register']!.get!.parameters!.map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['asOf', 'limit', 'cursor', 'sort', 'kind', 'floor', 'buildingId']));
  });
});
