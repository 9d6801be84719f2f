import { describe, expect, it } from 'vitest';
import { createBuilding, createLot, createPerson, registerHarness, UNKNOWN_ID } from '../../../test/support/register.ts';
import { ok, smallBuilding } from '../expenses/expenses.test-fixture.ts';
import { distributeOverKey } from './distribution.service.ts';

const h = await registerHarness();
const { api } = h;
const s = await smallBuilding(api);
const B = `/buildings/${s.buildingId}`;

type Row = { lotNumber: string; personName: string; cents: number };
const rows = (r: { items: Row[] }) => r.items.map((i) => [i.lotNumber, i.personName, i.cents]);

describe('distribution keys', () => {
  it('creates, reads, renames, re-weights and deletes keys', async () => {
    const lift = await ok(api.post(`${B}/distribution-keys`, { name: 'Ascenseur', kind: 'lots', lots: [{ lotId: s.lots.b }, { lotId: s.lots.c }] }));
    expect(lift).toMatchObject({ name: 'Ascenseur', kind: 'lots', totalWeight: 500,
      lots: [{ lotNumber: 'B1', shares: 300, weight: 300 }, { lotNumber: 'C1', shares: 200, weight: 200 }] });
    const heat = await ok(api.post(`${B}/distribution-keys`, { name: 'Chauffage', kind: 'weights',
      lots: [{ lotId: s.lots.a, weight: 0 }, { lotId: s.lots.b, weight: 3 }, { lotId: s.lots.c, weight: 1 }] }));
    expect(heat.totalWeight).toBe(4);
    expect((await ok(api.get(`${B}/distribution-keys`), 200)).items.map((k: { name: string }) => k.name)).toEqual(['Ascenseur', 'Chauffage']);

    const patched = await ok(api.patch(`${B}/distribution-keys/${heat.id}`, { name: 'Chauffage (compteurs)', lots: [{ lotId: s.lots.a, weight: 7 }] }), 200);
    expect(patched).toMatchObject({ name: 'Chauffage (compteurs)', totalWeight: 7, lots: [{ lotNumber: 'A1', weight: 7 }] });
    await ok(api.del(`${B}/distribution-keys/${heat.id}`), 204);
    expect((await api.get(`${B}/distribution-keys/${heat.id}`)).statusCode).toBe(404);
  });

  it('refuses bad keys with a code naming the field', async () => {
    const other = await createBuilding(api, { enterpriseNumber: null });
    const foreignLot = await createLot(api, other.id, { number: 'X', shares: 10 });
    const cases: Array<[unknown, number, string, string?]> = [
      [{ name: 'K', kind: 'lots', lots: [{ lotId: foreignLot.id }] }, 422, 'distribution_key.unknown_lot', 'lots.0.lotId'],
      [{ name: 'K', kind: 'lots', lots: [{ lotId: s.lots.a, weight: 5 }] }, 422, 'distribution_key.weight_not_allowed', 'lots.0.weight'],
      [{ name: 'K', kind: 'weights', lots: [{ lotId: s.lots.a, weight: -1 }] }, 422, 'distribution_key.weight_invalid', 'lots.0.weight'],
      [{ name: 'K', kind: 'weights', lots: [{ lotId: s.lots.a, weight: 0 }] }, 422, 'distribution_key.weight_invalid', 'lots'],
      [{ name: 'K', kind: 'lots', lots: [{ lotId: s.lots.a }, { lotId: s.lots.a }] }, 422, 'distribution_key.duplicate_lot', 'lots.1.lotId'],
      [{ name: 'K', kind: 'lots', lots: [] }, 400, 'request.invalid'],
      [{ name: 'K', kind: 'meters', lots: [{ lotId: s.lots.a }] }, 400, 'request.invalid'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await api.post(`${B}/distribution-keys`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().error.code).toBe(code);
      if (field) expect(res.json().error.details.field).toBe(field);
    }
    await ok(api.post(`${B}/distribution-keys`, { name: 'Toit', kind: 'lots', lots: [{ lotId: s.lots.a }] }));
    const dup = await api.post(`${B}/distribution-keys`, { name: 'Toit', kind: 'lots', lots: [{ lotId: s.lots.b }] });
    expect([dup.statusCode, dup.json().error.code]).toEqual([409, 'distribution_key.duplicate']);
  });

  it('keeps other organizations out (404, nothing changed)', async () => {
    const key = await ok(api.post(`${B}/distribution-keys`, { name: 'Privé', kind: 'lots', lots: [{ lotId: s.lots.a }] }));
    const other = await h.otherOrg();
    expect((await other.api.get(`${B}/distribution-keys/${key.id}`)).statusCode).toBe(404);
    expect((await other.api.patch(`${B}/distribution-keys/${key.id}`, { name: 'Volé' })).statusCode).toBe(404);
    expect((await other.api.del(`${B}/distribution-keys/${key.id}`)).statusCode).toBe(404);
    expect((await other.api.get(`${B}/distribution-preview?amountCents=100`)).statusCode).toBe(404);
    expect((await ok(api.get(`${B}/distribution-keys/${key.id}`), 200)).name).toBe('Privé');
  });
});

describe('distributeOverKey', () => {
  it('splits over every lot by shares, then over the holders who pay that kind', async () => {
    // General key, 1 000.00: A1 500/1000 → 500.00; B1 300/1000 → 300.00 = 150.00 + 150.00; C1 200/1000 → 200.00.
    // Ordinary: C1 to the usufructuary (Dirk); extraordinary: to the bare owner (Eva).
    const ord = await ok(api.get(`${B}/distribution-preview?amountCents=100000&asOf=2024-06-30&chargeKind=ordinary`), 200);
    expect(rows(ord)).toEqual([['A1', 'An Janssens', 50_000], ['B1', 'Bert Claes', 15_000], ['B1', 'Chloé Dupont', 15_000], ['C1', 'Dirk Peeters', 20_000]]);
    const extra = await ok(api.get(`${B}/distribution-preview?amountCents=100000&asOf=2024-06-30&chargeKind=extraordinary`), 200);
    expect(rows(extra).at(-1)).toEqual(['C1', 'Eva Maes', 20_000]);
  });

  it('uses a specific key and breaks ties by lot number, then by person sort name', async () => {
    // Lots B1 (300) + C1 (200), 100.01: B1 6 000.6 → 6 000, C1 4 000.4 → 4 000, 1 cent left → larger remainder B1 → 6 001.
    // B1: 6 001 / 2 = 3 000.5 each → tie → "claes bert" < "dupont chloé": Bert 3 001, Chloé 3 000.
    const key = await ok(api.post(`${B}/distribution-keys`, { name: 'Escalier B-C', kind: 'lots', lots: [{ lotId: s.lots.b }, { lotId: s.lots.c }] }));
    const r = await ok(api.get(`${B}/distribution-preview?keyId=${key.id}&amountCents=10001&asOf=2024-01-01`), 200);
    expect(rows(r)).toEqual([['B1', 'Bert Claes', 3001], ['B1', 'Chloé Dupont', 3000], ['C1', 'Dirk Peeters', 4000]]);
    // Weights 0 / 3 / 1 over 1.00: A1 nothing, B1 75 → 38 + 37 (tie → Bert), C1 25.
    const meters = await ok(api.post(`${B}/distribution-keys`, { name: 'Compteurs', kind: 'weights',
      lots: [{ lotId: s.lots.a, weight: 0 }, { lotId: s.lots.b, weight: 3 }, { lotId: s.lots.c, weight: 1 }] }));
    const m = await ok(api.get(`${B}/distribution-preview?keyId=${meters.id}&amountCents=100&asOf=2024-01-01`), 200);
    expect(rows(m)).toEqual([['B1', 'Bert Claes', 38], ['B1', 'Chloé Dupont', 37], ['C1', 'Dirk Peeters', 25]]);
  });

  it('reads the holders as of the date: a sale moves the charge to the buyer from the transfer date', async () => {
    const b = await smallBuilding(api);
    const buyer = await createPerson(api, { kind: 'legal', companyName: 'Immo Leie BV' });
    await ok(api.post(`/buildings/${b.buildingId}/lots/${b.lots.a}/transfers`, { date: '2025-07-01',
      holdings: [{ personId: buyer.id, right: 'full', part: { numerator: 1, denominator: 1 } }] }));
    const sql = h.t.deps.sql;
    const input = { organizationId: h.orgId, buildingId: b.buildingId, keyId: null, amountCents: 1000, chargeKind: 'ordinary' as const };
    // A1 holds 500/1000 → 5.00 to its holder on the date.
    expect((await distributeOverKey(sql, { ...input, asOf: '2025-06-30' }))[0]).toMatchObject({ lotNumber: 'A1', personId: b.persons.an, cents: 500 });
    expect((await distributeOverKey(sql, { ...input, asOf: '2025-07-01' }))[0]).toMatchObject({ lotNumber: 'A1', personId: buyer.id, cents: 500 });
  });

  it('refuses an incomplete register, naming the lots', async () => {
    // Before 2020-01-01 nobody holds anything: every lot is named.
    const before = await api.get(`${B}/distribution-preview?amountCents=100&asOf=2019-12-31`);
    expect(before.statusCode).toBe(422);
    expect(before.json().error).toMatchObject({ code: 'distribution.register_incomplete', details: { lots: ['A1', 'B1', 'C1'] } });
    // A building whose lots do not hold all its shares, and a lot held at 1/2 only.
    const b = await createBuilding(api, { totalShares: 1000, enterpriseNumber: null });
    const lot = await createLot(api, b.id, { number: 'Z9', shares: 600 });
    const p = await createPerson(api, { lastName: 'Half' });
    await ok(api.post(`/buildings/${b.id}/lots/${lot.id}/holdings`, { validFrom: '2020-01-01',
      holdings: [{ personId: p.id, right: 'full', part: { numerator: 1, denominator: 2 } }] }));
    const res = await api.get(`/buildings/${b.id}/distribution-preview?amountCents=100&asOf=2024-01-01`);
    expect(res.json().error).toMatchObject({ code: 'distribution.register_incomplete', details: { lots: ['Z9'], unallocatedShares: 400 } });
  });

  it('answers 404 for an unknown key or building', async () => {
    expect((await api.get(`${B}/distribution-preview?amountCents=100&keyId=${UNKNOWN_ID}`)).json().error.code).toBe('distribution_key.not_found');
    expect((await api.get(`/buildings/${UNKNOWN_ID}/distribution-preview?amountCents=100`)).statusCode).toBe(404);
  });
});
