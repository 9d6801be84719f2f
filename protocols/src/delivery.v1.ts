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
