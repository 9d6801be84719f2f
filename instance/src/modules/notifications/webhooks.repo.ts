import type { Db } from '../../platform/db.ts';
import { keysetPage, type ResolvedPage } from '../../platform/pagination.ts';

export interface WebhookRow { id: string; url: string; eventTypes: string[]; description: string | null; createdAt: Date }

const COLUMNS = 'id, url, event_types as "eventTypes", description, created_at as "createdAt"';

export async function insertWebhook(tx: Db, orgId: string, input: { url: string; eventTypes: string[]; description: string | null;
  secret: string; createdBy: string | null }, at: Date): Promise<WebhookRow> {
  const [row] = await tx<WebhookRow[]>`insert into webhooks (organization_id, url, secret, event_types, description, created_by, created_at)
    values (${orgId}, ${input.url}, ${input.secret}, ${input.eventTypes}, ${input.description}, ${input.createdBy}, ${at})
    returning ${tx.unsafe(COLUMNS)}`;
  return row!;
}

export async function listWebhooks(sql: Db, orgId: string): Promise<WebhookRow[]> {
  return sql<WebhookRow[]>`select ${sql.unsafe(COLUMNS)} from webhooks
    where organization_id = ${orgId} and deleted_at is null order by created_at, id`;
}

export async function findWebhook(sql: Db, orgId: string, id: string): Promise<WebhookRow | null> {
  const [row] = await sql<WebhookRow[]>`select ${sql.unsafe(COLUMNS)} from webhooks
    where organization_id = ${orgId} and id = ${id} and deleted_at is null`;
  return row ?? null;
}

export async function softDeleteWebhook(tx: Db, orgId: string, id: string, at: Date): Promise<boolean> {
  const rows = await tx`update webhooks set deleted_at = ${at}
    where organization_id = ${orgId} and id = ${id} and deleted_at is null returning id`;
  return rows.length === 1;
}

/** One pending delivery per live webhook of the organization subscribed to the type; returns their ids. */
export async function insertDeliveries(tx: Db, orgId: string, eventId: string, type: string, body: string, at: Date): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`insert into webhook_deliveries (organization_id, webhook_id, event_id, event_type, body, created_at)
    select organization_id, id, ${eventId}, ${type}, ${body}, ${at} from webhooks
    where organization_id = ${orgId} and deleted_at is null and event_types && array[${type}, '*']::text[]
    order by created_at, id
    returning id`;
  return rows.map((r) => r.id);
}

export interface DeliveryTarget { id: string; status: string; body: string; eventId: string; url: string; secret: string; webhookDeleted: boolean }

export async function deliveryTarget(sql: Db, orgId: string, deliveryId: string): Promise<DeliveryTarget | null> {
  const [row] = await sql<DeliveryTarget[]>`select d.id, d.status, d.body, d.event_id as "eventId", w.url, w.secret,
      (w.deleted_at is not null) as "webhookDeleted"
    from webhook_deliveries d join webhooks w on w.organization_id = d.organization_id and w.id = d.webhook_id
    where d.organization_id = ${orgId} and d.id = ${deliveryId}`;
  return row ?? null;
}

export async function recordAttempt(sql: Db, orgId: string, deliveryId: string, a: { statusCode: number | null; error: string | null;
  durationMs: number }, at: Date): Promise<number> {
  const [row] = await sql<{ attempt: number }[]>`insert into webhook_delivery_attempts
      (organization_id, delivery_id, attempt, status_code, error, duration_ms, attempted_at)
    select ${orgId}, ${deliveryId}, coalesce(max(attempt), 0) + 1, ${a.statusCode}, ${a.error}, ${a.durationMs}, ${at}
    from webhook_delivery_attempts where delivery_id = ${deliveryId}
    returning attempt`;
  return row!.attempt;
}

export async function setDeliveryStatus(sql: Db, orgId: string, deliveryId: string, status: 'delivered' | 'failed', at: Date): Promise<void> {
  await sql`update webhook_deliveries set status = ${status}, delivered_at = ${status === 'delivered' ? at : null}
    where organization_id = ${orgId} and id = ${deliveryId}`;
}

export interface AttemptRow { attempt: number; statusCode: number | null; error: string | null; durationMs: number; attemptedAt: Date }
export interface DeliveryRow { id: string; eventId: string; eventType: string; status: 'pending' | 'delivered' | 'failed';
  createdAt: Date; deliveredAt: Date | null; attempts: AttemptRow[] }

export async function pageDeliveries(sql: Db, orgId: string, webhookId: string, page: ResolvedPage) {
  const filtered = sql`select d.id, d.event_id as "eventId", d.event_type as "eventType", d.status, d.created_at as "createdAt",
      d.delivered_at as "deliveredAt", d.created_at,
      coalesce((select json_agg(json_build_object('attempt', a.attempt, 'statusCode', a.status_code, 'error', a.error,
          'durationMs', a.duration_ms, 'attemptedAt', a.attempted_at) order by a.attempt)
        from webhook_delivery_attempts a where a.organization_id = d.organization_id and a.delivery_id = d.id), '[]'::json) as attempts
    from webhook_deliveries d where d.organization_id = ${orgId} and d.webhook_id = ${webhookId}`;
  return keysetPage<DeliveryRow>(sql, filtered, page);
}
