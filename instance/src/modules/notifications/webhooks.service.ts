import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { resolvePage, type PageRequest, type SortFields } from '../../platform/pagination.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { isDelivered, signatureHeader, signedText, willRetry } from './notifications.domain.ts';
import { WEBHOOK_RETRY, type WebhookJob } from './notifications.service.ts';
import * as repo from './webhooks.repo.ts';

/** How long a receiver has to answer one delivery attempt. */
export const WEBHOOK_TIMEOUT_MS = 5000;

const notFound = (id: string) => new AppError('webhook.not_found', 'Webhook not found', { id });

/** The secret receivers use to check `X-KoproGo-Signature`; shown once, at creation. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** HMAC-SHA256 (hex) of `<t>.<raw body>` with the webhook's secret. */
export function sign(secret: string, unixSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(signedText(unixSeconds, body)).digest('hex');
}

/**
 * Creates a webhook. Gap: private and loopback addresses are not refused yet (there is no config
 * switch to allow them in development), so an admin can point a webhook at an internal address.
 */
export async function createWebhook(deps: RegisterDeps, ctx: ActorCtx, input: { url: string; eventTypes: string[]; description?: string | undefined }) {
  return inTx(deps, async (tx) => {
    const at = deps.clock.now();
    const secret = newSecret();
    const eventTypes = [...new Set(input.eventTypes)];
    const row = await repo.insertWebhook(tx, ctx.organizationId, { url: input.url, eventTypes, description: input.description ?? null,
      secret, createdBy: ctx.actorUserId }, at);
    await audit(tx, ctx, at, 'webhook.created', { type: 'webhook', id: row.id }, { eventTypes });
    return { ...row, secret };
  });
}

export async function listWebhooks(deps: RegisterDeps, ctx: ActorCtx) {
  return repo.listWebhooks(deps.sql, ctx.organizationId);
}

/** Stops all further deliveries of the webhook; its log stays in the database. */
export async function deleteWebhook(deps: RegisterDeps, ctx: ActorCtx, id: string): Promise<void> {
  await inTx(deps, async (tx) => {
    const at = deps.clock.now();
    if (!(await repo.softDeleteWebhook(tx, ctx.organizationId, id, at))) throw notFound(id);
    await audit(tx, ctx, at, 'webhook.deleted', { type: 'webhook', id });
  });
}

const DELIVERY_SORTS: SortFields<'createdAt'> = { createdAt: { expr: 'f.created_at', type: 'timestamptz' } };

export async function listDeliveries(deps: RegisterDeps, ctx: ActorCtx, webhookId: string, q: PageRequest) {
  if (!(await repo.findWebhook(deps.sql, ctx.organizationId, webhookId))) throw notFound(webhookId);
  const page = resolvePage(DELIVERY_SORTS, { limit: q.limit, cursor: q.cursor }, '-createdAt');
  return repo.pageDeliveries(deps.sql, ctx.organizationId, webhookId, page);
}

export interface DeliverDeps { sql: Db; clock: Clock; fetch?: typeof fetch }

/**
 * One attempt of one delivery (the `webhook.deliver` worker): POST the frozen body, signed, with
 * a 5 s timeout; redirects are not followed. The attempt is logged; a non-2xx answer or a network
 * error throws so pg-boss retries with backoff, until the last retry marks the delivery failed.
 */
export async function deliverOnce(deps: DeliverDeps, job: WebhookJob, retryCount: number): Promise<'delivered' | 'skipped'> {
  const target = await repo.deliveryTarget(deps.sql, job.organizationId, job.deliveryId);
  if (!target || target.status !== 'pending' || target.webhookDeleted) return 'skipped';
  const t = Math.floor(deps.clock.now().getTime() / 1000);
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const res = await (deps.fetch ?? fetch)(target.url, {
      method: 'POST', body: target.body, redirect: 'manual', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      headers: { 'content-type': 'application/json', 'user-agent': 'KoproGo-Webhooks/1', 'x-koprogo-event-id': target.eventId,
        'x-koprogo-signature': signatureHeader(t, sign(target.secret, t, target.body)) },
    });
    statusCode = res.status;
    await res.body?.cancel().catch(() => {});
    if (!isDelivered(statusCode)) error = `HTTP ${statusCode}`;
  } catch (e) {
    const err = e as Error;
    error = (err.name === 'TimeoutError' ? `timeout after ${WEBHOOK_TIMEOUT_MS} ms` : `${err.name}: ${err.message}`).slice(0, 500);
  }
  const durationMs = Math.max(0, Math.round(performance.now() - started));
  const at = deps.clock.now();
  const attempt = await repo.recordAttempt(deps.sql, job.organizationId, job.deliveryId, { statusCode, error, durationMs }, at);
  if (error === null) {
    await repo.setDeliveryStatus(deps.sql, job.organizationId, job.deliveryId, 'delivered', at);
    return 'delivered';
  }
  if (!willRetry(Math.max(attempt, retryCount + 1), WEBHOOK_RETRY.retryLimit)) {
    await repo.setDeliveryStatus(deps.sql, job.organizationId, job.deliveryId, 'failed', at);
  }
  throw new Error(`webhook delivery ${job.deliveryId} attempt ${attempt} failed: ${error}`);
}
