import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { resolvePage, type PageRequest, type SortFields } from '../../platform/pagination.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { isDelivered, signatureHeader, signedText, willRetry } from './notifications.domain.ts';
import { WEBHOOK_RETRY, type WebhookJob } from './notifications.service.ts';
import * as repo from './webhooks.repo.ts';
import { checkWebhookUrl, type Resolve } from './webhooks.address.ts';
import { postWebhook } from './webhooks.http.ts';
import { seal, SecretKeyMismatch, secretsKeyOf, unseal, webhookContext } from './secret-box.ts';

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
 * Creates a webhook: its URL must reach public addresses only (webhooks.address.ts; unless
 * WEBHOOK_ALLOW_PRIVATE_ADDRESSES), its secret is stored sealed (secret-box.ts) and answered once.
 */
export async function createWebhook(deps: RegisterDeps & { config: Config }, ctx: ActorCtx,
  input: { url: string; eventTypes: string[]; description?: string | undefined }, resolve?: Resolve) {
  await checkWebhookUrl(input.url, deps.config.webhooks.allowPrivateAddresses, resolve);
  const key = secretsKeyOf(deps.config);
  return inTx(deps, async (tx) => {
    const at = deps.clock.now();
    const id = randomUUID();
    const secret = newSecret();
    const eventTypes = [...new Set(input.eventTypes)];
    const row = await repo.insertWebhook(tx, ctx.organizationId, { id, url: input.url, eventTypes, description: input.description ?? null,
      sealedSecret: seal(key, secret, webhookContext(ctx.organizationId, id)), createdBy: ctx.actorUserId }, at);
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

export interface DeliverDeps { sql: Db; clock: Clock; config: Pick<Config, 'webhooks' | 'secretsKey' | 'dataDir'>; resolve?: Resolve }

/**
 * One attempt of one delivery (the `webhook.deliver` worker): POST the frozen body, signed, with
 * a 5 s timeout; redirects are not followed. The attempt is logged; a non-2xx answer or a network
 * error throws so pg-boss retries with backoff, until the last retry marks the delivery failed.
 * A target that now resolves to a non-public address, or a secret that no longer decrypts (the key
 * changed), fails the delivery at once: retrying would not change it.
 */
export async function deliverOnce(deps: DeliverDeps, job: WebhookJob, retryCount: number): Promise<'delivered' | 'skipped' | 'refused'> {
  const target = await repo.deliveryTarget(deps.sql, job.organizationId, job.deliveryId);
  if (!target || target.status !== 'pending' || target.webhookDeleted) return 'skipped';
  const t = Math.floor(deps.clock.now().getTime() / 1000);
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  let final = false;
  try {
    const secret = unseal(secretsKeyOf(deps.config), target.secret, webhookContext(job.organizationId, target.webhookId));
    statusCode = await postWebhook(target.url, target.body, {
      'content-type': 'application/json', 'user-agent': 'KoproGo-Webhooks/1', 'x-koprogo-event-id': target.eventId,
      'x-koprogo-signature': signatureHeader(t, sign(secret, t, target.body)),
    }, { timeoutMs: WEBHOOK_TIMEOUT_MS, allowPrivate: deps.config.webhooks.allowPrivateAddresses, resolve: deps.resolve });
    if (!isDelivered(statusCode)) error = `HTTP ${statusCode}`;
  } catch (e) {
    const err = e as Error;
    final = (e instanceof AppError && e.code === 'webhook.private_address') || e instanceof SecretKeyMismatch;
    error = (err.name === 'TimeoutError' ? `timeout after ${WEBHOOK_TIMEOUT_MS} ms`
      : e instanceof AppError ? `${e.code}: ${e.message}` : `${err.name}: ${err.message}`).slice(0, 500);
  }
  const durationMs = Math.max(0, Math.round(performance.now() - started));
  const at = deps.clock.now();
  const attempt = await repo.recordAttempt(deps.sql, job.organizationId, job.deliveryId, { statusCode, error, durationMs }, at);
  if (error === null) {
    await repo.setDeliveryStatus(deps.sql, job.organizationId, job.deliveryId, 'delivered', at);
    return 'delivered';
  }
  if (final) {
    await repo.setDeliveryStatus(deps.sql, job.organizationId, job.deliveryId, 'failed', at);
    return 'refused';
  }
  if (!willRetry(Math.max(attempt, retryCount + 1), WEBHOOK_RETRY.retryLimit)) {
    await repo.setDeliveryStatus(deps.sql, job.organizationId, job.deliveryId, 'failed', at);
  }
  throw new Error(`webhook delivery ${job.deliveryId} attempt ${attempt} failed: ${error}`);
}

/**
 * Start-up step: seals the secrets of webhooks created while they were stored in clear (before
 * migration 0010's release). Idempotent; a row changed meanwhile is left to the next start.
 */
export async function sealClearSecrets(deps: { sql: Db; config: Pick<Config, 'secretsKey' | 'dataDir'> }): Promise<number> {
  const key = secretsKeyOf(deps.config);
  let sealed = 0;
  for (const w of await repo.clearSecrets(deps.sql)) {
    if (await repo.sealSecret(deps.sql, w.organizationId, w.id, w.secret, seal(key, w.secret, webhookContext(w.organizationId, w.id)))) sealed++;
  }
  return sealed;
}
