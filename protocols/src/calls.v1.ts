import { z } from 'zod';
import { DateSchema, DateTimeSchema, IdSchema, LanguageSchema, PageQuerySchema, pageSchema } from './common.v1.ts';

/**
 * Wire DTOs of budgets, funds, calls for funds, owner payments, bank statements and owner accounts (v1).
 * Amounts are integer euro cents. Incoming amounts are any JSON number here: the instance refuses
 * a negative, fractional or absurd amount with a 422 naming the field (not a 400), like any rule.
 */

const CentsIn = z.number();
const Cents = z.number().int();
const Iban = z.string().trim().min(1).max(50);
const BuildingParams = z.object({ buildingId: IdSchema });

// ── Fund settings (bank accounts, réception provisoire) ─────────────────────
export const FundSettingsSchema = z.object({
  buildingId: IdSchema,
  /** Current account (fonds de roulement, 551), normalised IBAN. */
  currentAccountIban: z.string().nullable(),
  /** Savings account (fonds de réserve, 550): distinct from the current account (3.86 §3, R24). */
  reserveAccountIban: z.string().nullable(),
  /** Réception provisoire of the common parts: starts the 5-year reserve-fund obligation. */
  provisionalAcceptanceDate: DateSchema.nullable(),
});
export type FundSettingsDto = z.infer<typeof FundSettingsSchema>;
export const FundSettingsUpdateSchema = z.object({
  currentAccountIban: Iban.nullable().optional(),
  reserveAccountIban: Iban.nullable().optional(),
  provisionalAcceptanceDate: DateSchema.nullable().optional(),
});

export const FundBalancesQuerySchema = z.object({ asOf: DateSchema.optional() });
const FundBalance = z.object({ account: z.string(), balanceCents: Cents, iban: z.string().nullable() });
export const FundBalancesSchema = z.object({
  buildingId: IdSchema,
  asOf: DateSchema,
  /** Credit balance of account 100 (fonds de roulement) in the journal. */
  workingCapital: FundBalance,
  /** Credit balance of accounts 160* (fonds de réserve) in the journal. */
  reserve: FundBalance,
});

// ── Budgets ──────────────────────────────────────────────────────────────────
export const BudgetCreateSchema = z.object({
  /** The calendar year in which the fiscal year starts. */
  fiscalYear: z.number().int().min(1900).max(2200),
  ordinaryCents: CentsIn,
  extraordinaryCents: CentsIn.default(0),
  /** Planned contributions to the reserve fund in the year. */
  reserveCents: CentsIn.default(0),
  /** Last year's ordinary charges, used only when the journal has no previous fiscal year. */
  previousOrdinaryChargesCents: CentsIn.nullable().optional(),
});
export const BudgetPatchSchema = z.object({
  ordinaryCents: CentsIn.optional(),
  extraordinaryCents: CentsIn.optional(),
  reserveCents: CentsIn.optional(),
  previousOrdinaryChargesCents: CentsIn.nullable().optional(),
});
export const ReserveOptOutSchema = z.object({
  /** Date of the general assembly decision (4/5 majority, 3.86 §3). */
  decisionDate: DateSchema,
  /** Reference of the decision in the minutes, e.g. "AG 2026-03-14, résolution 7". */
  reference: z.string().trim().min(3).max(200),
});
export const BudgetSchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  fiscalYear: z.number().int(),
  startsOn: DateSchema,
  endsOn: DateSchema,
  ordinaryCents: Cents,
  extraordinaryCents: Cents,
  reserveCents: Cents,
  previousOrdinaryCharges: z.object({ cents: Cents.nullable(), source: z.enum(['journal', 'input', 'unknown']) }),
  reserveMinimum: z.object({
    applies: z.boolean(),
    reason: z.enum(['acceptance_5_years_ago', 'acceptance_date_unknown', 'building_younger_than_5_years']),
    rateBp: z.number().int(),
    minimumCents: Cents.nullable(),
    legalRef: z.string(),
  }),
  /** True when the rule applies, last year's charges are known, the reserve is under the minimum and no opt-out is recorded. */
  reserveBelowMinimum: z.boolean(),
  reserveOptOut: z.object({ decisionDate: DateSchema, reference: z.string() }).nullable(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export type BudgetDto = z.infer<typeof BudgetSchema>;
export const BudgetParamsSchema = BuildingParams.extend({ budgetId: IdSchema });
export const BudgetListSchema = z.object({ items: z.array(BudgetSchema) });

// ── Calls for funds ─────────────────────────────────────────────────────────
export const CallFundSchema = z.enum(['ordinary', 'working_capital', 'reserve']);
export const CallChargeKindSchema = z.enum(['ordinary', 'extraordinary']);
export const CallCreateSchema = z.object({
  fund: CallFundSchema,
  periodLabel: z.string().trim().min(1).max(100),
  dueDate: DateSchema,
  totalCents: CentsIn,
  /** null: the general key (every lot by its shares). */
  distributionKeyId: IdSchema.nullable().default(null),
  /** Who pays among split-right holders; default: extraordinary for the reserve fund, ordinary otherwise. */
  chargeKind: CallChargeKindSchema.optional(),
});
const OwnerCallLot = z.object({ lotId: IdSchema, lotNumber: z.string(), cents: Cents });
export const OwnerCallSchema = z.object({
  id: IdSchema,
  personId: IdSchema,
  personName: z.string(),
  language: LanguageSchema,
  amountCents: Cents,
  paidCents: Cents,
  openCents: Cents,
  /** `+++ddd/dddd/ddddd+++`, unique per call and owner. */
  structuredCommunication: z.string(),
  lots: z.array(OwnerCallLot),
});
const CallBase = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  fund: CallFundSchema,
  chargeKind: CallChargeKindSchema,
  periodLabel: z.string(),
  dueDate: DateSchema,
  totalCents: Cents,
  distributionKeyId: IdSchema.nullable(),
  status: z.enum(['draft', 'sent']),
  sentOn: DateSchema.nullable(),
  entryId: IdSchema.nullable(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export const CallSummarySchema = CallBase.extend({ ownerCount: z.number().int() });
export const CallSchema = CallBase.extend({ owners: z.array(OwnerCallSchema) });
export type CallDto = z.infer<typeof CallSchema>;
export type OwnerCallDto = z.infer<typeof OwnerCallSchema>;
export const CallParamsSchema = BuildingParams.extend({ callId: IdSchema });
export const OwnerCallParamsSchema = CallParamsSchema.extend({ personId: IdSchema });
export const CallListQuerySchema = PageQuerySchema.extend({
  status: z.enum(['draft', 'sent']).optional(),
  fund: CallFundSchema.optional(),
  sort: z.enum(['dueDate', '-dueDate', 'createdAt', '-createdAt']).optional(),
});
export const CallPageSchema = pageSchema(CallSummarySchema);

// ── Payments ─────────────────────────────────────────────────────────────────
export const PaymentAccountKindSchema = z.enum(['current', 'reserve']);
export const PaymentCreateSchema = z.object({
  amountCents: CentsIn,
  date: DateSchema,
  /** As printed on the call (`+++…+++`, `***…***` or 12 digits). */
  structuredCommunication: z.string().trim().min(1).max(40).optional(),
  personId: IdSchema.optional(),
  callId: IdSchema.optional(),
  /** The account that received the money; default: the call's fund account, else current. */
  account: PaymentAccountKindSchema.optional(),
  counterpartyName: z.string().trim().min(1).max(200).optional(),
});
export const PaymentAllocateSchema = z.object({ personId: IdSchema, callId: IdSchema });
const PaymentAllocation = z.object({ ownerCallId: IdSchema, callId: IdSchema, cents: Cents });
export const PaymentSchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  amountCents: Cents,
  date: DateSchema,
  account: PaymentAccountKindSchema,
  structuredCommunication: z.string().nullable(),
  freeCommunication: z.string().nullable(),
  counterpartyName: z.string().nullable(),
  status: z.enum(['matched', 'unmatched']),
  personId: IdSchema.nullable(),
  source: z.enum(['manual', 'coda']),
  allocations: z.array(PaymentAllocation),
  /** The part not applied to a call: a credit on the owner's account (over-payment). */
  creditCents: Cents,
  entryId: IdSchema,
  allocationEntryId: IdSchema.nullable(),
  createdAt: DateTimeSchema,
});
export type PaymentDto = z.infer<typeof PaymentSchema>;
export const PaymentParamsSchema = BuildingParams.extend({ paymentId: IdSchema });
export const PaymentListQuerySchema = PageQuerySchema.extend({
  status: z.enum(['matched', 'unmatched']).optional(),
  sort: z.enum(['date', '-date', 'createdAt', '-createdAt']).optional(),
});
export const PaymentPageSchema = pageSchema(PaymentSchema);
export const IdempotencyHeadersSchema = z.looseObject({ 'idempotency-key': z.string().optional() });

