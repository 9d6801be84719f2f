import { describe, expect, it } from 'vitest';
import { registerHarness, UNKNOWN_ID } from '../../../test/support/register.ts';
import { ok, smallBuilding } from './expenses.test-fixture.ts';

/** Expense rules: VAT at 6 %, the incomplete register, bad input, filters, settings, other tenants. */
const h = await registerHarness();
const { api } = h;
const sql = h.t.deps.sql;
h.t.clock.set(new Date('2024-06-01T10:00:00Z'), { frozen: true });
const s = await smallBuilding(api);
const E = `/buildings/${s.buildingId}/expenses`;
const supplier = await ok(api.post('/suppliers', { name: 'Rénov Plus SRL' }));

let seq = 0;
const line = (over: Record<string, unknown> = {}) => ({ description: 'Travaux', workKind: 'renovation', netCents: 10_000, vatRateBp: 2100, ...over });
const invoice = (over: Record<string, unknown> = {}) => ({
  supplierId: supplier.id, invoiceNumber: `R-${++seq}`, invoiceDate: '2024-03-15', dueDate: '2024-04-14',
  chargeKind: 'ordinary', chargeAccount: '611', lines: [line()], ...over,
});
const errorOf = async (res: Promise<{ statusCode: number; json(): any }>) => {
  const r = await res;
  return { status: r.statusCode, code: r.json().error?.code, field: r.json().error?.details?.field };
};

describe('VAT at 6 %', () => {
  it('accepts renovation of a dwelling first occupied 10+ years before, and refuses cleaning at 6 %', async () => {
    // Without a first-occupation year, 6 % cannot be checked: refused.
    expect(await errorOf(api.post(E, invoice({ lines: [line({ vatRateBp: 600 })] }))))
      .toEqual({ status: 422, code: 'vat.reduced_rate_building_age_unknown', field: 'lines.0.vatRateBp' });
    await ok(api.patch(`/buildings/${s.buildingId}/expense-settings`, { firstOccupiedYear: 2000 }), 200);
    // E8 of the rules doc: roof repair 7 990.57 at 6 % → 479.4342 → 479.43; gross 8 470.00.
    const roof = await ok(api.post(E, invoice({ lines: [line({ description: 'Réparation toiture', workKind: 'repair', netCents: 799_057, vatRateBp: 600 })] })));
    expect(roof).toMatchObject({ netCents: 799_057, vatCents: 47_943, grossCents: 847_000 });
    // Cleaning is never at 6 %, whatever the building's age (R33).
    expect(await errorOf(api.post(E, invoice({ lines: [line(), line({ workKind: 'cleaning', vatRateBp: 600 })] }))))
      .toEqual({ status: 422, code: 'vat.reduced_rate_excluded_work', field: 'lines.1.vatRateBp' });
    // A building first occupied in 2018: too recent in 2024.
    await ok(api.patch(`/buildings/${s.buildingId}/expense-settings`, { firstOccupiedYear: 2018 }), 200);
    expect((await errorOf(api.post(E, invoice({ lines: [line({ vatRateBp: 600 })] })))).code).toBe('vat.reduced_rate_building_too_recent');
    await ok(api.patch(`/buildings/${s.buildingId}/expense-settings`, { firstOccupiedYear: null }), 200);
  });
});

describe('the share register must be complete to approve', () => {
  it('refuses the approval with 422 naming the lots, and writes nothing', async () => {
    // Invoice dated 2019-06-01: nobody holds any lot before 2020-01-01.
    const e = await ok(api.post(E, invoice({ invoiceDate: '2019-06-01', dueDate: '2019-07-01' })));
    await ok(api.post(`${E}/${e.id}/submit`), 200);
    const res = await api.post(`${E}/${e.id}/approve`);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'distribution.register_incomplete', details: { lots: ['A1', 'B1', 'C1'] } });
    expect((await ok(api.get(`${E}/${e.id}`), 200))).toMatchObject({ state: 'pending_approval', approvalEntryId: null, distribution: [] });
    const [counts] = await sql<{ entries: number; allocations: number; audits: number; years: number }[]>`select
      (select count(*)::int from journal_entries where source_id = ${e.id}) as entries,
      (select count(*)::int from charge_allocations where expense_id = ${e.id}) as allocations,
      (select count(*)::int from audit_log where entity_id = ${e.id} and action = 'expense.approved') as audits,
      (select count(*)::int from fiscal_years where building_id = ${s.buildingId} and start_date <= '2019-06-01' and end_date >= '2019-06-01') as years`;
    expect(counts).toEqual({ entries: 0, allocations: 0, audits: 0, years: 0 });
  });
});

