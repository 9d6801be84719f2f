import { describe, expect, it } from 'vitest';
import { seedDemo } from '../src/modules/demo/seed-demo.ts';
import { createActor, createOrganization } from './support/actors.ts';
import { routeIdsOf } from './support/route-fixtures.ts';
import { createTestApp } from './support/test-app.ts';

/** Regression tests for the review of the money modules: each guard below was missing once. */
const { app, deps } = await createTestApp();
const org = await createOrganization(deps);
const admin = await createActor(deps, { organizationId: org.id, grants: [{ role: 'admin' }] });
await seedDemo(deps, { organizationId: org.id, actorUserId: admin.userId });
const ids = await routeIdsOf(app, deps, org.id, admin);
const [other] = await deps.sql<{ buildingId: string; personId: string }[]>`
  select l.building_id as "buildingId", h.person_id as "personId" from holdings h join lots l on l.id = h.lot_id
  where h.organization_id = ${org.id} and l.building_id <> ${ids.buildingId} limit 1`;

const B = `/buildings/${ids.buildingId}`;
const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers = admin.headers) =>
  app.inject({ method, url: `/api/v1/orgs/${org.id}${url}`, headers, ...(payload ? { payload } : {}) });
const codeOf = async (res: ReturnType<typeof call>) => {
  const r = await res;
  return [r.statusCode, r.json().error?.code];
};

describe('money guards', () => {
  it('keeps all credit notes of an invoice within it, also when a draft credit note is edited', async () => {
    expect((await call('POST', `${B}/expenses/${ids.expenseId}/submit`)).statusCode).toBe(200);
    expect((await call('POST', `${B}/expenses/${ids.expenseId}/approve`)).statusCode).toBe(200);
    // The invoice: 100.00 + 21 % = 121.00. A credit note of −1.21 is fine…
    const note = await call('POST', `${B}/expenses/${ids.expenseId}/credit-notes`, { invoiceNumber: 'NC-1', invoiceDate: '2025-03-01',
      dueDate: '2025-03-01', lines: [{ description: 'Geste', workKind: 'cleaning', netCents: -100, vatRateBp: 2100 }] });
    expect(note.statusCode).toBe(201);
    // …but editing it to −3 630.00 would credit thirty times the invoice.
    expect(await codeOf(call('PATCH', `${B}/expenses/${note.json().id}`,
      { lines: [{ description: 'Geste', workKind: 'cleaning', netCents: -300_000, vatRateBp: 2100 }] })))
      .toEqual([422, 'expense.credit_exceeds_original']);
  });

  it('refuses to reverse by hand an entry that a business record posted', async () => {
    const expense = (await call('GET', `${B}/expenses/${ids.expenseId}`)).json();
    expect(await codeOf(call('POST', `${B}/journal-entries/${expense.approvalEntryId}/reverse`, { date: '2025-03-02', reason: 'oops' })))
      .toEqual([409, 'entry.has_business_record']);
    // A manual entry can still be reversed.
    expect((await call('POST', `${B}/journal-entries/${ids.entryId}/reverse`, { date: '2040-03-02', reason: 'typo' })).statusCode).toBe(201);
  });

  it('keeps closed books closed: no entry and no fiscal year before a closed year', async () => {
    const fy = await call('POST', `${B}/fiscal-years`, { startDate: '2020-01-01' });
    expect(fy.statusCode).toBe(201);
    expect((await call('POST', `${B}/fiscal-years/${fy.json().id}/close`, {})).statusCode).toBe(200);
    const entry = { date: '2019-06-01', description: 'Late', reference: 'x', lines: [{ account: '551', debitCents: 100 }, { account: '750', creditCents: 100 }] };
    expect(await codeOf(call('POST', `${B}/journal-entries`, entry))).toEqual([409, 'fiscal_year.closed']);
    expect(await codeOf(call('POST', `${B}/fiscal-years`, { startDate: '2019-01-01' }))).toEqual([409, 'fiscal_year.closed']);
    expect(await codeOf(call('POST', `${B}/journal-entries`, { ...entry, date: '2102-01-01' }))).toEqual([422, 'fiscal_year.invalid_period']);
  });

  it('calls ordinary provisions only from those who pay ordinary charges', async () => {
    expect(await codeOf(call('POST', `${B}/calls`, { fund: 'ordinary', chargeKind: 'extraordinary', periodLabel: 'X', dueDate: '2030-01-31', totalCents: 100 })))
      .toEqual([422, 'call.charge_kind_mismatch']);
  });

  it('keeps building-limited grants away from suppliers and from other buildings\' owners', async () => {
    const accountant = await createActor(deps, { organizationId: org.id, grants: [{ role: 'accountant', buildingId: ids.buildingId }] });
    expect(await codeOf(call('PATCH', `/suppliers/${ids.supplierId}`, { iban: 'BE71096123456769' }, accountant.headers)))
      .toEqual([403, 'auth.forbidden']);
    expect((await call('GET', `/suppliers/${ids.supplierId}`, undefined, accountant.headers)).statusCode).toBe(200);
    const council = await createActor(deps, { organizationId: org.id, grants: [{ role: 'council_member', buildingId: ids.buildingId }] });
    expect(await codeOf(call('GET', `${B}/owners/${other!.personId}/statement`, undefined, council.headers))).toEqual([404, 'person.not_found']);
    expect((await call('GET', `${B}/owners/${ids.personId}/statement`, undefined, council.headers)).statusCode).toBe(200);
  });
});
