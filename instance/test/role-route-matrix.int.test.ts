import { describe, expect, it } from 'vitest';
import { permissionsByRole, ROLES, type Permission, type Role } from '../src/modules/access/access.domain.ts';
import { seedDemo } from '../src/modules/demo/seed-demo.ts';
import { publishEvent } from '../src/modules/notifications/notifications.service.ts';
import { createActor, createOrganization, type Actor } from './support/actors.ts';
import { routeIdsOf, type RouteIds } from './support/route-fixtures.ts';
import { createTestApp } from './support/test-app.ts';

/**
 * Every route × every role: non-public routes need authentication, each role gets exactly what
 * access.domain.ts grants it (403 otherwise), and another organization's ids are always 404
 * with nothing changed. A new route must be added to `orgRoutes` below, or this test fails.
 */
const { app, deps } = await createTestApp();
const sql = deps.sql;

const orgA = await createOrganization(deps, 'A');
const orgB = await createOrganization(deps, 'B');
const adminA = await createActor(deps, { organizationId: orgA.id, grants: [{ role: 'admin' }] });
const adminB = await createActor(deps, { organizationId: orgB.id, grants: [{ role: 'admin' }] });
await seedDemo(deps, { organizationId: orgA.id, actorUserId: adminA.userId });
await seedDemo(deps, { organizationId: orgB.id, actorUserId: adminB.userId });
const actors = Object.fromEntries(await Promise.all(ROLES.map(async (role) =>
  [role, await createActor(deps, { organizationId: orgA.id, grants: [{ role }] })] as const))) as Record<Role, Actor>;

/** Holds the throwaway grants that DELETE /roles/:grantId removes. */
const bystander = await createActor(deps, {});

type Ids = RouteIds;
const idsOf = (orgId: string, admin: Actor) => routeIdsOf(app, deps, orgId, admin);
const A = await idsOf(orgA.id, adminA);
const B = await idsOf(orgB.id, adminB);
const fraction = { numerator: 1, denominator: 1 };