describe('bad input', () => {
  it('answers 422 or 409 with a code naming the field, never a 500', async () => {
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ chargeAccount: '7000' }, 422, 'expense.charge_account_invalid', 'chargeAccount'],
      [{ dueDate: '2024-03-01' }, 422, 'expense.due_date_invalid', 'dueDate'],
      [{ supplierId: UNKNOWN_ID }, 422, 'expense.unknown_supplier', 'supplierId'],
      [{ distributionKeyId: UNKNOWN_ID }, 422, 'expense.unknown_distribution_key', 'distributionKeyId'],
      [{ lines: [line({ netCents: 0 })] }, 422, 'expense_line.amount_invalid', 'lines.0.netCents'],
      [{ lines: [line({ netCents: -500 })] }, 422, 'expense_line.amount_invalid', 'lines.0.netCents'],
      [{ lines: [line({ netCents: 10_000_000_001 })] }, 422, 'expense_line.amount_invalid', 'lines.0.netCents'],
      [{ lines: [line({ vatRateBp: 1900 })] }, 422, 'expense_line.vat_rate_invalid', 'lines.0.vatRateBp'],
      [{ lines: [line({ workKind: 'magic' })] }, 422, 'expense_line.work_kind_invalid', 'lines.0.workKind'],
    ];
    for (const [over, status, code, field] of cases) {
      expect(await errorOf(api.post(E, invoice(over))), JSON.stringify(over)).toEqual({ status, code, field });
    }
    expect((await api.post(E, invoice({ lines: [line({ netCents: 1.5 })] }))).statusCode).toBe(400);
    expect((await api.post(E, invoice({ lines: [] }))).statusCode).toBe(400);
    const first = await ok(api.post(E, invoice()));
    expect(await errorOf(api.post(E, invoice({ invoiceNumber: first.invoiceNumber }))))
      .toEqual({ status: 409, code: 'expense.duplicate', field: 'invoiceNumber' });
    // A key of another building is unknown here.
    const other = await smallBuilding(api);
    const foreignKey = await ok(api.post(`/buildings/${other.buildingId}/distribution-keys`, { name: 'K', kind: 'lots', lots: [{ lotId: other.lots.a }] }));
    expect((await errorOf(api.post(E, invoice({ distributionKeyId: foreignKey.id })))).code).toBe('expense.unknown_distribution_key');
    // Paid in the future (today is 2024-06-01).
    await ok(api.post(`${E}/${first.id}/submit`), 200);
    await ok(api.post(`${E}/${first.id}/approve`), 200);
    expect(await errorOf(api.post(`${E}/${first.id}/pay`, { paidOn: '2024-06-02' }))).toEqual({ status: 422, code: 'expense.paid_on_in_future', field: 'paidOn' });
    expect(await errorOf(api.patch(`/buildings/${s.buildingId}/expense-settings`, { approvalThresholdCents: -1 })))
      .toEqual({ status: 422, code: 'expense_settings.threshold_invalid', field: 'approvalThresholdCents' });
  });

  it('updates a draft, recomputing its totals', async () => {
    const e = await ok(api.post(E, invoice()));
    // Two lines: 100.00 at 21 % (21.00) + 33.33 at 0 % → net 133.33, VAT 21.00, gross 154.33.
    const changed = await ok(api.patch(`${E}/${e.id}`, { lines: [line(), line({ netCents: 3333, vatRateBp: 0, workKind: 'service' })], chargeAccount: '6109' }), 200);
    expect(changed).toMatchObject({ netCents: 13_333, vatCents: 2100, grossCents: 15_433, chargeAccount: '6109', state: 'draft' });
  });
});

