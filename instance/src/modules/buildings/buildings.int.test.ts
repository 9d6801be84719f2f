import { describe, expect, it } from 'vitest';
import { buildingBody, createBuilding, createLot, registerHarness, UNKNOWN_ID } from '../../../test/support/register.ts';

const h = await registerHarness();
const { api } = h;

describe('buildings CRUD', () => {
  it('creates, reads, patches and deletes a building, with an audit row per change', async () => {
    const created = await api.post('/buildings', buildingBody({ enterpriseNumber: 'BE 0123.456.749', fiscalYearStart: '07-01' }));
    expect(created.statusCode).toBe(201);
    const b = created.json();
    expect(b).toMatchObject({
      name: 'Résidence Les Tilleuls', address: { street: 'Rue Royale 120', postalCode: '1000', city: 'Bruxelles', country: 'BE' },
      enterpriseNumber: '0123456749', totalShares: 1000, fiscalYearStart: '07-01', language: 'fr',
      lotCount: 0, sharesAllocated: 0, complete: false,
    });
    expect((await api.get(`/buildings/${b.id}`)).json()).toEqual(b);

    const patched = await api.patch(`/buildings/${b.id}`, { name: 'Les Tilleuls', address: { city: 'Ixelles', postalCode: '1050' }, enterpriseNumber: null });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Les Tilleuls', enterpriseNumber: null, address: { street: 'Rue Royale 120', city: 'Ixelles', postalCode: '1050' } });

    expect((await api.del(`/buildings/${b.id}`)).statusCode).toBe(204);
    expect((await api.get(`/buildings/${b.id}`)).json().error.code).toBe('building.not_found');
    const audit = await h.t.deps.sql<{ action: string; details: Record<string, unknown> }[]>`
      select action, details from audit_log where entity_id = ${b.id} order by id`;
    expect(audit.map((a) => a.action)).toEqual(['building.created', 'building.updated', 'building.deleted']);
    expect(audit[1]!.details).toEqual({ fields: ['name', 'enterpriseNumber', 'address.postalCode', 'address.city'] });
  });

  it('is complete only when the lots hold exactly the total', async () => {
    const b = await createBuilding(api, { totalShares: 100 });
    await createLot(api, b.id, { number: '1', shares: 60 });
    expect((await api.get(`/buildings/${b.id}`)).json()).toMatchObject({ lotCount: 1, sharesAllocated: 60, complete: false });
    await createLot(api, b.id, { number: '2', shares: 40 });
    expect((await api.get(`/buildings/${b.id}`)).json()).toMatchObject({ lotCount: 2, sharesAllocated: 100, complete: true });
  });

  it('refuses a total below the shares already allocated (422) and a delete with lots (409)', async () => {
    const b = await createBuilding(api, { totalShares: 100 });
    await createLot(api, b.id, { number: '1', shares: 80 });
    const res = await api.patch(`/buildings/${b.id}`, { totalShares: 79 });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'lot.shares_exceed_total', details: { field: 'totalShares', allocated: 80 } });
    const del = await api.del(`/buildings/${b.id}`);
    expect(del.statusCode).toBe(409);
    expect(del.json().error.code).toBe('building.has_lots');
    expect((await api.get(`/buildings/${b.id}`)).json().totalShares).toBe(100);
  });
});

describe('building input', () => {
  it('answers 400 naming the field for malformed input', async () => {
    const cases: Array<[unknown, string]> = [
      [buildingBody({ totalShares: 0 }), 'body.totalShares'],
      [buildingBody({ totalShares: 10.5 }), 'body.totalShares'],
      [buildingBody({ language: 'es' }), 'body.language'],
      [buildingBody({ address: { street: 'x', city: 'y' } }), 'body.address.postalCode'],
      [buildingBody({ fiscalYearStart: '2024-01-01' }), 'body.fiscalYearStart'],
      [buildingBody({ address: { street: 'x', postalCode: '1000', city: 'y', country: 'Belgium' } }), 'body.address.country'],
    ];
    for (const [body, field] of cases) {
      const res = await api.post('/buildings', body);
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.code).toBe('request.invalid');
      expect(res.json().error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
    const badId = await api.get('/buildings/not-a-uuid');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.details.issues[0].field).toBe('params.buildingId');
  });

  it('answers 422 with a stable code for an invalid BCE number or fiscal-year start', async () => {
    const bce = await api.post('/buildings', buildingBody({ enterpriseNumber: '0123.456.748' }));
    expect(bce.statusCode).toBe(422);
    expect(bce.json().error).toMatchObject({ code: 'building.enterprise_number_invalid', details: { field: 'enterpriseNumber' } });
    const fy = await api.post('/buildings', buildingBody({ fiscalYearStart: '02-30' }));
    expect(fy.statusCode).toBe(422);
    expect(fy.json().error.details.field).toBe('fiscalYearStart');
  });
});

