import { z } from 'zod';
import { DateTimeSchema, IdSchema, PageQuerySchema, pageSchema } from './common.v1.ts';

/** Wire DTOs of deliveries (e-mail or post), the outbox and print batches (v1). */

export const DELIVERY_STATUSES = ['queued', 'sent', 'failed', 'bounced', 'printed'] as const;
export const DELIVERY_CHANNELS = ['email', 'post'] as const;
export const DELIVERY_PURPOSES = ['reminder', 'convocation', 'minutes', 'notice'] as const;

export const DeliveryParamsSchema = z.object({ deliveryId: IdSchema });
export const PrintBatchParamsSchema = z.object({ buildingId: IdSchema, batchId: IdSchema });

export const DeliveryListQuerySchema = PageQuerySchema.extend({
  status: z.enum(DELIVERY_STATUSES).optional(),
  channel: z.enum(DELIVERY_CHANNELS).optional(),
  personId: IdSchema.optional(),
  buildingId: IdSchema.optional(),
});

export const DeliverySchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  personId: IdSchema,
  purpose: z.enum(DELIVERY_PURPOSES),
  channel: z.enum(DELIVERY_CHANNELS),
  status: z.enum(DELIVERY_STATUSES),
  subject: z.string(),
  /** 'smtp' or 'outbox' once sent; null before. */
  transport: z.enum(['smtp', 'outbox']).nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  sentAt: DateTimeSchema.nullable(),
  printBatchId: IdSchema.nullable(),
  /** The archived MIME message of an e-mail (SHA-256 of the exact bytes sent). */
  messageSha256: z.string().nullable(),
  attachments: z.array(z.object({ documentId: IdSchema, filename: z.string(), contentType: z.string(), sizeBytes: z.number().int(), sha256: z.string() })),
  related: z.object({ type: z.string(), id: IdSchema }),
  createdAt: DateTimeSchema,
  /** Set once the e-mail bounced: at once (5xx at RCPT TO / DATA), from a DSN, or recorded by hand. */
  bounce: z.object({
    source: z.enum(['smtp', 'dsn', 'manual']),
    smtpCode: z.number().int().nullable(),
    /** RFC 3463 enhanced status code, e.g. 5.1.1, when known. */
    status: z.string().nullable(),
    reason: z.string(),
    at: DateTimeSchema,
  }).nullable(),
  /** The bounced e-mail this postal letter replaces. */
  fallbackOf: IdSchema.nullable(),
  /** The postal letter queued when this e-mail bounced (null: none, e.g. no postal address). */
  fallbackDeliveryId: IdSchema.nullable(),
  /** Every send attempt of an e-mail, with the SMTP reply when there was one. */
  sendAttempts: z.array(z.object({
    attempt: z.number().int().positive(),
    outcome: z.enum(['sent', 'retry', 'failed', 'bounced']),
    smtpCode: z.number().int().nullable(),
    smtpCommand: z.string().nullable(),
    error: z.string().nullable(),
    attemptedAt: DateTimeSchema,
  })),
});
export type DeliveryDto = z.infer<typeof DeliverySchema>;
export const DeliveryPageSchema = pageSchema(DeliverySchema);

export const OutboxItemSchema = z.object({
  deliveryId: IdSchema,
  fileName: z.string(),
  subject: z.string(),
  writtenAt: DateTimeSchema,
  sizeBytes: z.number().int(),
  /** False when the file was removed from the outbox folder since it was written. */
  present: z.boolean(),
});
export const OutboxSchema = z.object({ items: z.array(OutboxItemSchema) });

export const PrintBatchSchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  letterCount: z.number().int(),
  pageCount: z.number().int(),
  deliveryIds: z.array(IdSchema),
  sha256: z.string(),
  sizeBytes: z.number().int(),
  createdAt: DateTimeSchema,
});
export type PrintBatchDto = z.infer<typeof PrintBatchSchema>;

/** A bounce reported after the e-mail left (the provider's dashboard, a phone call…), recorded by hand. */
export const DeliveryBounceSchema = z.object({
  reason: z.string().trim().min(1).max(1000),
  smtpCode: z.number().int().min(500).max(599).optional(),
  status: z.string().regex(/^5\.\d{1,3}\.\d{1,3}$/, 'an RFC 3463 permanent status such as 5.1.1').optional(),
});
/** A delivery status notification (RFC 3464 multipart/report), as received, in full. */
export const DeliveryDsnSchema = z.object({ dsn: z.string().min(1).max(500_000) });