describe('lists, settings and other tenants', () => {
  it('filters by state, supplier and invoice date', async () => {
    const b = await smallBuilding(api);
    const L = `/buildings/${b.buildingId}/expenses`;
    const other = await ok(api.post('/suppliers', { name: 'Jardins Verts' }));
    const a = await ok(api.post(L, invoice({ invoiceDate: '2024-01-10', dueDate: '2024-02-10' })));
    await ok(api.post(L, invoice({ invoiceDate: '2024-02-10', dueDate: '2024-03-10', supplierId: other.id })));
    await ok(api.post(L, invoice({ invoiceDate: '2024-03-10', dueDate: '2024-04-10' })));
    await ok(api.post(`${L}/${a.id}/submit`), 200);
    const ids = async (q: string) => (await ok(api.get(`${L}?${q}`), 200)).items.map((x: { invoiceDate: string }) => x.invoiceDate);
    expect(await ids('')).toEqual(['2024-03-10', '2024-02-10', '2024-01-10']);
    expect(await ids('state=pending_approval')).toEqual(['2024-01-10']);
    expect(await ids(`supplierId=${other.id}`)).toEqual(['2024-02-10']);
    expect(await ids('from=2024-02-01&to=2024-03-01')).toEqual(['2024-02-10']);
    expect(await ids('sort=invoiceDate&limit=2')).toEqual(['2024-01-10', '2024-02-10']);
    const page = await ok(api.get(`${L}?sort=invoiceDate&limit=2`), 200);
    expect(await ids(`sort=invoiceDate&limit=2&cursor=${page.nextCursor}`)).toEqual(['2024-03-10']);
  });

  it('reads and changes the settings (threshold default 5 000.00)', async () => {
    const b = await smallBuilding(api);
    const S = `/buildings/${b.buildingId}/expense-settings`;
    expect(await ok(api.get(S), 200)).toEqual({ buildingId: b.buildingId, approvalThresholdCents: 500_000, firstOccupiedYear: null, residential: true });
    expect(await ok(api.patch(S, { approvalThresholdCents: 250_000, residential: false }), 200))
      .toMatchObject({ approvalThresholdCents: 250_000, residential: false });
    const accountant = await h.actor([{ role: 'accountant' }]);
    expect((await accountant.patch(S, { approvalThresholdCents: 0 })).statusCode).toBe(403);
  });

  it('answers 404 to another organization, changing nothing', async () => {
    const e = await ok(api.post(E, invoice()));
    const other = await h.otherOrg();
    const X = `${E}/${e.id}`;
    for (const res of [other.api.get(X), other.api.patch(X, { invoiceNumber: 'stolen' }), other.api.post(`${X}/submit`),
      other.api.post(`${X}/approve`), other.api.post(`${X}/reject`, { reason: 'x' }), other.api.post(`${X}/pay`, { paidOn: '2024-05-01' }),
      other.api.post(`${X}/credit-notes`, { invoiceNumber: 'N', invoiceDate: '2024-05-01', dueDate: '2024-05-01', lines: [line({ netCents: -1 })] }),
      other.api.get(E), other.api.get(`/buildings/${s.buildingId}/expense-settings`)]) {
      expect((await res).statusCode).toBe(404);
    }
    // The other organization's own building: our supplier and key are unknown there.
    const theirs = await smallBuilding(other.api);
    const r = await other.api.post(`/buildings/${theirs.buildingId}/expenses`, invoice());
    expect([r.statusCode, r.json().error.code]).toEqual([422, 'expense.unknown_supplier']);
    expect(await ok(api.get(X), 200)).toMatchObject({ state: 'draft', invoiceNumber: e.invoiceNumber });
  });
});

describe('OpenAPI', () => {
  it('documents the routes of suppliers, distribution keys and expenses', async () => {
    const doc = (await h.t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const base = '/api/v1/orgs/{orgId}';
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([`${base}/suppliers`, `${base}/buildings/{buildingId}/distribution-keys/{keyId}`,
      `${base}/buildings/{buildingId}/expenses/{expenseId}/approve`, `${base}/buildings/{buildingId}/expenses/{expenseId}/credit-notes`]));
    const body = doc.paths[`${base}/buildings/{buildingId}/expenses`].post.requestBody.content['application/json'].schema;
    expect(body.properties).toHaveProperty('lines');
  });
});