describe('building lists', () => {
  it('paginates with limit and cursor, filters with q and sorts', async () => {
    const o = await h.otherOrg();
    const names = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'];
    for (const [i, name] of names.entries()) {
      await createBuilding(o.api, { name, address: { street: 'Rue 1', postalCode: '1000', city: i % 2 ? 'Gent' : 'Liège' } });
    }
    const first = (await o.api.get('/buildings?limit=2')).json();
    expect(first.total).toBe(5);
    expect(first.items.map((b: { name: string }) => b.name)).toEqual(['Alpha', 'Bravo']);
    const second = (await o.api.get(`/buildings?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((b: { name: string }) => b.name)).toEqual(['Charlie', 'Delta']);
    const third = (await o.api.get(`/buildings?limit=2&cursor=${second.nextCursor}`)).json();
    expect(third).toMatchObject({ total: 5, nextCursor: null });
    expect(third.items.map((b: { name: string }) => b.name)).toEqual(['Echo']);

    const desc = (await o.api.get('/buildings?sort=-name&limit=3')).json();
    expect(desc.items.map((b: { name: string }) => b.name)).toEqual(['Echo', 'Delta', 'Charlie']);
    const descNext = (await o.api.get(`/buildings?sort=-name&limit=3&cursor=${desc.nextCursor}`)).json();
    expect(descNext.items.map((b: { name: string }) => b.name)).toEqual(['Bravo', 'Alpha']);

    const gent = (await o.api.get('/buildings?q=gent')).json();
    expect(gent.total).toBe(2);
    expect(gent.items.map((b: { name: string }) => b.name)).toEqual(['Bravo', 'Delta']);
    expect((await o.api.get('/buildings?q=%25')).json().total).toBe(0); // a literal %, not a wildcard

    const byCreated = (await o.api.get('/buildings?sort=createdAt&limit=4')).json();
    const rest = (await o.api.get(`/buildings?sort=createdAt&limit=4&cursor=${byCreated.nextCursor}`)).json();
    expect([...byCreated.items, ...rest.items].map((b: { name: string }) => b.name).sort()).toEqual(names);
  });

  it('answers 400 for a bad limit, sort or cursor', async () => {
    for (const q of ['limit=0', 'limit=201', 'limit=abc', 'sort=password', 'cursor=%%%']) {
      const res = await api.get(`/buildings?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.code).toBe('request.invalid');
    }
    const cursor = (await api.get('/buildings?limit=1')).json().nextCursor;
    const other = await api.get(`/buildings?limit=1&sort=-name&cursor=${cursor}`);
    expect(other.statusCode).toBe(400);
    expect(other.json().error.details.field).toBe('querystring.cursor');
  });
});

describe('tenants and grants', () => {
  it('answers 404 for another organization\'s building and changes nothing', async () => {
    const o = await h.otherOrg();
    const theirs = await createBuilding(o.api, { name: 'Theirs' });
    for (const res of [
      await api.get(`/buildings/${theirs.id}`),
      await api.patch(`/buildings/${theirs.id}`, { name: 'Hijacked' }),
      await api.del(`/buildings/${theirs.id}`),
      await api.get(`/buildings/${UNKNOWN_ID}`),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('building.not_found');
    }
    expect((await o.api.get(`/buildings/${theirs.id}`)).json().name).toBe('Theirs');
    expect((await api.get('/buildings?limit=200')).json().items.map((b: { id: string }) => b.id)).not.toContain(theirs.id);
  });

  it('lets a building-scoped owner see only that building, read-only', async () => {
    const o = await h.otherOrg();
    const a = await createBuilding(o.api, { name: 'A' });
    const b = await createBuilding(o.api, { name: 'B' });
    const owner = await h.actor([{ role: 'owner', buildingId: a.id }], o.orgId);
    const list = (await owner.get('/buildings')).json();
    expect(list).toMatchObject({ total: 1, items: [{ id: a.id }] });
    expect((await owner.get(`/buildings/${a.id}`)).statusCode).toBe(200);
    expect((await owner.get(`/buildings/${b.id}`)).statusCode).toBe(404);
    expect((await owner.patch(`/buildings/${a.id}`, { name: 'Mine' })).statusCode).toBe(403);
    expect((await owner.post('/buildings', buildingBody())).statusCode).toBe(403);
    expect((await owner.del(`/buildings/${a.id}`)).statusCode).toBe(403);
    expect((await o.api.get(`/buildings/${a.id}`)).json().name).toBe('A');
  });

  it('refuses to delete a building on which a role is granted (409)', async () => {
    const b = await createBuilding(api, { name: 'Granted' });
    await h.actor([{ role: 'owner', buildingId: b.id }]);
    const res = await api.del(`/buildings/${b.id}`);
    expect(res.statusCode).toBe(409); // needs 'building.has_grants': 409 in http-errors.ts
    expect(res.json().error.code).toBe('building.has_grants');
  });
});
