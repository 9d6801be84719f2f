import { describe, expect, it } from 'vitest';
import { createBuilding, createLot, createPerson, registerHarness, type Client } from '../../../test/support/register.ts';

const h = await registerHarness();
const { api } = h;
const holding = (personId: string, right: string, numerator: number, denominator: number, extra: object = {}) =>
  ({ personId, right, part: { numerator, denominator }, ...extra });

async function lotWithPeople(client: Client = api, names = ['Lambert', 'Peeters', 'Renard', 'Dubois']) {
  const b = await createBuilding(client);
  const lot = await createLot(client, b.id, { number: 'A1', shares: 100 });
  const people = [];
  for (const lastName of names) people.push(await createPerson(client, { lastName }));
  return { b, lot, base: `/buildings/${b.id}/lots/${lot.id}`, ids: people.map((p) => p.id) };
}

describe('holdings', () => {
  it('adds holders while the parts allow, with default flags per right', async () => {
    const { base, ids } = await lotWithPeople();
    const first = await api.post(`${base}/holdings`, { validFrom: '2020-01-01', holdings: [holding(ids[0]!, 'usufruct', 1, 1)] });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ complete: false, enjoymentParts: '1', titleParts: '0' });
    expect(first.json().items[0]).toMatchObject({ right: 'usufruct', votes: true, paysOrdinary: true, paysExtraordinary: false, validTo: null });

    const bare = await api.post(`${base}/holdings`, {
      validFrom: '2020-01-01', holdings: [holding(ids[1]!, 'bare', 1, 2), holding(ids[2]!, 'bare', 1, 2, { votes: true })],
    });
    expect(bare.json()).toMatchObject({ complete: true, enjoymentParts: '1', titleParts: '1' });
    expect(bare.json().items.find((x: { personId: string }) => x.personId === ids[2])).toMatchObject({ votes: true, paysExtraordinary: true, paysOrdinary: false });

    const over = await api.post(`${base}/holdings`, { validFrom: '2021-01-01', holdings: [holding(ids[3]!, 'bare', 1, 3)] });
    expect(over.statusCode).toBe(422);
    expect(over.json().error).toMatchObject({ code: 'holding.parts_exceed_whole', details: { field: 'holdings', date: '2021-01-01', side: 'title', parts: '4/3' } });
    expect((await api.get(`${base}/holdings?history=true`)).json().items).toHaveLength(3);
  });

  it('sums 1/3 × 3 to exactly 1, and refuses 1/2 + 2/3', async () => {
    const { base, ids } = await lotWithPeople();
    const thirds = await api.post(`${base}/transfers`, {
      date: '2019-04-12', holdings: [holding(ids[0]!, 'full', 1, 3), holding(ids[1]!, 'full', 1, 3), holding(ids[2]!, 'full', 1, 3)],
    });
    expect(thirds.statusCode).toBe(201);
    expect((await api.get(`${base}/holdings?asOf=2020-01-01`)).json()).toMatchObject({ complete: true, enjoymentParts: '1', titleParts: '1' });

    const other = await lotWithPeople();
    const res = await api.post(`${other.base}/transfers`, { date: '2019-01-01', holdings: [holding(other.ids[0]!, 'full', 1, 2), holding(other.ids[1]!, 'full', 2, 3)] });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('holding.parts_exceed_whole');
  });

  it('transfers atomically and reads the register as of any date', async () => {
    const { base, ids } = await lotWithPeople();
    const [seller1, seller2, buyer] = ids as [string, string, string];
    await api.post(`${base}/transfers`, { date: '2010-09-01', holdings: [holding(seller1, 'full', 1, 2), holding(seller2, 'full', 1, 2)] });

    const incomplete = await api.post(`${base}/transfers`, { date: '2021-06-15', holdings: [holding(buyer, 'full', 1, 2)] });
    expect(incomplete.statusCode).toBe(422);
    expect(incomplete.json().error).toMatchObject({ code: 'holding.transfer_incomplete', details: { field: 'holdings', enjoymentParts: '1/2' } });
    const early = await api.post(`${base}/transfers`, { date: '2010-09-01', holdings: [holding(buyer, 'full', 1, 1)] });
    expect(early.json().error).toMatchObject({ code: 'holding.transfer_date_invalid', details: { field: 'date' } });
    const dup = await api.post(`${base}/transfers`, { date: '2021-06-15', holdings: [holding(buyer, 'full', 1, 2), holding(buyer, 'full', 1, 2)] });
    expect(dup.json().error.code).toBe('holding.duplicate_holder');
    // nothing half-written
    expect((await api.get(`${base}/holdings?history=true`)).json().items).toHaveLength(2);

    const sale = await api.post(`${base}/transfers`, { date: '2021-06-15', holdings: [holding(buyer, 'full', 1, 1)] });
    expect(sale.statusCode).toBe(201);
    expect(sale.json().closed).toHaveLength(2);
    expect(sale.json().items).toMatchObject([{ personId: buyer, validFrom: '2021-06-15', validTo: null }]);

    const before = (await api.get(`${base}/holdings?asOf=2021-06-14`)).json();
    expect(before.items.map((x: { personId: string }) => x.personId).sort()).toEqual([seller1, seller2].sort());
    expect(before.items[0]).toMatchObject({ validFrom: '2010-09-01', validTo: '2021-06-15' });
    expect((await api.get(`${base}/holdings?asOf=2021-06-15`)).json().items.map((x: { personId: string }) => x.personId)).toEqual([buyer]);
    expect((await api.get(`${base}/holdings?asOf=2000-01-01`)).json()).toMatchObject({ items: [], complete: false, enjoymentParts: '0' });
    h.t.clock.set(new Date('2022-01-01T12:00:00Z'), { frozen: true });
    try {
      expect((await api.get(`${base}/holdings`)).json()).toMatchObject({ asOf: '2022-01-01', complete: true });
    } finally {
      h.t.clock.reset();
    }
    const history = (await api.get(`${base}/holdings?history=true`)).json();
    expect(history).toMatchObject({ asOf: null, complete: null });
    expect(history.items).toHaveLength(3);
    const [audit] = await h.t.deps.sql<{ details: { closed: string[]; opened: unknown[] } }[]>`
      select details from audit_log where action = 'lot.transferred' and details->>'date' = '2021-06-15' and entity_id = ${base.split('/')[4]!}`;
    expect(audit!.details.closed).toHaveLength(2);
  });

  it('closes one holding once (409 the second time)', async () => {
    const { base, ids } = await lotWithPeople();
    const added = await api.post(`${base}/transfers`, { date: '2017-10-02', holdings: [holding(ids[0]!, 'usufruct', 1, 1), holding(ids[1]!, 'bare', 1, 1)] });
    const usufruct = added.json().items.find((x: { right: string }) => x.right === 'usufruct');
    const tooEarly = await api.post(`${base}/holdings/${usufruct.holdingId}/close`, { date: '2017-10-02' });
    expect(tooEarly.json().error.code).toBe('holding.close_date_invalid');
    const closed = await api.post(`${base}/holdings/${usufruct.holdingId}/close`, { date: '2023-05-01' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ validTo: '2023-05-01' });
    const again = await api.post(`${base}/holdings/${usufruct.holdingId}/close`, { date: '2024-01-01' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('holding.already_closed');
    expect((await api.get(`${base}/holdings?asOf=2023-05-01`)).json()).toMatchObject({ complete: false, enjoymentParts: '0', titleParts: '1' });
  });

  it('answers 400 naming the field for malformed holdings', async () => {
    const { base, ids } = await lotWithPeople();
    for (const [body, field] of [
      [{ date: '2021-02-30', holdings: [holding(ids[0]!, 'full', 1, 1)] }, 'body.date'],
      [{ date: '2021-01-01', holdings: [] }, 'body.holdings'],
      [{ date: '2021-01-01', holdings: [holding(ids[0]!, 'lease', 1, 1)] }, 'body.holdings.0.right'],
      [{ date: '2021-01-01', holdings: [holding(ids[0]!, 'full', 0.5, 1)] }, 'body.holdings.0.part.numerator'],
      [{ date: '2021-01-01', holdings: [holding('x', 'full', 1, 1)] }, 'body.holdings.0.personId'],
    ] as const) {
      const res = await api.post(`${base}/transfers`, body);
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
    const part = await api.post(`${base}/transfers`, { date: '2021-01-01', holdings: [holding(ids[0]!, 'full', 3, 2)] });
    expect(part.statusCode).toBe(422);
    expect(part.json().error).toMatchObject({ code: 'holding.part_invalid', details: { field: 'holdings.0.part' } });
    expect((await api.get(`${base}/holdings?asOf=yesterday`)).statusCode).toBe(400);
  });
});

describe('holdings across tenants and grants', () => {
  it('answers 404 for another organization\'s lot and writes nothing there', async () => {
    const o = await h.otherOrg();
    const theirs = await lotWithPeople(o.api);
    const mine = await createPerson(api, { lastName: 'Mine' });
    expect((await api.get(`${theirs.base}/holdings`)).statusCode).toBe(404);
    const res = await api.post(`${theirs.base}/transfers`, { date: '2020-01-01', holdings: [holding(mine.id, 'full', 1, 1)] });
    expect(res.statusCode).toBe(404);
    expect((await api.get(`/buildings/${theirs.b.id}/register`)).statusCode).toBe(404);
    expect((await o.api.get(`${theirs.base}/holdings?history=true`)).json().items).toEqual([]);
  });

  it('lets an owner read the register of their building (names, no contact details) but not write', async () => {
    const { b, base, ids } = await lotWithPeople();
    await api.post(`${base}/transfers`, { date: '2020-01-01', holdings: [holding(ids[0]!, 'full', 1, 1)] });
    const other = await createBuilding(api);
    const owner = await h.actor([{ role: 'owner', buildingId: b.id }]);
    const reg = await owner.get(`/buildings/${b.id}/register`);
    expect(reg.statusCode).toBe(200);
    expect(reg.json().items[0].holders[0]).toEqual(expect.objectContaining({ name: 'Lambert', personId: ids[0] }));
    expect(JSON.stringify(reg.json())).not.toMatch(/email|phone/);
    expect((await owner.get(`${base}/holdings`)).statusCode).toBe(200);
    expect((await owner.get(`/buildings/${other.id}/register`)).statusCode).toBe(404);
    expect((await owner.post(`${base}/transfers`, { date: '2021-01-01', holdings: [holding(ids[1]!, 'full', 1, 1)] })).statusCode).toBe(403);
  });
});
