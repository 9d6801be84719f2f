import { z } from 'zod';
import { DateSchema, DateTimeSchema, IdSchema, PageQuerySchema, pageSchema, sortParam } from './common.v1.ts';

/**
 * Wire DTOs of suppliers, distribution keys, expense settings and expenses (supplier invoices
 * and credit notes), v1. Amounts are integer cents (VAT included where it says gross); VAT rates
 * are basis points (2100 = 21 %); dates are `YYYY-MM-DD`.
 */

const BuildingParams = { buildingId: IdSchema };
/** Integer cents, signed; bounds are checked by the domain (422 naming the field). */
const Cents = z.number().int();

// ── Suppliers ────────────────────────────────────────────────────────────────
/** Belgian VAT/enterprise number as typed: `BE0123456749`, `0123.456.749`, `0123456749`. */
const VatNumberInput = z.string().trim().min(9).max(20);
/** IBAN as typed (spaces allowed), checked with mod 97. */
const IbanInput = z.string().trim().min(5).max(50);

export const SupplierCreateSchema = z.object({
  name: z.string().trim().min(1).max(200),
  vatNumber: VatNumberInput.nullable().optional(),
  iban: IbanInput.nullable().optional(),
});
export type SupplierCreate = z.infer<typeof SupplierCreateSchema>;

export const SupplierPatchSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  vatNumber: VatNumberInput.nullable().optional(),
  iban: IbanInput.nullable().optional(),
});

export const SupplierSchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** `BE` + the 10 digits of the enterprise number, e.g. `BE0123456749`; null when unknown. */
  vatNumber: z.string().nullable(),
  /** Normalised IBAN (no spaces, upper case), or null. */
  iban: z.string().nullable(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export type SupplierDto = z.infer<typeof SupplierSchema>;

export const SupplierParamsSchema = z.object({ supplierId: IdSchema });
export const SupplierListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).max(100).optional(),
  sort: sortParam(['name', 'createdAt']),
});
export const SupplierPageSchema = pageSchema(SupplierSchema);

// ── Distribution keys ────────────────────────────────────────────────────────
export const DistributionKeyKindSchema = z.enum(['lots', 'weights']);
export const ChargeKindSchema = z.enum(['ordinary', 'extraordinary']);

const KeyLotInput = z.object({
  lotId: IdSchema,
  /** Only for a 'weights' key: an integer ≥ 0 (e.g. a heating meter reading). A 'lots' key uses the lot's shares. */
  weight: z.number().int().nullable().optional(),
});

export const DistributionKeyCreateSchema = z.object({
  name: z.string().trim().min(1).max(100),
  kind: DistributionKeyKindSchema,
  lots: z.array(KeyLotInput).min(1).max(5000),
});
export const DistributionKeyPatchSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  /** Replaces the whole list. */
  lots: z.array(KeyLotInput).min(1).max(5000).optional(),
});

