import type { Db } from '../../platform/db.ts';
import { keysetPage, type ResolvedPage } from '../../platform/pagination.ts';

export interface WebhookRow { id: string; url: string; eventTypes: string[]; description: string | null; createdAt: Date }

const COLUMNS = 'id, url, event_types as "eventTypes", description, created_at as "createdAt"';

/** `sealedSecret`: the secret as stored (secret-box.ts), sealed for this id. */
export async function insertWebhook(tx: Db, orgId: string, input: { id: string; url: string; eventTypes: string[]; description: string | null;
  sealedSecret: string; createdBy: string | null }, at: Date): Promise<WebhookRow> {
  const [row] = await tx<WebhookRow[]>`insert into webhooks (id, organization_id, url, secret, event_types, description, created_by, created_at)
    values (${input.id}, ${orgId}, ${input.url}, ${input.sealedSecret}, ${input.eventTypes}, ${input.description}, ${input.createdBy}, ${at})
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

export interface DeliveryTarget { id: string; status: string; body: string; eventId: string; webhookId: string; url: string; secret: string;
  webhookDeleted: boolean }

export async function deliveryTarget(sql: Db, orgId: string, deliveryId: string): Promise<DeliveryTarget | null> {
  const [row] = await sql<DeliveryTarget[]>`select d.id, d.status, d.body, d.event_id as "eventId", w.id as "webhookId", w.url, w.secret,
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

/** Webhooks whose secret is still in clear (created before secrets were sealed), every organization. */
export async function clearSecrets(sql: Db): Promise<Array<{ id: string; organizationId: string; secret: string }>> {
  return sql<Array<{ id: string; organizationId: string; secret: string }>>`select id, organization_id as "organizationId", secret
    from webhooks where secret not like 'v1:%' order by created_at, id`;
}

/** Replaces a clear secret by its sealed form, only if nobody did it meanwhile. */
export async function sealSecret(sql: Db, orgId: string, id: string, clear: string, sealed: string): Promise<boolean> {
  const rows = await sql`update webhooks set secret = ${sealed} where organization_id = ${orgId} and id = ${id} and secret = ${clear} returning id`;
  return rows.length === 1;
}

/** Pending deliveries without a live pg-boss job (recorded while no queue ran, or whose job was lost). */
export async function orphanPendingDeliveries(sql: Db, limit: number): Promise<Array<{ id: string; organizationId: string }>> {
  return sql<Array<{ id: string; organizationId: string }>>`select d.id, d.organization_id as "organizationId" from webhook_deliveries d
    join webhooks w on w.organization_id = d.organization_id and w.id = d.webhook_id and w.deleted_at is null
    where d.status = 'pending' and not exists (select 1 from pgboss.job j where j.name = 'webhook.deliver'
      and j.data->>'deliveryId' = d.id::text and j.state in ('created', 'retry', 'active'))
    order by d.created_at, d.id limit ${limit}`;
}

export async function markRefused(sql: Db, orgId: string, deliveryId: string): Promise<void> {
  await sql`update webhook_deliveries set status = 'failed' where organization_id = ${orgId} and id = ${deliveryId} and status = 'pending'`;
}
