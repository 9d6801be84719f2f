import { z } from 'zod';
import { DateSchema, DateTimeSchema, IdSchema, PageQuerySchema, pageSchema, sortParam } from './common.v1.ts';

/**
 * Wire DTOs of the accounting module (v1): the building's PCMN chart, fiscal years, the journal,
 * reports and the year-end closing. Amounts are integer cents; dates are YYYY-MM-DD.
 */

const Cents = z.number().int().min(0).max(100_000_000_000);
const SignedCents = z.number().int();
export const ACCOUNT_KINDS = ['asset', 'liability', 'charge', 'product'] as const;
export const JOURNAL_CODES = ['ACH', 'VEN', 'FIN', 'OD'] as const;
export const JournalCodeSchema = z.enum(JOURNAL_CODES);
const AccountNumber = z.string().regex(/^[1-7][0-9]{0,9}$/, 'A PCMN account number: 1 to 10 digits, class 1 to 7');

// ── Chart of accounts ───────────────────────────────────────────────────────
export const AccountSchema = z.object({
  number: z.string(),
  labelFr: z.string(),
  labelNl: z.string(),
  class: z.number().int(),
  kind: z.enum(ACCOUNT_KINDS),
  /** Lines on it carry the owner (personId): 410, 4100, 4101, 415 and their sub-accounts. */
  isOwnerAccount: z.boolean(),
  /** Lines on it carry the supplier (supplierId): 440 and its sub-accounts. */
  isSupplierAccount: z.boolean(),
  defaultKeyId: IdSchema.nullable(),
});
export type AccountDto = z.infer<typeof AccountSchema>;
export const AccountListSchema = z.object({ items: z.array(AccountSchema) });

/** A sub-account of an existing account (e.g. 1601 under 160): it inherits class, kind and flags. */
export const AccountCreateSchema = z.object({
  number: z.string().regex(/^[1-7][0-9]{1,9}$/, 'A PCMN sub-account number: 2 to 10 digits'),
  labelFr: z.string().trim().min(1).max(200),
  labelNl: z.string().trim().min(1).max(200).optional(),
  defaultKeyId: IdSchema.nullable().optional(),
});

// ── Fiscal years ────────────────────────────────────────────────────────────
export const FiscalYearSchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  label: z.string(),
  startDate: DateSchema,
  endDate: DateSchema,
  status: z.enum(['open', 'closed']),
  closedAt: DateTimeSchema.nullable(),
});
export type FiscalYearDto = z.infer<typeof FiscalYearSchema>;
export const FiscalYearListSchema = z.object({ items: z.array(FiscalYearSchema) });
/** Opens a fiscal year explicitly; without endDate it lasts one year. Years also open on demand at the first posting. */
export const FiscalYearOpenSchema = z.object({ startDate: DateSchema, endDate: DateSchema.optional() });
export const FiscalYearParamsSchema = z.object({ buildingId: IdSchema, fiscalYearId: IdSchema });
export const FiscalYearCloseSchema = z.object({}).optional();

// ── Journal ─────────────────────────────────────────────────────────────────
export const EntryLineInputSchema = z.object({
  account: AccountNumber,
  debitCents: Cents.default(0),
  creditCents: Cents.default(0),
  personId: IdSchema.nullable().optional(),
  supplierId: IdSchema.nullable().optional(),
  lotId: IdSchema.nullable().optional(),
  label: z.string().trim().min(1).max(300).nullable().optional(),
});

/** A manual miscellaneous (OD) entry. `reference` names its supporting document (R25), e.g. "PV AG 2026-03-12 pt 4". */
export const EntryCreateSchema = z.object({
  date: DateSchema,
  description: z.string().trim().min(1).max(500),
  reference: z.string().trim().min(1).max(200),
  lines: z.array(EntryLineInputSchema).min(2).max(1000),
});
export const EntryReverseSchema = z.object({ date: DateSchema, reason: z.string().trim().min(1).max(400) });

