import { z } from 'zod';
import { DateSchema, DateTimeSchema, IdSchema, LanguageSchema, PageQuerySchema, pageSchema } from './common.v1.ts';

/**
 * Wire DTOs of the payment-reminder ladder (v1): runs, reminders (Draft → Approved → Sent, or
 * Cancelled), debts (owners' overdue receivables) and per-building reminder settings.
 * Amounts are integer euro cents; incoming amounts are any JSON number, checked by the instance (422).
 */

const Cents = z.number().int();
const CentsIn = z.number();
const BuildingParams = z.object({ buildingId: IdSchema });

export const ReminderLevelSchema = z.enum(['Gentle', 'Formal', 'FinalNotice', 'LegalAction']);
export const ReminderStateSchema = z.enum(['draft', 'approved', 'sent', 'cancelled']);
export const ReminderChannelSchema = z.enum(['electronic', 'post']);
export const DebtStatusSchema = z.enum(['open', 'disputed', 'paymentPlan']);

// ── Runs ────────────────────────────────────────────────────────────────────
export const ReminderRunQuerySchema = z.object({ asOf: DateSchema.optional() });
export const ReminderRunSchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  asOf: DateSchema,
  state: z.enum(['running', 'completed', 'failed']),
  /** The rule that stopped a failed run (an error code). */
  errorCode: z.string().nullable(),
  trigger: z.enum(['job', 'api', 'cli']),
  /** Overdue owner calls looked at in the last pass. */
  debtsSeen: z.number().int(),
  /** Drafts created by the last pass (0 when repeated: runs are idempotent). */
  drafted: z.number().int(),
  /** Gentle reminders sent automatically (building opted in). */
  autoSent: z.number().int(),
  /** Debts a rule refused in the last pass (e.g. no legal interest rate in the pack for the date); the others went on. */
  skipped: z.array(z.object({ ownerCallId: IdSchema, code: z.string() })),
  startedAt: DateTimeSchema,
  completedAt: DateTimeSchema.nullable(),
});
export type ReminderRunDto = z.infer<typeof ReminderRunSchema>;

// ── Reminders ───────────────────────────────────────────────────────────────
const InterestSegment = z.object({
  from: DateSchema, to: DateSchema, days: z.number().int(), balanceCents: Cents, rateBp: z.number().int(),
  basis: z.enum(['legalCivil', 'clause', 'clauseVoid']),
});
export const ReminderSchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  debtId: IdSchema,
  personId: IdSchema,
  personName: z.string(),
  language: LanguageSchema,
  runId: IdSchema.nullable(),
  level: ReminderLevelSchema,
  state: ReminderStateSchema,
  channel: ReminderChannelSchema,
  draftedOn: DateSchema,
  /** The day the amounts below were worked out (the send date once sent). */
  amountsOn: DateSchema,
  dueDate: DateSchema,
  periodLabel: z.string(),
  structuredCommunication: z.string(),
  principalCents: Cents,
  feeCents: Cents,
  postageCents: Cents,
  indemnityCents: Cents,
  /** Gentle only: the indemnity that will be claimed if unpaid within the grace period. */
  announcedIndemnityCents: Cents,
  interestCents: Cents,
  earlierChargesCents: Cents,
  totalCents: Cents,
  t1: DateSchema.nullable(),
  interestFrom: DateSchema.nullable(),
  interestSegments: z.array(InterestSegment),
  registeredMail: z.boolean(),
  trackingNumber: z.string().nullable(),
  approvedOn: DateSchema.nullable(),
  sentOn: DateSchema.nullable(),
  deliveryId: IdSchema.nullable(),
  deliveryChannel: z.enum(['email', 'post']).nullable(),
  letterDocumentId: IdSchema.nullable(),
  letterSha256: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export type ReminderDto = z.infer<typeof ReminderSchema>;