export const DistributionKeySchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  name: z.string(),
  kind: DistributionKeyKindSchema,
  lots: z.array(z.object({
    lotId: IdSchema,
    lotNumber: z.string(),
    shares: z.number().int(),
    /** The weight used: the custom weight, or the lot's shares for a 'lots' key. */
    weight: z.number().int(),
  })),
  totalWeight: z.number().int(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export type DistributionKeyDto = z.infer<typeof DistributionKeySchema>;
export const DistributionKeyListSchema = z.object({ items: z.array(DistributionKeySchema) });
export const DistributionKeyParamsSchema = z.object({ ...BuildingParams, keyId: IdSchema });

export const DistributionPreviewQuerySchema = z.object({
  /** Absent: the general key (every lot by its shares). */
  keyId: IdSchema.optional(),
  /** Default 10 000 cents: the split of 100.00 €. */
  amountCents: z.coerce.number().int().default(10_000),
  /** The register is read as of this date (default today). */
  asOf: DateSchema.optional(),
  chargeKind: ChargeKindSchema.default('ordinary'),
});

const HolderShareSchema = z.object({
  lotId: IdSchema,
  lotNumber: z.string(),
  personId: IdSchema,
  personName: z.string(),
  cents: z.number().int(),
});

export const DistributionPreviewSchema = z.object({
  asOf: DateSchema,
  keyId: IdSchema.nullable(),
  amountCents: z.number().int(),
  chargeKind: ChargeKindSchema,
  items: z.array(HolderShareSchema),
});

// ── Expense settings (per building) ─────────────────────────────────────────
export const ExpenseSettingsSchema = z.object({
  buildingId: IdSchema,
  /** Above this gross amount (absolute value), approval needs a council member other than the creator. */
  approvalThresholdCents: z.number().int(),
  /** Year the building was first occupied (6 % VAT renovation rule); null: unknown, 6 % refused. */
  firstOccupiedYear: z.number().int().nullable(),
  /** Used wholly or mainly as private housing (6 % VAT renovation rule). */
  residential: z.boolean(),
});
export const ExpenseSettingsPatchSchema = z.object({
  approvalThresholdCents: z.number().int().optional(),
  firstOccupiedYear: z.number().int().nullable().optional(),
  residential: z.boolean().optional(),
});

// ── Expenses ────────────────────────────────────────────────────────────────
export const ExpenseStateSchema = z.enum(['draft', 'pending_approval', 'approved', 'rejected']);
export const PaymentStateSchema = z.enum(['unpaid', 'paid']);

export const ExpenseLineInputSchema = z.object({
  description: z.string().trim().min(1).max(300),
  /** What the line is for; decides whether 6 % VAT may apply. */
  workKind: z.string().trim().min(1).max(40).describe('renovation, repair, maintenance, transformation, rehabilitation, improvement, '
    + 'fossilBoiler, heatPump, cleaning, gardening, fencing, swimmingPool, sauna, service, supply or other'),
  /** Net amount excluding VAT, in cents (negative on a credit note). */
  netCents: Cents,
  /** 0, 600, 1200 or 2100 basis points. */
  vatRateBp: z.number().int(),
});

export const ExpenseCreateSchema = z.object({
  supplierId: IdSchema,
  invoiceNumber: z.string().trim().min(1).max(60),
  invoiceDate: DateSchema,
  dueDate: DateSchema,
  /** null or absent: the general key. */
  distributionKeyId: IdSchema.nullable().optional(),
  chargeKind: ChargeKindSchema,
  /** A class 6 PCMN account of the building's chart, e.g. '6105'. */
  chargeAccount: z.string().trim().min(1).max(10),
  description: z.string().trim().min(1).max(500).nullable().optional(),
  lines: z.array(ExpenseLineInputSchema).min(1).max(200),
});
export type ExpenseCreate = z.infer<typeof ExpenseCreateSchema>;

export const ExpensePatchSchema = z.object({
  supplierId: IdSchema.optional(),
  invoiceNumber: z.string().trim().min(1).max(60).optional(),
  invoiceDate: DateSchema.optional(),
  dueDate: DateSchema.optional(),
  distributionKeyId: IdSchema.nullable().optional(),
  chargeKind: ChargeKindSchema.optional(),
  chargeAccount: z.string().trim().min(1).max(10).optional(),
  description: z.string().trim().min(1).max(500).nullable().optional(),
  /** Replaces every line. */
  lines: z.array(ExpenseLineInputSchema).min(1).max(200).optional(),
});

export const CreditNoteCreateSchema = z.object({
  invoiceNumber: z.string().trim().min(1).max(60),
  invoiceDate: DateSchema,
  dueDate: DateSchema,
  description: z.string().trim().min(1).max(500).nullable().optional(),
  /** Negative net amounts. */
  lines: z.array(ExpenseLineInputSchema).min(1).max(200),
});

export const ExpenseRejectSchema = z.object({ reason: z.string().trim().min(1).max(1000) });
export const ExpensePaySchema = z.object({ paidOn: DateSchema });

export const ExpenseLineSchema = z.object({
  position: z.number().int(),
  description: z.string(),
  workKind: z.string(),
  netCents: z.number().int(),
  vatRateBp: z.number().int(),
  vatCents: z.number().int(),
  grossCents: z.number().int(),
});

export const ExpenseSchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  supplierId: IdSchema,
  supplierName: z.string(),
  invoiceNumber: z.string(),
  invoiceDate: DateSchema,
  dueDate: DateSchema,
  distributionKeyId: IdSchema.nullable(),
  chargeKind: ChargeKindSchema,
  chargeAccount: z.string(),
  description: z.string().nullable(),
  /** Set on a credit note: the expense it corrects. */
  creditNoteOf: IdSchema.nullable(),
  state: ExpenseStateSchema,
  rejectionReason: z.string().nullable(),
  paymentState: PaymentStateSchema,
  paidOn: DateSchema.nullable(),
  netCents: z.number().int(),
  vatCents: z.number().int(),
  grossCents: z.number().int(),
  createdBy: IdSchema.nullable(),
  submittedAt: DateTimeSchema.nullable(),
  decidedAt: DateTimeSchema.nullable(),
  decidedBy: IdSchema.nullable(),
  approvalEntryId: IdSchema.nullable(),
  paymentEntryId: IdSchema.nullable(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export type ExpenseDto = z.infer<typeof ExpenseSchema>;

export const ExpenseDetailSchema = ExpenseSchema.extend({
  lines: z.array(ExpenseLineSchema),
  /** The charge allocations written at approval (empty before). */
  distribution: z.array(HolderShareSchema.extend({ account: z.string(), chargeDate: DateSchema })),
});
export type ExpenseDetailDto = z.infer<typeof ExpenseDetailSchema>;

export const ExpenseParamsSchema = z.object({ ...BuildingParams, expenseId: IdSchema });
export const ExpenseListQuerySchema = PageQuerySchema.extend({
  state: ExpenseStateSchema.optional(),
  paymentState: PaymentStateSchema.optional(),
  supplierId: IdSchema.optional(),
  /** Invoice date from (inclusive). */
  from: DateSchema.optional(),
  /** Invoice date to (inclusive). */
  to: DateSchema.optional(),
  sort: sortParam(['invoiceDate', 'dueDate', 'grossCents', 'createdAt']),
});
export const ExpensePageSchema = pageSchema(ExpenseSchema);
