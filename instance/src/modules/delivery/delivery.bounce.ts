import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { publishEvent } from '../notifications/notifications.service.ts';
import { canBounce } from './delivery.domain.ts';
import { parseDsn, permanentFailureFor } from './delivery.dsn.ts';
import * as repo from './delivery.repo.ts';

/**
 * Bounces: a 5xx at RCPT TO / DATA (from the send worker), a DSN the operator forwards, or a bounce
 * the syndic records by hand. Each one marks the e-mail `bounced` with what the server said and, when
 * the person has a postal address, queues the same letter by post (same text, same archived
 * attachments, `fallback_of` = the e-mail), so a refused mailbox never silently drops a reminder or a
 * convocation. The organization's admins get a `delivery.bounced` notification.
 */

export interface BounceDeps { clock: Clock; boss: PgBoss | null }

export interface BounceResult { deliveryId: string; fallbackDeliveryId: string | null }

/** Inside the caller's transaction, on a locked e-mail delivery that may bounce. */
export async function applyBounce(tx: Db, deps: BounceDeps, d: repo.DeliveryRow, b: repo.Bounce, attempts: number | null,
  actor: ActorCtx): Promise<BounceResult> {
  const at = deps.clock.now();
  await repo.markBounced(tx, d.organizationId, d.id, b, attempts, at);
  const person = await repo.findRecipient(tx, d.organizationId, d.personId);
  let fallbackDeliveryId: string | null = null;
  if (person?.address && !(await repo.fallbackOf(tx, d.organizationId, d.id))) {
    fallbackDeliveryId = randomUUID();
    await repo.insertPostalFallback(tx, d.organizationId, d.id, fallbackDeliveryId, person.address, at);
    await audit(tx, actor, at, 'delivery.queued', { type: 'delivery', id: fallbackDeliveryId }, {
      buildingId: d.buildingId, personId: d.personId, channel: 'post', purpose: d.purpose, fallbackOf: d.id,
    });
  }
  await audit(tx, actor, at, 'delivery.bounced', { type: 'delivery', id: d.id }, {
    source: b.source, smtpCode: b.smtpCode, status: b.status, fallbackDeliveryId,
  });
  await publishEvent(tx, deps, { organizationId: d.organizationId, type: 'delivery.bounced', recipients: 'organization-admins',
    payload: { deliveryId: d.id, personId: d.personId, buildingId: d.buildingId, purpose: d.purpose, smtpCode: b.smtpCode,
      bounceStatus: b.status, fallbackDeliveryId } }, actor);
  return { deliveryId: d.id, fallbackDeliveryId };
}

const notFound = (id: string) => new AppError('delivery.not_found', 'Delivery not found', { id });

async function lockBounceable(tx: Db, ctx: ActorCtx, id: string, scope: 'all' | string[]): Promise<repo.DeliveryRow> {
  const d = await repo.findDelivery(tx, ctx.organizationId, id, true);
  if (!d || (scope !== 'all' && !scope.includes(d.buildingId))) throw notFound(id);
  if (!canBounce(d.status, d.channel)) {
    throw new AppError('delivery.illegal_transition', 'Only an e-mail that was sent or failed can bounce (once)', { id, status: d.status, channel: d.channel });
  }
  return d;
}

/** A bounce reported later (by the provider's dashboard, a phone call…), recorded by hand. */
export async function recordBounce(deps: RegisterDeps & { boss: PgBoss | null }, ctx: ActorCtx, id: string,
  input: { reason: string; smtpCode?: number | undefined; status?: string | undefined }, scope: 'all' | string[]): Promise<BounceResult> {
  return inTx(deps, async (tx) => {
    const d = await lockBounceable(tx, ctx, id, scope);
    return applyBounce(tx, deps, d, { source: 'manual', reason: input.reason, smtpCode: input.smtpCode ?? null, status: input.status ?? null }, null, ctx);
  });
}

/**
 * A DSN (RFC 3464) forwarded by the operator: matched to our delivery by its envelope id or by the
 * Message-ID / X-KoproGo-Delivery of the returned message, and accepted only when it reports a
 * permanent failure (Action: failed, Status 5.x.x) for the address we sent to.
 */
export async function ingestDsn(deps: RegisterDeps & { boss: PgBoss | null }, ctx: ActorCtx, raw: string,
  scope: 'all' | string[]): Promise<BounceResult> {
  const dsn = parseDsn(raw);
  if (!dsn.deliveryId) {
    throw new AppError('delivery.dsn_unmatched', 'The report names none of our deliveries (no envelope id, Message-ID or X-KoproGo-Delivery)');
  }
  const deliveryId = dsn.deliveryId;
  return inTx(deps, async (tx) => {
    const d = await lockBounceable(tx, ctx, deliveryId, scope);
    const failure = permanentFailureFor(dsn, d.recipientEmail!);
    if (!failure) {
      throw new AppError('delivery.dsn_not_permanent', 'The report holds no permanent failure (Action: failed, Status 5.x.x) for the address this delivery went to',
        { id: d.id, recipients: dsn.recipients.map((r) => ({ action: r.action, status: r.status })) });
    }
    const smtpCode = /\b([45]\d\d)\b/.exec(failure.diagnostic ?? '')?.[1];
    return applyBounce(tx, deps, d, { source: 'dsn', status: failure.status, smtpCode: smtpCode ? Number(smtpCode) : null,
      reason: failure.diagnostic ?? `DSN status ${failure.status}` }, null, ctx);
  });
}
