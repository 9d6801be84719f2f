import { describe, expect, it } from 'vitest';
import { registerHarness, UNKNOWN_ID } from '../../../test/support/register.ts';
import { ok, smallBuilding } from '../expenses/expenses.test-fixture.ts';

const h = await registerHarness();
const { api } = h;

describe('suppliers', () => {
  it('creates, lists, changes and deletes suppliers, normalising the VAT number and IBAN', async () => {
    const s = await ok(api.post('/suppliers', { name: 'Net & Propre SRL', vatNumber: 'BE 0850.123.440', iban: 'be68 5390 0754 7034' }));
    expect(s).toMatchObject({ name: 'Net & Propre SRL', vatNumber: 'BE0850123440', iban: 'BE68539007547034' });
    const bare = await ok(api.post('/suppliers', { name: 'Ascenseurs Dupuis' }));
    expect(bare).toMatchObject({ vatNumber: null, iban: null });

    const list = await ok(api.get('/suppliers?sort=name'), 200);
    expect(list.items.map((x: { name: string }) => x.name)).toEqual(['Ascenseurs Dupuis', 'Net & Propre SRL']);
    expect((await ok(api.get('/suppliers?q=propre'), 200)).items).toHaveLength(1);
    expect((await ok(api.get('/suppliers?q=0850123'), 200)).items.map((x: { id: string }) => x.id)).toEqual([s.id]);

    const changed = await ok(api.patch(`/suppliers/${bare.id}`, { iban: 'BE71 0961 2345 6769' }), 200);
    expect(changed.iban).toBe('BE71096123456769');
    expect((await ok(api.patch(`/suppliers/${bare.id}`, { iban: null }), 200)).iban).toBeNull();
    await ok(api.del(`/suppliers/${bare.id}`), 204);
    expect((await api.get(`/suppliers/${bare.id}`)).statusCode).toBe(404);
  });

  it('refuses a bad VAT number or IBAN, and a VAT number already used, naming the field', async () => {
    const cases: Array<[unknown, number, string, string]> = [
      [{ name: 'X', vatNumber: 'BE0850123441' }, 422, 'supplier.vat_number_invalid', 'vatNumber'],
      [{ name: 'X', iban: 'BE68539007547035' }, 422, 'iban.invalid', 'iban'],
      [{ name: 'X', iban: 'not an iban' }, 422, 'iban.invalid', 'iban'],
      [{ name: '' }, 400, 'request.invalid', 'body.name'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await api.post('/suppliers', body);
      expect([res.statusCode, res.json().error.code], JSON.stringify(body)).toEqual([status, code]);
      expect(JSON.stringify(res.json().error.details)).toContain(field);
    }
    await ok(api.post('/suppliers', { name: 'Chauffage Lambert', vatNumber: '0403.170.701' }));
    const dup = await api.post('/suppliers', { name: 'Lambert bis', vatNumber: 'BE0403170701' });
    expect([dup.statusCode, dup.json().error.code]).toEqual([409, 'supplier.duplicate']);
  });

  it('keeps a supplier with expenses, and other organizations out', async () => {
    const s = await ok(api.post('/suppliers', { name: 'Toitures Martin' }));
    const b = await smallBuilding(api);
    await ok(api.post(`/buildings/${b.buildingId}/expenses`, { supplierId: s.id, invoiceNumber: 'T-1', invoiceDate: '2024-02-01',
      dueDate: '2024-03-01', chargeKind: 'ordinary', chargeAccount: '6107',
      lines: [{ description: 'Réparation gouttière', workKind: 'repair', netCents: 10_000, vatRateBp: 2100 }] }));
    const del = await api.del(`/suppliers/${s.id}`);
    expect([del.statusCode, del.json().error.code]).toEqual([409, 'supplier.has_expenses']);

    const other = await h.otherOrg();
    expect((await other.api.get(`/suppliers/${s.id}`)).statusCode).toBe(404);
    expect((await other.api.patch(`/suppliers/${s.id}`, { name: 'Volé' })).statusCode).toBe(404);
    expect((await other.api.del(`/suppliers/${s.id}`)).statusCode).toBe(404);
    expect((await other.api.get('/suppliers')).json().total).toBe(0);
    expect((await ok(api.get(`/suppliers/${s.id}`), 200)).name).toBe('Toitures Martin');
    expect((await api.get(`/suppliers/${UNKNOWN_ID}`)).json().error.code).toBe('supplier.not_found');
  });

  it('lets an owner neither read nor write suppliers', async () => {
    const owner = await h.actor([{ role: 'owner' }]);
    expect((await owner.get('/suppliers')).statusCode).toBe(403);
    expect((await owner.post('/suppliers', { name: 'X' })).statusCode).toBe(403);
  });
});
