import { z } from 'zod';
import { DateTimeSchema, IdSchema, LanguageSchema } from './common.v1.ts';
import { ReminderLevelSchema } from './reminders.v1.ts';

/**
 * HTTP DTOs of the edge grid on the instance (v1): the instance administrator's model registry,
 * enrolment tokens and nodes (/api/v1/grid/*), and the syndic's AI drafts
 * (/api/v1/orgs/:orgId/buildings/:buildingId/ai-drafts). The node-side wire messages (enrolment
 * request, capability ads, receipts, MCP tool I/O) are in grid.v1.ts.
 */

export const GRID_DOCUMENT_TYPES = ['reminder', 'convocation'] as const;
export const GridDocumentTypeSchema = z.enum(GRID_DOCUMENT_TYPES);
export const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');
/** A libp2p peer id string (base58btc, Ed25519 ids start with 12D3KooW). */
export const PeerIdStringSchema = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{10,200}$/, 'a libp2p peer id');

// ── Model registry ───────────────────────────────────────────────────────────
export const GridModelParamsSchema = z.object({ modelId: IdSchema });
export const CreateGridModelBody = z.object({
  name: z.string().trim().min(1).max(200),
  sha256: Sha256HexSchema,
  paramsMillions: z.number().int().min(0).max(1_000_000),
  role: GridDocumentTypeSchema,
  promptTemplateVersion: z.string().trim().min(1).max(50),
  enabled: z.boolean().default(true),
});
export const PatchGridModelBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  promptTemplateVersion: z.string().trim().min(1).max(50).optional(),
  enabled: z.boolean().optional(),
});
export const GridModelSchema = z.object({
  id: IdSchema, name: z.string(), sha256: Sha256HexSchema, paramsMillions: z.number().int(), role: GridDocumentTypeSchema,
  promptTemplateVersion: z.string(), enabled: z.boolean(), createdAt: DateTimeSchema, updatedAt: DateTimeSchema,
});
export type GridModelDto = z.infer<typeof GridModelSchema>;

// ── Enrolment tokens and nodes ───────────────────────────────────────────────
export const CreateEnrolmentTokenBody = z.object({ label: z.string().trim().min(1).max(200).optional() });
/** The token is shown once: only its SHA-256 is stored. Single use, valid 15 minutes. */
export const EnrolmentTokenSchema = z.object({ id: IdSchema, token: z.string(), label: z.string().nullable(), expiresAt: DateTimeSchema });

export const GridNodeParamsSchema = z.object({ peerId: PeerIdStringSchema });
export const RevokeGridNodeBody = z.object({ reason: z.string().trim().min(1).max(500) });
export const GridNodeSchema = z.object({
  peerId: z.string(),
  operatorAccountId: z.string().nullable(),
  status: z.enum(['online', 'offline']),
  enrolledAt: DateTimeSchema,
  revokedAt: DateTimeSchema.nullable(),
  revokedReason: z.string().nullable(),
  /** 0–1000; faults lower it, approved work raises it. */
  reputation: z.number().int(),
  lastSeenAt: DateTimeSchema.nullable(),
  /** Model hashes of the last accepted capability ad. */
  models: z.array(z.object({ name: z.string(), sha256: z.string() })),
  jobsDone: z.number().int(),
  jobsFailed: z.number().int(),
});
export type GridNodeDto = z.infer<typeof GridNodeSchema>;

// ── AI drafts (syndic) ───────────────────────────────────────────────────────
export const DRAFT_TONES = ['neutral', 'friendly', 'firm'] as const;
export const DRAFT_STATUSES = ['queued', 'generating', 'ready', 'approved', 'unavailable', 'cancelled'] as const;

export const AiDraftParamsSchema = z.object({ buildingId: IdSchema, draftId: IdSchema });
export const CreateReminderDraftBody = z.object({
  documentType: z.literal('reminder'),
  /** The debt: an owner call still open. */
  ownerCallId: IdSchema,
  level: ReminderLevelSchema,
  locale: LanguageSchema,
  tone: z.enum(DRAFT_TONES).default('neutral'),
});
/** A convocation to a meeting still in draft (not convened), at least the legal delay away. */
export const CreateConvocationDraftBody = z.object({
  documentType: z.literal('convocation'),
  meetingId: IdSchema,
  locale: LanguageSchema,
  tone: z.enum(DRAFT_TONES).default('neutral'),
});
export const CreateAiDraftBody = z.discriminatedUnion('documentType', [CreateReminderDraftBody, CreateConvocationDraftBody]);
export type CreateAiDraftInput = z.infer<typeof CreateAiDraftBody>;
/** The syndic's own wording: placeholders stay placeholders ({{AMOUNT_DUE}}…), checked like a node's. */
export const EditAiDraftBody = z.object({
  subject: z.string().min(1).max(300),
  body: z.string().min(1).max(8000),
});
export const AiDraftSchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  documentType: GridDocumentTypeSchema,
  ownerCallId: IdSchema.nullable(),
  level: ReminderLevelSchema.nullable(),
  /** The meeting a convocation draft is about (null for reminders). */
  meetingId: IdSchema.nullable(),
  locale: LanguageSchema,
  tone: z.enum(DRAFT_TONES),
  status: z.enum(DRAFT_STATUSES),
  /** 'grid' (written by an edge node), 'template' (deterministic), 'syndic' (edited by hand). */
  source: z.enum(['grid', 'template', 'syndic']).nullable(),
  /** What the status means for the syndic ("AI draft unavailable: write it manually"…). */
  statusMessage: z.string(),
  /** The verified text with placeholders (null until ready). */
  subject: z.string().nullable(),
  body: z.string().nullable(),
  flags: z.array(z.string()),
  attempts: z.number().int(),
  /** Why the last grid attempt failed (`connection_lost`, `receipt_forged`, `verify_number_outside_placeholder`…). */
  lastFault: z.string().nullable(),
  /**
   * Only once approved: the text with the real values. A convocation keeps {{OWNER_NAME}}: it is filled
   * per recipient when the convocations are sent with this draft.
   */
  final: z.object({ subject: z.string(), body: z.string() }).nullable(),
  approvedAt: DateTimeSchema.nullable(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export type AiDraftDto = z.infer<typeof AiDraftSchema>;
