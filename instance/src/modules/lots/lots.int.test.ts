import { describe, expect, it } from 'vitest';
import { createBuilding, createLot, createPerson, registerHarness, UNKNOWN_ID } from '../../../test/support/register.ts';

const h = await registerHarness();
const { api } = h;
const numbers = (page: { items: { number: string }[] }) => page.items.map((l) => l.number);

describe('lots CRUD', () => {
  it('creates, reads, patches and deletes a lot', async () => {
    const b = await createBuilding(api);
    const res = await api.post(`/buildings/${b.id}/lots`, { number: 'A1', kind: 'apartment', floor: -1, shares: 120 });
    expect(res.statusCode).toBe(201);
    const lot = res.json();
    expect(lot).toMatchObject({ buildingId: b.id, number: 'A1', kind: 'apartment', floor: -1, shares: 120 });
    expect((await api.get(`/buildings/${b.id}/lots/${lot.id}`)).json()).toEqual(lot);
    const defaults = await api.post(`/buildings/${b.id}/lots`, { number: 'P1', kind: 'parking', shares: 5 });
    expect(defaults.json().floor).toBeNull();

    const patched = await api.patch(`/buildings/${b.id}/lots/${lot.id}`, { floor: null, shares: 130, kind: 'commercial' });
    expect(patched.json()).toMatchObject({ floor: null, shares: 130, kind: 'commercial', number: 'A1' });
    expect((await api.del(`/buildings/${b.id}/lots/${lot.id}`)).statusCode).toBe(204);
    expect((await api.get(`/buildings/${b.id}/lots/${lot.id}`)).statusCode).toBe(404);
    const [audit] = await h.t.deps.sql<{ details: Record<string, unknown> }[]>`
      select details from audit_log where entity_id = ${lot.id} and action = 'lot.updated'`;
    expect(audit!.details).toMatchObject({ fields: ['kind', 'floor', 'shares'], shares: { from: 120, to: 130 } });
  });

  it('never lets the lots exceed the building total (422), nor half-writes', async () => {
    const b = await createBuilding(api, { totalShares: 1000 });
    const big = await createLot(api, b.id, { number: '1', shares: 900 });
    const over = await api.post(`/buildings/${b.id}/lots`, { number: '2', kind: 'cellar', shares: 101 });
    expect(over.statusCode).toBe(422);
    expect(over.json().error).toMatchObject({ code: 'lot.shares_exceed_total', details: { field: 'shares', totalShares: 1000, allocated: 1001, available: 100 } });
    await createLot(api, b.id, { number: '2', shares: 100 });
    const grow = await api.patch(`/buildings/${b.id}/lots/${big.id}`, { shares: 901 });
    expect(grow.statusCode).toBe(422);
    expect(grow.json().error.code).toBe('lot.shares_exceed_total');
    expect((await api.get(`/buildings/${b.id}`)).json()).toMatchObject({ sharesAllocated: 1000, complete: true, lotCount: 2 });
  });

  it('serialises concurrent writers: two lots that each fit but not together', async () => {
    const b = await createBuilding(api, { totalShares: 100 });
    const results = await Promise.all(['X', 'Y', 'Z'].map((number) => api.post(`/buildings/${b.id}/lots`, { number, kind: 'other', shares: 40 })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 201, 422]);
    expect((await api.get(`/buildings/${b.id}`)).json()).toMatchObject({ lotCount: 2, sharesAllocated: 80 });
  });

  it('keeps lot numbers unique within a building (409), not across buildings', async () => {
    const b = await createBuilding(api);
    const other = await createBuilding(api);
    const a1 = await createLot(api, b.id, { number: 'A1', shares: 10 });
    const dup = await api.post(`/buildings/${b.id}/lots`, { number: 'A1', kind: 'apartment', shares: 10 });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'lot.number_taken', details: { field: 'number' } });
    await createLot(api, other.id, { number: 'A1', shares: 10 });
    const a2 = await createLot(api, b.id, { number: 'A2', shares: 10 });
    expect((await api.patch(`/buildings/${b.id}/lots/${a2.id}`, { number: 'A1' })).statusCode).toBe(409);
    expect((await api.patch(`/buildings/${b.id}/lots/${a1.id}`, { number: 'A1' })).statusCode).toBe(200);
  });

  it('refuses to delete a lot with history (409)', async () => {
    const b = await createBuilding(api);
    const lot = await createLot(api, b.id, { number: '1', shares: 10 });
    const p = await createPerson(api, { lastName: 'Peeters' });
    const t = await api.post(`/buildings/${b.id}/lots/${lot.id}/transfers`, {
      date: '2015-01-01', holdings: [{ personId: p.id, right: 'full', part: { numerator: 1, denominator: 1 } }],
    });
    expect(t.statusCode).toBe(201);
    const res = await api.del(`/buildings/${b.id}/lots/${lot.id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('lot.has_history');
    expect((await api.get(`/buildings/${b.id}/lots/${lot.id}`)).statusCode).toBe(200);
  });

  it('answers 400 naming the field', async () => {
    const b = await createBuilding(api);
    for (const [body, field] of [
      [{ number: '', kind: 'apartment', shares: 1 }, 'body.number'],
      [{ number: 'X', kind: 'castle', shares: 1 }, 'body.kind'],
      [{ number: 'X', kind: 'apartment', shares: -1 }, 'body.shares'],
      [{ number: 'X', kind: 'apartment', shares: 1, floor: 1.5 }, 'body.floor'],
    ] as const) {
      const res = await api.post(`/buildings/${b.id}/lots`, body);
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
    expect((await api.get(`/buildings/${b.id}/lots/nope`)).json().error.details.issues[0].field).toBe('params.lotId');
  });
});

describe('lot lists', () => {
  it('paginates, filters by kind and floor, and sorts (including an empty floor)', async () => {
    const b = await createBuilding(api, { totalShares: 10_000 });
    const specs = [['A1', 'apartment', 1, 500], ['A2', 'apartment', 2, 400], ['A3', 'apartment', 3, 300],
      ['C1', 'cellar', -1, 20], ['C2', 'cellar', -2, 30], ['P1', 'parking', null, 50]] as const;
    for (const [number, kind, floor, shares] of specs) await createLot(api, b.id, { number, kind, floor, shares });

    const p1 = (await api.get(`/buildings/${b.id}/lots?limit=4`)).json();
    expect([p1.total, numbers(p1)]).toEqual([6, ['A1', 'A2', 'A3', 'C1']]);
    const p2 = (await api.get(`/buildings/${b.id}/lots?limit=4&cursor=${p1.nextCursor}`)).json();
    expect([numbers(p2), p2.nextCursor]).toEqual([['C2', 'P1'], null]);

    expect(numbers((await api.get(`/buildings/${b.id}/lots?kind=cellar`)).json())).toEqual(['C1', 'C2']);
    expect(numbers((await api.get(`/buildings/${b.id}/lots?kind=cellar&sort=-shares`)).json())).toEqual(['C2', 'C1']);
    expect(numbers((await api.get(`/buildings/${b.id}/lots?floor=-1`)).json())).toEqual(['C1']);

    const byFloor = (await api.get(`/buildings/${b.id}/lots?sort=floor&limit=2`)).json();
    expect(numbers(byFloor)).toEqual(['P1', 'C2']);
    const byFloor2 = (await api.get(`/buildings/${b.id}/lots?sort=floor&limit=2&cursor=${byFloor.nextCursor}`)).json();
    expect(numbers(byFloor2)).toEqual(['C1', 'A1']);
    const desc = (await api.get(`/buildings/${b.id}/lots?sort=-floor&limit=5`)).json();
    const descRest = (await api.get(`/buildings/${b.id}/lots?sort=-floor&limit=5&cursor=${desc.nextCursor}`)).json();
    expect([...numbers(desc), ...numbers(descRest)]).toEqual(['A3', 'A2', 'A1', 'C1', 'C2', 'P1']);
    expect((await api.get(`/buildings/${b.id}/lots?kind=villa`)).statusCode).toBe(400);
  });
});

describe('lots across tenants and grants', () => {
  it('answers 404 for another organization\'s lot, even through a building id of ours', async () => {
    const o = await h.otherOrg();
    const theirB = await createBuilding(o.api);
    const theirLot = await createLot(o.api, theirB.id, { number: 'T1', shares: 10 });
    const ours = await createBuilding(api);
    for (const path of [`/buildings/${theirB.id}/lots/${theirLot.id}`, `/buildings/${ours.id}/lots/${theirLot.id}`]) {
      expect((await api.get(path)).statusCode).toBe(404);
      expect((await api.patch(path, { shares: 1 })).statusCode).toBe(404);
      expect((await api.del(path)).statusCode).toBe(404);
    }
    expect((await api.get(`/buildings/${theirB.id}/lots`)).json().error.code).toBe('building.not_found');
    expect((await api.post(`/buildings/${theirB.id}/lots`, { number: 'X', kind: 'other', shares: 1 })).statusCode).toBe(404);
    expect((await o.api.get(`/buildings/${theirB.id}/lots/${theirLot.id}`)).json()).toMatchObject({ shares: 10, number: 'T1' });
    expect((await o.api.get(`/buildings/${theirB.id}/lots`)).json().total).toBe(1);
    expect((await api.get(`/buildings/${ours.id}/lots/${UNKNOWN_ID}`)).json().error.code).toBe('lot.not_found');
  });

  it('lets an owner of building A read its lots but not B\'s, and write none', async () => {
    const a = await createBuilding(api, { name: 'A' });
    const b = await createBuilding(api, { name: 'B' });
    const lotA = await createLot(api, a.id, { number: '1', shares: 10 });
    await createLot(api, b.id, { number: '1', shares: 10 });
    const owner = await h.actor([{ role: 'owner', buildingId: a.id }]);
    expect((await owner.get(`/buildings/${a.id}/lots`)).json().total).toBe(1);
    expect((await owner.get(`/buildings/${b.id}/lots`)).statusCode).toBe(404);
    expect((await owner.post(`/buildings/${a.id}/lots`, { number: '2', kind: 'other', shares: 1 })).statusCode).toBe(403);
    expect((await owner.patch(`/buildings/${a.id}/lots/${lotA.id}`, { shares: 11 })).statusCode).toBe(403);
    expect((await owner.del(`/buildings/${a.id}/lots/${lotA.id}`)).statusCode).toBe(403);
  });
});