export const EntryLineSchema = z.object({
  lineNo: z.number().int(),
  account: z.string(),
  accountLabel: z.string(),
  debitCents: z.number().int(),
  creditCents: z.number().int(),
  personId: IdSchema.nullable(),
  personName: z.string().nullable(),
  supplierId: IdSchema.nullable(),
  supplierName: z.string().nullable(),
  lotId: IdSchema.nullable(),
  lotNumber: z.string().nullable(),
  label: z.string().nullable(),
});
export const EntrySchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  fiscalYearId: IdSchema,
  journal: JournalCodeSchema,
  /** Gapless per fiscal year and journal: ACH-2026-00001. */
  number: z.string(),
  date: DateSchema,
  description: z.string(),
  source: z.object({ type: z.string(), id: z.string(), reference: z.string().nullable() }),
  reversesEntryId: IdSchema.nullable(),
  reversedByEntryId: IdSchema.nullable(),
  createdBy: IdSchema.nullable(),
  createdAt: DateTimeSchema,
  lines: z.array(EntryLineSchema),
});
export type EntryDto = z.infer<typeof EntrySchema>;
export const EntryParamsSchema = z.object({ buildingId: IdSchema, entryId: IdSchema });

/** Filters of the journal (list and CSV): an entry matches when one of its lines matches account / personId. */
const JournalFilters = {
  journal: JournalCodeSchema.optional(),
  account: AccountNumber.optional(),
  personId: IdSchema.optional(),
  fiscalYearId: IdSchema.optional(),
  from: DateSchema.optional(),
  to: DateSchema.optional(),
};
export const JournalQuerySchema = PageQuerySchema.extend({ ...JournalFilters, sort: sortParam(['date']) });
export const JournalCsvQuerySchema = z.object(JournalFilters);
export const EntryPageSchema = pageSchema(EntrySchema);

// ── Reports ─────────────────────────────────────────────────────────────────
const ReportFiscalYear = FiscalYearSchema.pick({ id: true, label: true, startDate: true, endDate: true, status: true });

export const TrialBalanceSchema = z.object({
  fiscalYear: ReportFiscalYear,
  items: z.array(z.object({
    account: z.string(), label: z.string(), class: z.number().int(), kind: z.enum(ACCOUNT_KINDS),
    debitCents: z.number().int(), creditCents: z.number().int(),
    /** debit − credit: positive is a debit balance. */
    balanceCents: SignedCents,
  })),
  totals: z.object({ debitCents: z.number().int(), creditCents: z.number().int(), balanceCents: SignedCents }),
});

const ReportSection = z.object({
  items: z.array(z.object({ account: z.string(), label: z.string(), amountCents: SignedCents })),
  totalCents: SignedCents,
});
/**
 * Classes 1–5, cumulative up to the end of the fiscal year. Assets are debit balances of asset accounts,
 * liabilities credit balances of liability accounts; `resultCents` is the cumulative result of classes 6–7
 * not yet allocated, so that assets = liabilities + result.
 */
export const BalanceSheetSchema = z.object({
  fiscalYear: ReportFiscalYear,
  asOf: DateSchema,
  assets: ReportSection,
  liabilities: ReportSection,
  resultCents: SignedCents,
});
/** Classes 6–7 of the fiscal year: result = products − charges. */
export const IncomeStatementSchema = z.object({
  fiscalYear: ReportFiscalYear,
  charges: ReportSection,
  products: ReportSection,
  resultCents: SignedCents,
});

// ── Year-end closing ────────────────────────────────────────────────────────
export const ClosingOwnerSchema = z.object({
  personId: IdSchema,
  name: z.string(),
  /** Provisions called in the year (4101 from the calls, VEN). */
  provisionsCents: SignedCents,
  /** Actual ordinary charges allocated to the owner in the year. */
  chargesCents: SignedCents,
  /** provisions − charges: positive is owed to the owner, negative is owed by the owner. */
  balanceCents: SignedCents,
});
export const ClosingSchema = z.object({
  fiscalYear: FiscalYearSchema,
  provisionsEntry: z.object({ id: IdSchema, number: z.string() }).nullable(),
  chargesEntry: z.object({ id: IdSchema, number: z.string() }).nullable(),
  owners: z.array(ClosingOwnerSchema),
  totals: z.object({ provisionsCents: SignedCents, chargesCents: SignedCents, balanceCents: SignedCents }),
});
export type ClosingDto = z.infer<typeof ClosingSchema>;