/** Every route under /api/v1/orgs/:orgId, with the permission it needs ('member': any role; a list: any of them). */
const orgRoutes: Array<{ method: string; url: string; perm: Permission | Permission[] | 'member'; body?: (ids: Ids) => unknown }> = [
  { method: 'GET', url: '/audit', perm: 'audit.read' },
  { method: 'GET', url: '/roles', perm: 'org.manage_roles' },
  { method: 'POST', url: '/roles', perm: 'org.manage_roles', body: (i) => ({ email: adminA.email, role: 'owner', buildingId: i.buildingId }) },
  { method: 'DELETE', url: '/roles/:grantId', perm: 'org.manage_roles' },
  { method: 'GET', url: '/api-tokens', perm: 'member' },
  { method: 'POST', url: '/api-tokens', perm: 'member', body: () => ({ name: 'matrix', scopes: ['read'] }) },
  { method: 'DELETE', url: '/api-tokens/:tokenId', perm: 'member' },
  { method: 'GET', url: '/buildings', perm: 'building.read' },
  { method: 'POST', url: '/buildings', perm: 'building.write', body: () => ({
    name: 'Matrix', address: { street: 'Rue 1', postalCode: '1000', city: 'Bruxelles' }, totalShares: 1000, language: 'fr' }) },
  { method: 'GET', url: '/buildings/:buildingId', perm: 'building.read' },
  { method: 'PATCH', url: '/buildings/:buildingId', perm: 'building.write', body: () => ({ name: 'Renamed' }) },
  { method: 'DELETE', url: '/buildings/:buildingId', perm: 'building.write' },
  { method: 'GET', url: '/buildings/:buildingId/register', perm: 'register.read' },
  { method: 'GET', url: '/buildings/:buildingId/lots', perm: 'lot.read' },
  { method: 'POST', url: '/buildings/:buildingId/lots', perm: 'lot.write', body: () => ({ number: 'MX1', kind: 'cellar', shares: 1 }) },
  { method: 'GET', url: '/buildings/:buildingId/lots/:lotId', perm: 'lot.read' },
  { method: 'PATCH', url: '/buildings/:buildingId/lots/:lotId', perm: 'lot.write', body: () => ({ floor: 3 }) },
  { method: 'DELETE', url: '/buildings/:buildingId/lots/:lotId', perm: 'lot.write' },
  { method: 'GET', url: '/buildings/:buildingId/lots/:lotId/holdings', perm: 'register.read' },
  { method: 'POST', url: '/buildings/:buildingId/lots/:lotId/holdings', perm: 'register.write',
    body: (i) => ({ validFrom: '2030-01-01', holdings: [{ personId: i.personId, right: 'full', part: fraction }] }) },
  { method: 'POST', url: '/buildings/:buildingId/lots/:lotId/transfers', perm: 'register.write',
    body: (i) => ({ date: '2031-01-01', holdings: [{ personId: i.personId, right: 'full', part: fraction }] }) },
  { method: 'POST', url: '/buildings/:buildingId/lots/:lotId/holdings/:holdingId/close', perm: 'register.write', body: () => ({ date: '2032-01-01' }) },
  { method: 'GET', url: '/persons', perm: 'person.read' },
  { method: 'POST', url: '/persons', perm: 'person.write', body: () => ({ kind: 'natural', firstName: 'Matrix', lastName: 'Test' }) },
  { method: 'GET', url: '/persons/:personId', perm: 'person.read' },
  { method: 'PATCH', url: '/persons/:personId', perm: 'person.write', body: () => ({ firstName: 'Changed' }) },
  { method: 'DELETE', url: '/persons/:personId', perm: 'person.write' },
  { method: 'GET', url: '/persons/:personId/holdings', perm: 'person.read' },
  { method: 'GET', url: '/buildings/:buildingId/accounts', perm: 'accounting.read' },
  { method: 'POST', url: '/buildings/:buildingId/accounts', perm: 'accounting.write', body: () => ({ number: '16099', labelFr: 'Matrix' }) },
  { method: 'GET', url: '/buildings/:buildingId/fiscal-years', perm: 'accounting.read' },
  { method: 'POST', url: '/buildings/:buildingId/fiscal-years', perm: 'accounting.write', body: () => ({ startDate: '2045-01-01' }) },
  { method: 'POST', url: '/buildings/:buildingId/fiscal-years/:fiscalYearId/close', perm: 'accounting.write', body: () => ({}) },
  { method: 'GET', url: '/buildings/:buildingId/fiscal-years/:fiscalYearId/trial-balance', perm: 'accounting.read' },
  { method: 'GET', url: '/buildings/:buildingId/fiscal-years/:fiscalYearId/balance-sheet', perm: 'accounting.read' },
  { method: 'GET', url: '/buildings/:buildingId/fiscal-years/:fiscalYearId/income-statement', perm: 'accounting.read' },
  { method: 'GET', url: '/buildings/:buildingId/journal-entries', perm: 'accounting.read' },
  { method: 'POST', url: '/buildings/:buildingId/journal-entries', perm: 'accounting.write', body: () => ({
    date: '2040-06-01', description: 'Matrix', reference: 'matrix', lines: [{ account: '551', debitCents: 100 }, { account: '750', creditCents: 100 }] }) },
  { method: 'GET', url: '/buildings/:buildingId/journal-entries/:entryId', perm: 'accounting.read' },
  { method: 'POST', url: '/buildings/:buildingId/journal-entries/:entryId/reverse', perm: 'accounting.write', body: () => ({ date: '2040-06-02', reason: 'matrix' }) },
  { method: 'GET', url: '/buildings/:buildingId/journal.csv', perm: 'accounting.read' },
  { method: 'GET', url: '/suppliers', perm: 'expense.read' },
  { method: 'POST', url: '/suppliers', perm: 'expense.write', body: () => ({ name: 'Matrix supplier 2' }) },
  { method: 'GET', url: '/suppliers/:supplierId', perm: 'expense.read' },
  { method: 'PATCH', url: '/suppliers/:supplierId', perm: 'expense.write', body: () => ({ name: 'Matrix supplier renamed' }) },
  { method: 'DELETE', url: '/suppliers/:supplierId', perm: 'expense.write' },
  { method: 'GET', url: '/buildings/:buildingId/distribution-keys', perm: 'expense.read' },
  { method: 'POST', url: '/buildings/:buildingId/distribution-keys', perm: 'expense.write', body: (i) => ({ name: 'Matrix key 2', kind: 'lots', lots: [{ lotId: i.lotId }] }) },
  { method: 'GET', url: '/buildings/:buildingId/distribution-keys/:keyId', perm: 'expense.read' },
  { method: 'PATCH', url: '/buildings/:buildingId/distribution-keys/:keyId', perm: 'expense.write', body: () => ({ name: 'Matrix key renamed' }) },
  { method: 'DELETE', url: '/buildings/:buildingId/distribution-keys/:keyId', perm: 'expense.write' },
  { method: 'GET', url: '/buildings/:buildingId/distribution-preview', perm: 'expense.read' },
  { method: 'GET', url: '/buildings/:buildingId/expense-settings', perm: 'expense.read' },
  { method: 'PATCH', url: '/buildings/:buildingId/expense-settings', perm: 'building.write', body: () => ({ residential: true }) },
  { method: 'GET', url: '/buildings/:buildingId/expenses', perm: 'expense.read' },
  { method: 'POST', url: '/buildings/:buildingId/expenses', perm: 'expense.write', body: (i) => ({ supplierId: i.supplierId, invoiceNumber: 'MX-2',
    invoiceDate: '2025-01-20', dueDate: '2025-02-20', chargeKind: 'ordinary', chargeAccount: '6105',
    lines: [{ description: 'Matrix', workKind: 'cleaning', netCents: 500, vatRateBp: 2100 }] }) },
  { method: 'GET', url: '/buildings/:buildingId/expenses/:expenseId', perm: 'expense.read' },
  { method: 'PATCH', url: '/buildings/:buildingId/expenses/:expenseId', perm: 'expense.write', body: () => ({ description: 'Matrix edit' }) },
  { method: 'POST', url: '/buildings/:buildingId/expenses/:expenseId/submit', perm: 'expense.write' },
  { method: 'POST', url: '/buildings/:buildingId/expenses/:expenseId/approve', perm: 'expense.approve' },
  { method: 'POST', url: '/buildings/:buildingId/expenses/:expenseId/reject', perm: 'expense.approve', body: () => ({ reason: 'Matrix' }) },
  { method: 'POST', url: '/buildings/:buildingId/expenses/:expenseId/pay', perm: 'expense.write', body: () => ({ paidOn: '2025-03-01' }) },
  { method: 'POST', url: '/buildings/:buildingId/expenses/:expenseId/credit-notes', perm: 'expense.write', body: () => ({ invoiceNumber: 'MX-NC',
    invoiceDate: '2025-03-01', dueDate: '2025-03-01', lines: [{ description: 'Matrix', workKind: 'cleaning', netCents: -100, vatRateBp: 2100 }] }) },
  { method: 'GET', url: '/buildings/:buildingId/fund-settings', perm: 'call.read' },
  { method: 'PATCH', url: '/buildings/:buildingId/fund-settings', perm: 'call.write', body: () => ({ provisionalAcceptanceDate: '2015-06-30' }) },
  { method: 'GET', url: '/buildings/:buildingId/funds', perm: 'call.read' },
  { method: 'GET', url: '/buildings/:buildingId/budgets', perm: 'call.read' },
  { method: 'POST', url: '/buildings/:buildingId/budgets', perm: 'call.write', body: () => ({ fiscalYear: 2031, ordinaryCents: 100 }) },
  { method: 'GET', url: '/buildings/:buildingId/budgets/:budgetId', perm: 'call.read' },
  { method: 'PATCH', url: '/buildings/:buildingId/budgets/:budgetId', perm: 'call.write', body: () => ({ reserveCents: 100 }) },
  { method: 'POST', url: '/buildings/:buildingId/budgets/:budgetId/reserve-opt-out', perm: 'call.write',
    body: () => ({ decisionDate: '2020-01-01', reference: 'AG 2020-01-01' }) },
  { method: 'GET', url: '/buildings/:buildingId/calls', perm: 'call.read' },
  { method: 'POST', url: '/buildings/:buildingId/calls', perm: 'call.write', body: () => ({ fund: 'ordinary', periodLabel: 'Matrix', dueDate: '2030-01-31', totalCents: 100 }) },
  { method: 'GET', url: '/buildings/:buildingId/calls/:callId', perm: 'call.read' },
  { method: 'POST', url: '/buildings/:buildingId/calls/:callId/send', perm: 'call.write' },
  { method: 'GET', url: '/buildings/:buildingId/calls/:callId/owners/:personId/pdf', perm: 'call.read' },
  { method: 'GET', url: '/buildings/:buildingId/payments', perm: 'payment.read' },
  { method: 'POST', url: '/buildings/:buildingId/payments', perm: 'payment.write', body: () => ({ amountCents: 100, date: '2030-01-15' }) },
  { method: 'GET', url: '/buildings/:buildingId/payments/:paymentId', perm: 'payment.read' },
  { method: 'POST', url: '/buildings/:buildingId/payments/:paymentId/allocate', perm: 'payment.write', body: (i) => ({ personId: i.personId, callId: i.callId }) },
  { method: 'POST', url: '/buildings/:buildingId/bank-statements', perm: 'payment.write', body: () => ({ coda: 'not a CODA file' }) },
  { method: 'GET', url: '/buildings/:buildingId/owners/:personId/statement', perm: 'payment.read' },
  { method: 'GET', url: '/buildings/:buildingId/owners/:personId/statement.csv', perm: 'payment.read' },
  { method: 'GET', url: '/buildings/:buildingId/receivables/overdue', perm: 'payment.read' },
  { method: 'GET', url: '/deliveries', perm: 'call.read' },
  { method: 'GET', url: '/deliveries/:deliveryId', perm: 'call.read' },
  { method: 'POST', url: '/deliveries/:deliveryId/retry', perm: 'call.write' },
  { method: 'POST', url: '/deliveries/:deliveryId/bounce', perm: 'call.write', body: () => ({ reason: 'Matrix bounce' }) },
  { method: 'POST', url: '/deliveries/bounces', perm: 'call.write', body: () => ({ dsn: 'not a report' }) },
  { method: 'GET', url: '/outbox', perm: 'call.write' },
  { method: 'POST', url: '/buildings/:buildingId/print-batches', perm: 'call.write' },
  { method: 'GET', url: '/buildings/:buildingId/print-batches/:batchId', perm: 'call.read' },
  { method: 'GET', url: '/buildings/:buildingId/print-batches/:batchId/pdf', perm: 'call.read' },
  { method: 'GET', url: '/events', perm: 'member' },
  { method: 'GET', url: '/notifications', perm: 'member' },
  { method: 'POST', url: '/notifications/:notificationId/read', perm: 'member' },
  { method: 'POST', url: '/notifications/read-all', perm: 'member' },
  { method: 'GET', url: '/webhooks', perm: 'org.manage_roles' },
  { method: 'POST', url: '/webhooks', perm: 'org.manage_roles', body: () => ({ url: 'https://example.test/hook', eventTypes: ['matrix.test'] }) },
  { method: 'GET', url: '/webhooks/:webhookId/deliveries', perm: 'org.manage_roles' }, // before the DELETE
  { method: 'DELETE', url: '/webhooks/:webhookId', perm: 'org.manage_roles' },
  { method: 'POST', url: '/buildings/:buildingId/reminders/run', perm: 'reminder.write' },
  { method: 'GET', url: '/buildings/:buildingId/reminder-runs', perm: 'reminder.read' },
  { method: 'GET', url: '/buildings/:buildingId/reminders', perm: 'reminder.read' },
  { method: 'GET', url: '/buildings/:buildingId/reminders/:reminderId', perm: 'reminder.read' },
  { method: 'GET', url: '/buildings/:buildingId/reminders/:reminderId/letter', perm: 'reminder.read' },
  { method: 'POST', url: '/buildings/:buildingId/reminders/:reminderId/approve', perm: 'reminder.write' },
  { method: 'POST', url: '/buildings/:buildingId/reminders/:reminderId/send', perm: 'reminder.write' },
  { method: 'PATCH', url: '/buildings/:buildingId/reminders/:reminderId', perm: 'reminder.write', body: () => ({ trackingNumber: 'RR1' }) },
  { method: 'POST', url: '/buildings/:buildingId/reminders/:reminderId/cancel', perm: 'reminder.write', body: () => ({ reason: 'Matrix' }) },
  { method: 'GET', url: '/buildings/:buildingId/debts', perm: 'reminder.read' },
  { method: 'GET', url: '/buildings/:buildingId/debts/:debtId', perm: 'reminder.read' },
  { method: 'POST', url: '/buildings/:buildingId/debts/:debtId/status', perm: 'reminder.write', body: () => ({ status: 'open' }) },
  { method: 'POST', url: '/buildings/:buildingId/debts/:debtId/reminders', perm: 'reminder.write', body: () => ({ level: 'Formal' }) },
  { method: 'GET', url: '/buildings/:buildingId/reminder-settings', perm: 'reminder.read' },
  { method: 'PATCH', url: '/buildings/:buildingId/reminder-settings', perm: 'reminder.write', body: () => ({ autoSendGentle: false }) },
  { method: 'GET', url: '/buildings/:buildingId/assembly-settings', perm: 'assembly.read' },
  { method: 'PATCH', url: '/buildings/:buildingId/assembly-settings', perm: 'assembly.write', body: () => ({ convocationMinDays: 15 }) },
  { method: 'GET', url: '/buildings/:buildingId/assembly-requests', perm: 'assembly.read' },
  { method: 'POST', url: '/buildings/:buildingId/assembly-requests', perm: 'assembly.write', body: (i) => ({ requesterPersonIds: [i.personId], subject: 'Matrix' }) },
  { method: 'GET', url: '/buildings/:buildingId/agenda-requests', perm: 'assembly.read' },
  { method: 'POST', url: '/buildings/:buildingId/agenda-requests', perm: 'assembly.write', body: (i) => ({ meetingId: i.meetingId, personId: i.personId, title: 'Matrix' }) },
  { method: 'GET', url: '/buildings/:buildingId/meetings', perm: 'assembly.read' },
  { method: 'POST', url: '/buildings/:buildingId/meetings', perm: 'assembly.write', body: () => ({ kind: 'ordinary', meetingDate: '2041-01-01', startTime: '18:00', place: 'Matrix' }) },
  { method: 'GET', url: '/buildings/:buildingId/meetings/:meetingId', perm: 'assembly.read' },
  { method: 'PATCH', url: '/buildings/:buildingId/meetings/:meetingId', perm: 'assembly.write', body: () => ({ place: 'Matrix 2' }) },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/agenda-items', perm: 'assembly.write', body: () => ({ title: 'Matrix' }) },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/convocations', perm: 'assembly.write' },
  { method: 'GET', url: '/buildings/:buildingId/meetings/:meetingId/convocations/:personId/pdf', perm: 'assembly.read' },
  { method: 'GET', url: '/buildings/:buildingId/meetings/:meetingId/proxies', perm: 'assembly.read' },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/proxies', perm: 'assembly.write', body: (i) => ({ principalPersonId: i.personId, holderPersonId: i.personId }) },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/proxies/:proxyId/revoke', perm: 'assembly.write' },
  { method: 'GET', url: '/buildings/:buildingId/meetings/:meetingId/attendance', perm: 'assembly.read' },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/attendance', perm: 'assembly.write', body: (i) => ({ personId: i.personId, mode: 'present' }) },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/open', perm: 'assembly.write' },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/agenda-items/:itemId/votes', perm: 'assembly.write', body: (i) => ({ personId: i.personId, choice: 'for' }) },
  { method: 'GET', url: '/buildings/:buildingId/meetings/:meetingId/agenda-items/:itemId/result', perm: 'assembly.read' },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/agenda-items/:itemId/open-vote', perm: 'assembly.write' },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/agenda-items/:itemId/close-vote', perm: 'assembly.write' },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/close', perm: 'assembly.write' },
  { method: 'GET', url: '/meetings/:meetingId/live', perm: 'assembly.read' },
  { method: 'GET', url: '/buildings/:buildingId/meetings/:meetingId/minutes', perm: 'assembly.read' },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/minutes/signatures', perm: 'assembly.write',
    body: () => ({ signatures: [{ name: 'Matrix', role: 'president' }] }) },
  { method: 'GET', url: '/buildings/:buildingId/meetings/:meetingId/minutes/pdf', perm: 'assembly.read' },
  { method: 'POST', url: '/buildings/:buildingId/meetings/:meetingId/minutes/send', perm: 'assembly.write' },
  { method: 'GET', url: '/buildings/:buildingId/decisions', perm: 'assembly.read' },
  { method: 'POST', url: '/buildings/:buildingId/written-procedures', perm: 'assembly.write',
    body: () => ({ title: 'Matrix', resolution: 'Matrix', decisionType: 'other' }) },
  { method: 'GET', url: '/buildings/:buildingId/written-procedures/:procedureId', perm: 'assembly.read' },
  { method: 'POST', url: '/buildings/:buildingId/written-procedures/:procedureId/answers', perm: 'assembly.write', body: (i) => ({ personId: i.personId, agrees: true }) },
  { method: 'POST', url: '/buildings/:buildingId/written-procedures/:procedureId/close', perm: 'assembly.write' },
  // Reminder drafts need reminder.read, convocation drafts assembly.read: the list shows those the caller may read.
  { method: 'GET', url: '/buildings/:buildingId/ai-drafts', perm: ['reminder.read', 'assembly.read'] },
  { method: 'POST', url: '/buildings/:buildingId/ai-drafts', perm: 'reminder.write',
    body: (i) => ({ documentType: 'reminder', ownerCallId: i.ownerCallId, level: 'Gentle', locale: 'fr' }) },
  { method: 'GET', url: '/buildings/:buildingId/ai-drafts/:draftId', perm: 'reminder.read' },
  { method: 'PATCH', url: '/buildings/:buildingId/ai-drafts/:draftId', perm: 'reminder.write', body: () => ({ subject: 'Rappel : {{DUE_DATE}}',
    body: 'Madame, Monsieur {{OWNER_NAME}}, nous vous prions de payer {{AMOUNT_DUE}} dû le {{DUE_DATE}} avec la communication {{PAYMENT_REF}}.' }) },
  { method: 'POST', url: '/buildings/:buildingId/ai-drafts/:draftId/use-template', perm: 'reminder.write' },
  { method: 'POST', url: '/buildings/:buildingId/ai-drafts/:draftId/approve', perm: 'reminder.write' },
  // Moving a building to a peer instance: org administrator only. An unknown peer keeps the fixture building writable.
  { method: 'POST', url: '/buildings/:buildingId/federation-moves', perm: 'org.manage_roles', body: () => ({ fedPeerId: '00000000-0000-4000-8000-000000000000' }) },
  { method: 'GET', url: '/buildings/:buildingId/federation-moves', perm: 'org.manage_roles' },
];

