import type { Deps } from '../../src/platform/deps.ts';
import type { App } from '../../src/platform/http.ts';
import { queueDelivery } from '../../src/modules/delivery/delivery.service.ts';
import { publishEvent } from '../../src/modules/notifications/notifications.service.ts';
import { openMeeting } from '../../src/modules/assemblies/session.service.ts';
import { openVote } from '../../src/modules/assemblies/voting.service.ts';
import type { Actor } from './actors.ts';
import { gridRouteIds } from '../../src/modules/grid/grid.fixture.ts';
import { ledgerRouteIds } from '../../src/modules/grid/ledger.fixture.ts';

/**
 * One real id for every path parameter of the organization routes, in an organization already
 * filled by seedDemo: the role × route matrix and the no-500 test drive every route with them.
 */
export interface RouteIds {
  org: string; buildingId: string; lotId: string; personId: string; holdingId: string; tokenId: string; grantId: string;
  entryId: string; fiscalYearId: string; supplierId: string; keyId: string; expenseId: string;
  budgetId: string; callId: string; paymentId: string; deliveryId: string; batchId: string;
  notificationId: string; webhookId: string;
  reminderId: string; debtId: string;
  meetingId: string; itemId: string; proxyId: string; procedureId: string;
  modelId: string; peerId: string; draftId: string; ownerCallId: string;
  period: string; workId: string;
  /** Instance-level federation peer (a TEST-NET address: refused as private, never contacted). */
  fedPeerId: string;
  /** A building transfer offered by the fixture peer (never fetched: its address is refused). */
  fedTransferId: string;
  /** An owner link asked by the fixture peer (building side, not accepted). */
  linkId: string;
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
  // A letter by post (a person with an address and no e-mail consent), then the print batch that takes it.
  const [addressee] = await deps.sql<{ id: string }[]>`select id from persons where organization_id = ${orgId}
    and street is not null and email_consent_given_on is null order by sort_name limit 1`;
  const letter = await deps.sql.begin((tx) => queueDelivery(tx, deps, { organizationId: orgId, buildingId: h!.buildingId, personId: addressee!.id,
    purpose: 'notice', subject: 'Matrix', text: 'Matrix', attachments: [], related: { type: 'matrix', id: h!.buildingId } },
  { organizationId: orgId, actorUserId: admin.userId, requestId: null }));
  const batch = (await call('POST', `${b}/print-batches`, {})).json();
  // A notification for the admin, then a webhook (created after it, so no delivery is queued).
  await deps.sql.begin((tx) => publishEvent(tx, deps, { organizationId: orgId, type: 'fixture.created', payload: {}, recipients: [admin.userId] },
    { organizationId: orgId, actorUserId: admin.userId, requestId: null }));
  const [notification] = await deps.sql<{ id: string }[]>`select id from notifications where organization_id = ${orgId}
    and user_id = ${admin.userId} order by created_at desc limit 1`;
  const webhook = (await call('POST', '/webhooks', { url: 'https://example.test/hook', eventTypes: ['fixture.created'] })).json();
  // Reminder drafts of the call above: as of its due date + 11 days, every owner call is due for Gentle.
  const asOf = new Date(Date.parse(`${today}T00:00:00Z`) + 11 * 86_400_000).toISOString().slice(0, 10);
  await call('POST', `${b}/reminders/run?asOf=${asOf}`, {});
  const [reminder] = await deps.sql<{ id: string; debtId: string }[]>`select id, debt_id as "debtId" from reminders
    where organization_id = ${orgId} and building_id = ${h!.buildingId} order by created_at, id limit 1`;
  const assembly = await assemblyIdsOf(deps, h!.buildingId, call);
  const ids = {
    ...assembly,
    org: orgId, ...h!, tokenId: token.id, grantId: g!.id, entryId: entry.id, fiscalYearId: entry.fiscalYearId,
    supplierId: supplier.id, keyId: key.id, expenseId: expense.id, budgetId: budget.id, callId: callForFunds.id, paymentId: payment.id,
    deliveryId: letter.id, batchId: batch.id, notificationId: notification!.id, webhookId: webhook.id,
    reminderId: reminder?.id as string, debtId: reminder?.debtId as string,
    ...(await gridRouteIds(deps, orgId, h!.buildingId, admin.userId)),
    ...(await ledgerRouteIds(deps, orgId, h!.buildingId)),
    fedPeerId: await fixturePeer(deps),
    fedTransferId: await fixtureTransfer(deps),
    linkId: await fixtureOwnerLink(deps),
  };
  const missing = Object.entries(ids).filter(([, v]) => typeof v !== 'string');
  if (missing.length) throw new Error(`route fixtures failed to create: ${missing.map(([k]) => k).join(', ')}`);
  return ids;
}

