import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { resolvePage, type PageRequest, type SortFields } from '../../platform/pagination.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { checkEvent, type EventInput, type LiveEvent } from './notifications.domain.ts';
import * as repo from './notifications.repo.ts';
import { insertDeliveries } from './webhooks.repo.ts';
import { inTransaction } from '../../platform/queue.ts';

export const WEBHOOK_QUEUE = 'webhook.deliver';
/** Retries after the first attempt, with pg-boss exponential backoff (delay ≈ 2^retryCount s, with jitter). */
export const WEBHOOK_RETRY = { retryLimit: 6, retryBackoff: true } as const;

export interface WebhookJob { organizationId: string; deliveryId: string }

export interface PublishDeps { boss: PgBoss | null; clock: Clock; logger?: { warn(o: object, m: string): void } }

/**
 * Publishes an event from inside the caller's transaction `tx`: in-app notifications for the
 * recipients, a `pg_notify('koprogo_events', …)` (delivered to listeners at commit) and one webhook
 * delivery per live webhook of the organization subscribed to the type, queued on pg-boss in the
 * same transaction. Without pg-boss (deps.boss null) the deliveries are recorded but stay pending.
 */
export async function publishEvent(tx: Db, deps: PublishDeps, input: EventInput, actor: ActorCtx):
  Promise<{ eventId: string; notified: number; deliveries: number }> {
  checkEvent(input);
  if (actor.organizationId !== input.organizationId) {
    throw new AppError('notification.invalid_event', 'An event is published in the acting organization only', { field: 'organizationId' });
  }
  const at = deps.clock.now();
  const event: LiveEvent = { id: randomUUID(), type: input.type, organizationId: input.organizationId,
    occurredAt: at.toISOString(), payload: input.payload };
  const users = input.recipients === 'none' ? [] : await repo.recipientIds(tx, input.organizationId, input.recipients);
  const notified = await repo.insertNotifications(tx, input.organizationId, users, input.type, input.payload, at);
  await repo.notifyEvent(tx, event);
  const deliveryIds = await insertDeliveries(tx, input.organizationId, event.id, event.type, JSON.stringify(event), at);
  if (deliveryIds.length > 0 && deps.boss) {
    const db = inTransaction(tx);
    for (const deliveryId of deliveryIds) {
      const job: WebhookJob = { organizationId: input.organizationId, deliveryId };
      await deps.boss.send(WEBHOOK_QUEUE, job, { ...WEBHOOK_RETRY, db });
    }
  } else if (deliveryIds.length > 0) {
    deps.logger?.warn({ eventId: event.id, deliveries: deliveryIds.length }, 'webhook deliveries recorded without a job queue: left pending');
  }
  return { eventId: event.id, notified, deliveries: deliveryIds.length };
}

const NOTIFICATION_SORTS: SortFields<'createdAt'> = { createdAt: { expr: 'f.created_at', type: 'timestamptz' } };

export async function listNotifications(deps: RegisterDeps, ctx: ActorCtx, userId: string, q: PageRequest & { unread: boolean }) {
  const page = resolvePage(NOTIFICATION_SORTS, { limit: q.limit, cursor: q.cursor }, '-createdAt');
  const r = await repo.pageNotifications(deps.sql, ctx.organizationId, userId, q.unread, page);
  const unreadCount = await repo.unreadCount(deps.sql, ctx.organizationId, userId);
  return { items: r.rows, total: r.total, nextCursor: r.nextCursor, unreadCount };
}

/** Marks one of the caller's own notifications read; another user's (or tenant's) is 404. Idempotent. */
export async function markRead(deps: RegisterDeps, ctx: ActorCtx, userId: string, id: string): Promise<repo.NotificationRow> {
  return inTx(deps, async (tx) => {
    const at = deps.clock.now();
    const r = await repo.markRead(tx, ctx.organizationId, userId, id, at);
    if (!r) throw new AppError('notification.not_found', 'Notification not found', { id });
    if (r.changed) await audit(tx, ctx, at, 'notification.read', { type: 'notification', id });
    return r.row;
  });
}

export async function markAllRead(deps: RegisterDeps, ctx: ActorCtx, userId: string): Promise<{ updated: number }> {
  return inTx(deps, async (tx) => {
    const at = deps.clock.now();
    const updated = await repo.markAllRead(tx, ctx.organizationId, userId, at);
    if (updated > 0) await audit(tx, ctx, at, 'notification.read_all', { type: 'user', id: userId }, { updated });
    return { updated };
  });
}