const PUBLIC = new Set(['GET /health', 'GET /ready', 'GET /openapi.json', 'GET /api/v1/setup', 'POST /api/v1/setup',
  'POST /api/v1/auth/register', 'POST /api/v1/auth/login', 'POST /api/v1/auth/refresh',
  'POST /api/v1/grid/enrol',
  'GET /vote', 'GET /chair', 'GET /web/vote.js', 'GET /web/chair.js', 'GET /web/common.js', 'GET /web/web.css', 'GET /web/icon.svg']);
// Federation: the instance document and the inbox are public (the inbox authenticates by HTTP signature).
for (const r of ['GET /.well-known/koprogo-federation', 'GET /fed/actor', 'POST /fed/inbox', 'GET /fed/stats/:period']) PUBLIC.add(r);
PUBLIC.add('GET /fed/transfers/:transferId/bundle'); // authenticated by HTTP signature (the receiving peer)
PUBLIC.add('GET /fed/owner-feeds/:linkId/portfolio'); // HTTP signature of the linked home instance

const fill = (url: string, ids: Ids, orgId = ids.org) =>
  `/api/v1/orgs/${orgId}${url.replace(/:(\w+)/g, (_, k: keyof Ids) => ids[k])}`;

async function call(r: (typeof orgRoutes)[number], ids: Ids, actor?: Actor, orgId?: string) {
  return app.inject({
    method: r.method as 'GET', url: fill(r.url, ids, orgId), headers: actor?.headers ?? {},
    ...(r.body ? { payload: r.body(ids) as object } : {}),
  });
}

