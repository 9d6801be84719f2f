import type { Deps } from '../../src/platform/deps.ts';
import type { App } from '../../src/platform/http.ts';
import type { Actor } from './actors.ts';

/**
 * One real id for every path parameter of the organization routes, in an organization already
 * filled by seedDemo: the role × route matrix and the no-500 test drive every route with them.
 */
export interface RouteIds {
  org: string; buildingId: string; lotId: string; personId: string; holdingId: string; tokenId: string; grantId: string;
  entryId: string; fiscalYearId: string; supplierId: string; keyId: string; expenseId: string;
  budgetId: string; callId: string; paymentId: string;
}

export async function routeIdsOf(app: App, deps: Deps, orgId: string, admin: Actor): Promise<RouteIds> {
  const [h] = await deps.sql<{ buildingId: string; lotId: string; personId: string; holdingId: string }[]>`
    select l.building_id as "buildingId", l.id as "lotId", h.person_id as "personId", h.id as "holdingId"
    from holdings h join lots l on l.id = h.lot_id where h.organization_id = ${orgId} and h.valid_to is null
    order by l.number limit 1`;
  const [g] = await deps.sql<{ id: string }[]>`select id from role_grants where organization_id = ${orgId} order by granted_at limit 1`;
  const call = (method: 'POST' | 'PATCH', url: string, payload: object, headers: Record<string, string> = {}) =>
    app.inject({ method, url: `/api/v1/orgs/${orgId}${url}`, headers: { ...admin.headers, ...headers }, payload });
  const b = `/buildings/${h!.buildingId}`;
  const token = (await call('POST', '/api-tokens', { name: 'fixture' })).json();
  const entry = (await call('POST', `${b}/journal-entries`, { date: '2040-03-01', description: 'Fixture', reference: 'matrix',
    lines: [{ account: '551', debitCents: 100 }, { account: '750', creditCents: 100 }] })).json();
  const supplier = (await call('POST', '/suppliers', { name: 'Matrix supplier' })).json();
  // The expense uses the key, so deleting the key answers 409 (in use).
  const key = (await call('POST', `${b}/distribution-keys`, { name: 'Matrix key', kind: 'lots', lots: [{ lotId: h!.lotId }] })).json();
  const expense = (await call('POST', `${b}/expenses`, { supplierId: supplier.id, invoiceNumber: 'MX-1', invoiceDate: '2025-01-15',
    dueDate: '2025-02-15', distributionKeyId: key.id, chargeKind: 'ordinary', chargeAccount: '6105',
    lines: [{ description: 'Matrix', workKind: 'cleaning', netCents: 10_000, vatRateBp: 2100 }] })).json();
  const today = deps.clock.today();
  await call('PATCH', `${b}/fund-settings`, { currentAccountIban: 'BE68539007547034', reserveAccountIban: 'BE62510007547061' });
  const budget = (await call('POST', `${b}/budgets`, { fiscalYear: 2030, ordinaryCents: 100 })).json();
  const callForFunds = (await call('POST', `${b}/calls`, { fund: 'ordinary', periodLabel: 'Matrix', dueDate: today, totalCents: 100_000 })).json();
  await call('POST', `${b}/calls/${callForFunds.id}/send`, {});
  const payment = (await call('POST', `${b}/payments`, { amountCents: 100, date: today }, { 'idempotency-key': `matrix-${orgId}` })).json();
  const ids = {
    org: orgId, ...h!, tokenId: token.id, grantId: g!.id, entryId: entry.id, fiscalYearId: entry.fiscalYearId,
    supplierId: supplier.id, keyId: key.id, expenseId: expense.id, budgetId: budget.id, callId: callForFunds.id, paymentId: payment.id,
  };
  const missing = Object.entries(ids).filter(([, v]) => typeof v !== 'string');
  if (missing.length) throw new Error(`route fixtures failed to create: ${missing.map(([k]) => k).join(', ')}`);
  return ids;
}