// ── Bank statements (CODA) ──────────────────────────────────────────────────
/** The body is the CODA file itself, as text/plain; JSON clients may send `{ "coda": "<the file>" }`. */
const CodaText = z.string().max(5_000_000);
export const CodaBodySchema = z.union([CodaText, z.object({ coda: CodaText })]);
const ReportLine = z.object({
  sequence: z.number().int(),
  /** 0, or the detail number of a movement the bank globalised. */
  detail: z.number().int(),
  amountCents: Cents,
  paymentId: IdSchema.nullable(),
  ownerCallId: IdSchema.nullable(),
  structuredCommunication: z.string().nullable(),
});
export const BankStatementReportSchema = z.object({
  accountIban: z.string(),
  account: PaymentAccountKindSchema,
  statementNumber: z.string(),
  date: DateSchema,
  matched: z.array(ReportLine),
  unmatched: z.array(ReportLine),
  /** Movements of this statement that were imported before: nothing changed for them. */
  alreadyImported: z.array(ReportLine),
  /** Outgoing movements (debits): not owner payments, recorded but not posted here. */
  outgoing: z.array(ReportLine),
});

// ── Owner accounts ───────────────────────────────────────────────────────────
export const OwnerAccountParamsSchema = BuildingParams.extend({ personId: IdSchema });
export const OwnerAccountQuerySchema = z.object({ asOf: DateSchema.optional() });
export const OwnerStatementSchema = z.object({
  buildingId: IdSchema,
  personId: IdSchema,
  personName: z.string(),
  asOf: DateSchema,
  items: z.array(z.object({
    date: DateSchema,
    entryId: IdSchema,
    entryNumber: z.string(),
    journal: z.string(),
    account: z.string(),
    description: z.string(),
    debitCents: Cents,
    creditCents: Cents,
    /** Running balance: positive = the owner owes, negative = a credit. */
    balanceCents: Cents,
  })),
  balanceCents: Cents,
});
export type OwnerStatementDto = z.infer<typeof OwnerStatementSchema>;
export const OverdueReceivablesSchema = z.object({
  buildingId: IdSchema,
  asOf: DateSchema,
  items: z.array(z.object({
    ownerCallId: IdSchema,
    callId: IdSchema,
    personId: IdSchema,
    personName: z.string(),
    fund: CallFundSchema,
    periodLabel: z.string(),
    dueDate: DateSchema,
    structuredCommunication: z.string(),
    amountCents: Cents,
    paidCents: Cents,
    openCents: Cents,
    daysLate: z.number().int(),
  })),
  totalOpenCents: Cents,
});