/** A fingerprint of every row of organization B, to prove cross-tenant writes changed nothing. */
async function fingerprintOfB(): Promise<string> {
  const tables = ['buildings', 'lots', 'persons', 'holdings', 'role_grants', 'api_tokens', 'chart_accounts', 'fiscal_years',
    'journal_entries', 'journal_lines', 'suppliers', 'distribution_keys', 'distribution_key_lots', 'expense_settings', 'expenses',
    'expense_lines', 'charge_allocations', 'budgets', 'calls', 'owner_calls', 'owner_call_lots', 'structured_communication_counters',
    'payments', 'payment_allocations', 'payment_requests', 'bank_statement_lines', 'archived_documents', 'deliveries',
    'delivery_attachments', 'print_batches', 'notifications', 'webhooks', 'webhook_deliveries', 'webhook_delivery_attempts',
    'delivery_attempts', 'reminder_settings', 'debts', 'reminder_runs', 'reminders',
    'assembly_settings', 'assembly_requests', 'meetings', 'agenda_items', 'agenda_requests', 'convocations', 'proxies', 'meeting_voters',
    'attendance', 'votes', 'minutes', 'written_procedures', 'written_answers',
    'grid_drafts', 'grid_attempts', 'fed_transfers_out'];
  const parts = await Promise.all(tables.map((t) => sql.unsafe(
    `select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from ${t} x where organization_id = $1`, [B.org])));
  return parts.map((p) => p[0]!.h).join(',');
}

