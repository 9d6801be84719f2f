import { z } from 'zod';
import { DateTimeSchema, IdSchema, pageSchema, PageQuerySchema } from './common.v1.ts';

/**
 * Notifications: in-app notifications per user, live events (WebSocket) and outgoing webhooks.
 * Payloads carry ids and figures only, never personal contact data.
 */

/** An event type: dotted lower-case words, e.g. `reminder.approved`. */
export const EventTypeSchema = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'Expected a dotted event type such as reminder.approved')
  .max(100);
/** What a webhook subscribes to: event types, or `*` for every event. */
export const WebhookEventTypeSchema = z.union([EventTypeSchema, z.literal('*')]);

export const NotificationSchema = z.object({
  id: IdSchema,
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: DateTimeSchema,
  readAt: DateTimeSchema.nullable(),
});
export type NotificationDto = z.infer<typeof NotificationSchema>;

export const NotificationListQuerySchema = PageQuerySchema.extend({
  /** Only the notifications not read yet. */
  unread: z.stringbool().default(false),
});
export const NotificationPageSchema = pageSchema(NotificationSchema).extend({ unreadCount: z.number().int().nonnegative() });
export const NotificationParamsSchema = z.object({ notificationId: IdSchema });
export const NotificationsReadAllSchema = z.object({ updated: z.number().int().nonnegative() });

/** One event, as sent on the WebSocket (`{ type: 'event', event }`) and as a webhook body. */
export const LiveEventSchema = z.object({
  id: IdSchema,
  type: z.string(),
  organizationId: IdSchema,
  occurredAt: DateTimeSchema,
  payload: z.record(z.string(), z.unknown()),
});
export type LiveEventDto = z.infer<typeof LiveEventSchema>;

/** The first message a WebSocket client sends on /orgs/{orgId}/events. */
export const SocketAuthMessageSchema = z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096) });

export const WebhookCreateSchema = z.object({
  /** http or https, to public addresses only (422 webhook.private_address) unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true. */
  url: z.url({ protocol: /^https?$/ }).max(2000),
  eventTypes: z.array(WebhookEventTypeSchema).min(1).max(50),
  description: z.string().trim().min(1).max(200).optional(),
});
export const WebhookSchema = z.object({
  id: IdSchema,
  url: z.string(),
  eventTypes: z.array(z.string()),
  description: z.string().nullable(),
  createdAt: DateTimeSchema,
});
export type WebhookDto = z.infer<typeof WebhookSchema>;
/** Answered once, at creation: the signing secret is never shown again. */
export const WebhookCreatedSchema = WebhookSchema.extend({ secret: z.string() });
export const WebhookListSchema = z.object({ items: z.array(WebhookSchema) });
export const WebhookParamsSchema = z.object({ webhookId: IdSchema });

export const WebhookAttemptSchema = z.object({
  attempt: z.number().int().positive(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int().nonnegative(),
  attemptedAt: DateTimeSchema,
});
export const WebhookDeliverySchema = z.object({
  id: IdSchema,
  eventId: IdSchema,
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  createdAt: DateTimeSchema,
  deliveredAt: DateTimeSchema.nullable(),
  attempts: z.array(WebhookAttemptSchema),
});
export const WebhookDeliveryPageSchema = pageSchema(WebhookDeliverySchema);
export const WebhookDeliveryQuerySchema = PageQuerySchema;