export const ReminderParamsSchema = BuildingParams.extend({ reminderId: IdSchema });
export const ReminderListQuerySchema = PageQuerySchema.extend({
  state: ReminderStateSchema.optional(),
  level: ReminderLevelSchema.optional(),
  debtId: IdSchema.optional(),
  personId: IdSchema.optional(),
  sort: z.enum(['createdAt', '-createdAt']).optional(),
});
export const ReminderPageSchema = pageSchema(ReminderSchema);
export const ReminderCancelSchema = z.object({ reason: z.string().trim().min(1).max(500).optional() });
export const ReminderPatchSchema = z.object({
  /** Registered-mail tracking number of a FinalNotice, entered after posting. */
  trackingNumber: z.string().trim().min(1).max(100).nullable(),
});

// ── Debts ───────────────────────────────────────────────────────────────────
export const DebtSchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  ownerCallId: IdSchema,
  callId: IdSchema,
  personId: IdSchema,
  personName: z.string(),
  periodLabel: z.string(),
  dueDate: DateSchema,
  structuredCommunication: z.string(),
  amountCents: Cents,
  paidCents: Cents,
  openCents: Cents,
  status: DebtStatusSchema,
  statusReason: z.string().nullable(),
  /** The last level sent, null before the first reminder. */
  lastLevelSent: ReminderLevelSchema.nullable(),
  createdAt: DateTimeSchema,
});
export const DebtHistorySchema = DebtSchema.extend({
  /** Every reminder of the debt (letters: letterDocumentId and its SHA-256), oldest first. */
  reminders: z.array(ReminderSchema),
});
export const DebtParamsSchema = BuildingParams.extend({ debtId: IdSchema });
export const DebtListQuerySchema = PageQuerySchema.extend({
  status: DebtStatusSchema.optional(),
  personId: IdSchema.optional(),
  sort: z.enum(['createdAt', '-createdAt']).optional(),
});
export const DebtPageSchema = pageSchema(DebtSchema);
export const DebtStatusChangeSchema = z.object({
  status: DebtStatusSchema,
  /** Why (the owner's dispute, the plan agreed…); required unless resuming to open. */
  reason: z.string().trim().min(1).max(1000).optional(),
});
export const DebtReminderCreateSchema = z.object({ level: ReminderLevelSchema });

// ── Settings ────────────────────────────────────────────────────────────────
export const ReminderSettingsSchema = z.object({
  buildingId: IdSchema,
  /** Gentle reminders are sent without review (opt-in). */
  autoSendGentle: z.boolean(),
  /** Book XIX applied as a safe harbour (default on). */
  consumerSafe: z.boolean(),
  consumerSafeOff: z.object({ reason: z.string(), reference: z.string(), decidedOn: DateSchema }).nullable(),
  formalFeeCents: Cents,
  finalNoticeFeeCents: Cents,
  legalActionFeeCents: Cents,
  postageCents: Cents,
  registeredPostageCents: Cents,
  /** Contractual late-interest rate (statutes / ROI), basis points; null: legal civil rate. */
  clauseRateBp: z.number().int().nullable(),
});
export type ReminderSettingsDto = z.infer<typeof ReminderSettingsSchema>;
export const ReminderSettingsPatchSchema = z.object({
  autoSendGentle: z.boolean().optional(),
  consumerSafe: z.boolean().optional(),
  /** Required to switch consumer-safe mode off: why, the ROI clause or AG decision, and its date. */
  consumerSafeOff: z.object({
    reason: z.string().trim().min(3).max(1000),
    reference: z.string().trim().min(3).max(200),
    decidedOn: DateSchema,
  }).optional(),
  formalFeeCents: CentsIn.optional(),
  finalNoticeFeeCents: CentsIn.optional(),
  legalActionFeeCents: CentsIn.optional(),
  postageCents: CentsIn.optional(),
  registeredPostageCents: CentsIn.optional(),
  clauseRateBp: CentsIn.nullable().optional(),
});
export const ReminderRunListSchema = z.object({ items: z.array(ReminderRunSchema) });