describe('role × route matrix', () => {
  it('lists every organization route of the application', () => {
    const actual = app.routeTable.filter((r) => r.url.startsWith('/api/v1/orgs/:orgId/'))
      .map((r) => `${r.method} ${r.url.replace('/api/v1/orgs/:orgId', '')}`).sort();
    expect(actual).toEqual(orgRoutes.map((r) => `${r.method} ${r.url}`).sort());
  });

  it('answers 401 with a JSON code on every non-public route without a token', async () => {
    const guarded = app.routeTable.filter((r) => !PUBLIC.has(`${r.method} ${r.url}`) && !r.url.startsWith('/docs'));
    expect(guarded.length).toBeGreaterThan(30);
    for (const r of guarded) {
      const res = await app.inject({ method: r.method as 'GET', url: r.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000') });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json().error.code).toBe('auth.unauthenticated');
    }
  });

  it('gives each role exactly what its permissions allow (403 otherwise)', async () => {
    for (const role of ROLES) {
      for (const r of orgRoutes) {
        if (r.url === '/roles/:grantId') {
          const [g] = await sql<{ id: string }[]>`insert into role_grants (organization_id, user_id, role, granted_at)
            values (${A.org}, ${bystander.userId}, 'accountant', now()) on conflict do nothing returning id`;
          A.grantId = g?.id ?? A.grantId;
        }
        if (r.url === '/notifications/:notificationId/read') { // notifications belong to their user
          await sql.begin((tx) => publishEvent(tx, deps, { organizationId: A.org, type: 'matrix.test', payload: {}, recipients: [actors[role].userId] },
            { organizationId: A.org, actorUserId: null, requestId: null }));
          const [n] = await sql<{ id: string }[]>`select id from notifications where user_id = ${actors[role].userId} order by created_at desc limit 1`;
          A.notificationId = n!.id;
        }
        if (r.url === '/api-tokens/:tokenId') { // members revoke their own tokens
          const own = await app.inject({ method: 'POST', url: `/api/v1/orgs/${A.org}/api-tokens`, headers: actors[role].headers, payload: { name: 'own' } });
          A.tokenId = own.json().id;
        }
        const res = await call(r, A, actors[role]);
        const allowed = r.perm === 'member' || [r.perm].flat().some((p) => permissionsByRole[role].includes(p));
        const label = `${role} ${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 160)}`;
        if (allowed) expect([401, 403, 404, 500].includes(res.statusCode), label).toBe(false);
        else {
          expect(res.statusCode, label).toBe(403);
          expect(res.json().error.code).toBe('auth.forbidden');
        }
      }
    }
  });

  it('answers 404 for another organization, and for its ids inside ours, and changes nothing there', async () => {
    const before = await fingerprintOfB();
    for (const r of orgRoutes) {
      const other = await call(r, B, adminA, B.org);
      expect(other.statusCode, `${r.method} ${r.url} in B`).toBe(404);
      expect(other.json().error.code).toBe('organization.not_found');
      if (!r.url.includes(':')) continue;
      const crossIds: Ids = { ...B, org: A.org };
      const res = await call(r, crossIds, adminA);
      expect(res.statusCode, `${r.method} ${r.url} with B's ids → ${res.body.slice(0, 160)}`).toBe(404);
    }
    expect(await fingerprintOfB()).toBe(before);
  });

  it('answers an unknown id exactly like another tenant\'s id', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const a = await app.inject({ method: 'GET', url: `/api/v1/orgs/${A.org}/buildings/${unknown}`, headers: adminA.headers });
    const b = await app.inject({ method: 'GET', url: `/api/v1/orgs/${A.org}/buildings/${B.buildingId}`, headers: adminA.headers });
    expect(a.statusCode).toBe(404);
    expect(b.statusCode).toBe(404);
    expect(a.json().error.code).toBe(b.json().error.code);
    const u = await app.inject({ method: 'GET', url: `/api/v1/orgs/${unknown}/buildings`, headers: adminA.headers });
    expect(u.statusCode).toBe(404);
    expect(u.json().error.code).toBe('organization.not_found');
  });

  it('limits building-scoped grants to their building: no role management, no audit, no other building\'s persons', async () => {
    const [other] = await sql<{ buildingId: string; personId: string }[]>`
      select l.building_id as "buildingId", h.person_id as "personId" from holdings h join lots l on l.id = h.lot_id
      where h.organization_id = ${A.org} and l.building_id <> ${A.buildingId} limit 1`;
    const localAdmin = await createActor(deps, { organizationId: A.org, grants: [{ role: 'admin', buildingId: A.buildingId }] });
    const asLocal = (method: 'GET' | 'POST', url: string, payload?: object) =>
      app.inject({ method, url: `/api/v1/orgs/${A.org}${url}`, headers: localAdmin.headers, ...(payload ? { payload } : {}) });
    expect((await asLocal('POST', '/roles', { email: localAdmin.email, role: 'admin' })).statusCode).toBe(403);
    expect((await asLocal('GET', '/roles')).statusCode).toBe(403);
    expect((await asLocal('GET', '/audit')).statusCode).toBe(403);
    expect((await asLocal('GET', `/buildings/${A.buildingId}`)).statusCode).toBe(200);
    expect((await asLocal('GET', `/buildings/${other!.buildingId}`)).statusCode).toBe(404);
    expect((await asLocal('GET', `/persons/${other!.personId}`)).statusCode).toBe(404);
    // Attaching a person of another building would make them (and their contact details) visible: refused.
    const attach = await asLocal('POST', `/buildings/${A.buildingId}/lots/${A.lotId}/transfers`,
      { date: '2035-01-01', holdings: [{ personId: other!.personId, right: 'full', part: fraction }] });
    expect(attach.statusCode).toBe(422);
    expect(attach.json().error.code).toBe('holding.unknown_person');
    expect((await asLocal('GET', `/persons/${other!.personId}`)).statusCode).toBe(404);
    // A person created by them and not yet linked anywhere can be attached.
    const created = await asLocal('POST', '/persons', { kind: 'natural', firstName: 'New', lastName: 'Owner' });
    expect(created.statusCode).toBe(201);
    const ok = await asLocal('POST', `/buildings/${A.buildingId}/lots/${A.lotId}/transfers`,
      { date: '2035-01-01', holdings: [{ personId: created.json().id, right: 'full', part: fraction }] });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('narrows a read-only API token to reads, and binds it to its organization', async () => {
    const created = await app.inject({ method: 'POST', url: `/api/v1/orgs/${A.org}/api-tokens`, headers: adminA.headers, payload: { name: 'ro', scopes: ['read'] } });
    expect(created.statusCode).toBe(201);
    const headers = { authorization: `Bearer ${created.json().token}` };
    expect((await app.inject({ method: 'GET', url: `/api/v1/orgs/${A.org}/buildings`, headers })).statusCode).toBe(200);
    const write = await app.inject({ method: 'PATCH', url: `/api/v1/orgs/${A.org}/buildings/${A.buildingId}`, headers, payload: { name: 'x' } });
    expect(write.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/api/v1/orgs/${B.org}/buildings`, headers })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(403);
    const selfRevoke = await app.inject({ method: 'DELETE', url: `/api/v1/orgs/${A.org}/api-tokens/${created.json().id}`, headers });
    expect(selfRevoke.statusCode).toBe(403); // a read-only token changes nothing, not even tokens
    const rw = (await app.inject({ method: 'POST', url: `/api/v1/orgs/${A.org}/api-tokens`, headers: adminA.headers,
      payload: { name: 'rw', scopes: ['read', 'write'] } })).json();
    const writeToken = rw.token;
    // A change made through an API token says which token in the audit log.
    const person = await app.inject({ method: 'POST', url: `/api/v1/orgs/${A.org}/persons`, headers: { authorization: `Bearer ${writeToken}` },
      payload: { kind: 'natural', firstName: 'Via', lastName: 'Token' } });
    expect(person.statusCode).toBe(201);
    const [row] = await sql<{ details: { apiTokenId?: string } }[]>`select details from audit_log where entity_id = ${person.json().id}`;
    expect(row!.details.apiTokenId).toBe(rw.id);
    const grant = await app.inject({ method: 'POST', url: `/api/v1/orgs/${A.org}/roles`, headers: { authorization: `Bearer ${writeToken}` },
      payload: { email: adminA.email, role: 'syndic' } });
    expect(grant.statusCode).toBe(403); // roles are never managed through an API token
    const revoked = await app.inject({ method: 'DELETE', url: `/api/v1/orgs/${A.org}/api-tokens/${created.json().id}`, headers: adminA.headers });
    expect(revoked.json().revokedAt).not.toBeNull();
    const after = await app.inject({ method: 'GET', url: `/api/v1/orgs/${A.org}/buildings`, headers });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('auth.token_invalid');
    const stored = await sql`select token_hash from api_tokens where id = ${created.json().id}`;
    expect(stored[0]!.token_hash).not.toContain(created.json().token);
  });
});
