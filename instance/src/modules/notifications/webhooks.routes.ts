import {
  errorResponses, WebhookCreatedSchema, WebhookCreateSchema, WebhookDeliveryPageSchema, WebhookDeliveryQuerySchema,
  WebhookListSchema, WebhookParamsSchema, type WebhookDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf, type RegisterDeps } from '../buildings/use-case.ts';
import type { WebhookRow } from './webhooks.repo.ts';
import * as service from './webhooks.service.ts';

const tags = ['webhooks'];
/** Webhooks send the organization's events outside the instance: an organization admin's decision. */
const PERM = 'org.manage_roles';

const toDto = (w: WebhookRow): WebhookDto => ({
  id: w.id, url: w.url, eventTypes: w.eventTypes, description: w.description, createdAt: w.createdAt.toISOString(),
});
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Outgoing webhooks of the organization and their delivery log. */
export async function webhookRoutes(app: App, deps: RegisterDeps & { config: Config }): Promise<void> {
  app.get('/webhooks', {
    schema: { tags, summary: 'The organization\'s webhooks (secrets are never shown again)', response: { 200: WebhookListSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, PERM);
    return { items: (await service.listWebhooks(deps, actorOf(req))).map(toDto) };
  });

  app.post('/webhooks', {
    schema: {
      tags, summary: 'Create a webhook; its signing secret is answered once, here',
      description: 'Each delivery is a POST with X-KoproGo-Event-Id and X-KoproGo-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">. '
        + 'Retried with exponential backoff (6 retries) until a 2xx answer; redirects are not followed.',
      body: WebhookCreateSchema, response: { 201: WebhookCreatedSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, PERM);
    const w = await service.createWebhook(deps, actorOf(req), req.body);
    return reply.status(201).send({ ...toDto(w), secret: w.secret });
  });

  app.delete('/webhooks/:webhookId', {
    schema: { tags, summary: 'Delete a webhook: nothing more is delivered to it', params: WebhookParamsSchema,
      response: { 204: z.null(), ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, PERM);
    await service.deleteWebhook(deps, actorOf(req), req.params.webhookId);
    return reply.status(204).send(null);
  });

  app.get('/webhooks/:webhookId/deliveries', {
    schema: { tags, summary: 'The webhook\'s deliveries, newest first, each with its attempts (status code, error, duration)',
      params: WebhookParamsSchema, querystring: WebhookDeliveryQuerySchema, response: { 200: WebhookDeliveryPageSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, PERM);
    const r = await service.listDeliveries(deps, actorOf(req), req.params.webhookId, req.query);
    return {
      total: r.total, nextCursor: r.nextCursor,
      items: r.rows.map((d) => ({ id: d.id, eventId: d.eventId, eventType: d.eventType, status: d.status, createdAt: iso(d.createdAt)!,
        deliveredAt: iso(d.deliveredAt), attempts: d.attempts.map((a) => ({ ...a, attemptedAt: iso(a.attemptedAt)! })) })),
    };
  });
}