/**
 * An open meeting of the building, its first resolution open for votes, and a proxy: every
 * person without a postal address gets one first, so that everyone can be convened by post.
 */
async function assemblyIdsOf(deps: Deps, buildingId: string,
  call: (method: 'POST' | 'PATCH', url: string, payload: object) => Promise<{ json(): any }>) {
  const noAddress = await deps.sql<{ id: string }[]>`select id from persons where organization_id = (select organization_id from buildings where id = ${buildingId})
    and street is null`;
  for (const p of noAddress) await call('PATCH', `/persons/${p.id}`, { address: { street: 'Rue du Matrix 1', postalCode: '1000', city: 'Bruxelles' } });
  const b = `/buildings/${buildingId}`;
  const [org] = await deps.sql<{ id: string }[]>`select organization_id as id from buildings where id = ${buildingId}`;
  const orgIdOf = org!.id;
  const meetingDate = new Date(Date.parse(`${deps.clock.today()}T00:00:00Z`) + 20 * 86_400_000).toISOString().slice(0, 10);
  const meeting = (await call('POST', `${b}/meetings`, { kind: 'ordinary', meetingDate, startTime: '18:00', place: 'Matrix hall' })).json();
  const withItem = (await call('POST', `${b}/meetings/${meeting.id}/agenda-items`, { title: 'Matrix budget', decisionType: 'accounts_budget' })).json();
  const sent = (await call('POST', `${b}/meetings/${meeting.id}/convocations`, {})).json();
  const [first, second, ...others] = (sent.recipients as Array<{ personId: string }>).map((r) => r.personId);
  const proxy = (await call('POST', `${b}/meetings/${meeting.id}/proxies`, { principalPersonId: second, holderPersonId: first })).json();
  await call('POST', `${b}/meetings/${meeting.id}/attendance`, { personId: first!, mode: 'present' });
  for (const p of others) await call('POST', `${b}/meetings/${meeting.id}/attendance`, { personId: p, mode: 'present' });
  const itemId = withItem.agenda?.[0]?.id;
  // A meeting opens on its day: move the test clock there for the opening, then back (tokens signed today would have expired, so use the services).
  const ctx = { organizationId: orgIdOf, actorUserId: null, requestId: null };
  deps.testClock!.advance(20 * 86_400_000 + 7_200_000); // +2 h: on or after the meeting day whatever DST does
  try {
    await openMeeting(deps, ctx, buildingId, meeting.id);
    await openVote(deps, ctx, buildingId, meeting.id, itemId);
  } finally {
    deps.testClock!.advance(-(20 * 86_400_000 + 7_200_000));
  }
  const procedure = (await call('POST', `${b}/written-procedures`, { title: 'Matrix', resolution: 'Matrix', decisionType: 'other' })).json();
  return { meetingId: meeting.id, itemId, proxyId: proxy.id, procedureId: procedure.id };
}

/** An allow-listed federation peer (a TEST-NET address: refused as private, never contacted). */
async function fixturePeer(deps: Deps): Promise<string> {
  const [p] = await deps.sql<{ id: string }[]>`insert into fed_peers (host, base_url, inbox_url, actor_id, name, country, status, added_at)
    values ('192.0.2.1', 'https://192.0.2.1', 'https://192.0.2.1/fed/inbox', 'https://192.0.2.1/fed/actor', 'Fixture peer', 'BE', 'allowed', now())
    on conflict (host) do update set name = excluded.name returning id`;
  return p!.id;
}

async function fixtureTransfer(deps: Deps): Promise<string> {
  const peerId = await fixturePeer(deps);
  const [t] = await deps.sql<{ id: string }[]>`insert into fed_transfers_in (transfer_id, offer_activity_id, peer_id, building_id, building_name,
      manifest_sha256, bundle_url, bundle_bytes, counts, state, offered_at)
    values ('https://192.0.2.1/fed/transfers/fixture', 'https://192.0.2.1/fed/activities/fixture', ${peerId}, gen_random_uuid(), 'Fixture building',
      ${'0'.repeat(64)}, 'https://192.0.2.1/fed/transfers/fixture/bundle', 0, '{}', 'offered', now())
    on conflict (transfer_id) do update set building_name = excluded.building_name returning id`;
  return t!.id;
}

async function fixtureOwnerLink(deps: Deps): Promise<string> {
  const peerId = await fixturePeer(deps);
  const [l] = await deps.sql<{ id: string }[]>`insert into fed_owner_links (id, link_id, side, peer_id, remote_email, state, created_at)
    values (gen_random_uuid(), 'https://192.0.2.1/fed/links/fixture', 'building', ${peerId}, 'fixture@example.test', 'requested', now())
    on conflict (link_id, side) do update set remote_email = excluded.remote_email returning id`;
  return l!.id;
}
