import { z } from 'zod';
import {
  AddressOutSchema, AddressPatchSchema, AddressSchema, DateSchema, DateTimeSchema, FractionSchema, IdSchema,
  LanguageSchema, PageQuerySchema, pageSchema, sortParam,
} from './common.v1.ts';

/**
 * Wire DTOs of the share register: buildings, lots, persons, holdings (v1).
 * Dates are `YYYY-MM-DD`, ids are UUIDs, parts are exact fractions.
 */

// ── Buildings ────────────────────────────────────────────────────────────────
/** BCE/KBO number as typed: `0123.456.749`, `BE0123456749`, `0123456749`. Stored as 10 digits. */
const EnterpriseNumberInput = z.string().trim().min(9).max(20);
const FiscalYearStart = z.string().regex(/^\d{2}-\d{2}$/, 'Expected MM-DD, e.g. 01-01');
const Shares = z.number().int().min(1).max(1_000_000_000);

export const BuildingCreateSchema = z.object({
  name: z.string().trim().min(1).max(200),
  address: AddressSchema,
  enterpriseNumber: EnterpriseNumberInput.nullable().optional(),
  totalShares: Shares,
  fiscalYearStart: FiscalYearStart.default('01-01'),
  language: LanguageSchema,
});
export type BuildingCreate = z.infer<typeof BuildingCreateSchema>;

export const BuildingPatchSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  address: AddressPatchSchema.optional(),
  enterpriseNumber: EnterpriseNumberInput.nullable().optional(),
  totalShares: Shares.optional(),
  fiscalYearStart: FiscalYearStart.optional(),
  language: LanguageSchema.optional(),
});
export type BuildingPatch = z.infer<typeof BuildingPatchSchema>;

export const BuildingSchema = z.object({
  id: IdSchema,
  name: z.string(),
  address: AddressOutSchema,
  enterpriseNumber: z.string().nullable(),
  totalShares: z.number().int(),
  fiscalYearStart: z.string(),
  language: LanguageSchema,
  lotCount: z.number().int(),
  /** Sum of the lots' shares. */
  sharesAllocated: z.number().int(),
  /** True only when the lots' shares equal the total exactly. */
  complete: z.boolean(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export type BuildingDto = z.infer<typeof BuildingSchema>;

export const BuildingParamsSchema = z.object({ buildingId: IdSchema });
export const BuildingListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).max(100).optional(),
  sort: sortParam(['name', 'city', 'totalShares', 'createdAt']),
});
export const BuildingPageSchema = pageSchema(BuildingSchema);

// ── Lots ─────────────────────────────────────────────────────────────────────
export const LOT_KINDS = ['apartment', 'commercial', 'parking', 'garage', 'cellar', 'storage', 'other'] as const;
export const LotKindSchema = z.enum(LOT_KINDS);
const Floor = z.number().int().min(-20).max(300);
const LotNumber = z.string().trim().min(1).max(40);

export const LotCreateSchema = z.object({
  number: LotNumber,
  kind: LotKindSchema,
  floor: Floor.nullable().default(null),
  shares: Shares,
});
export type LotCreate = z.infer<typeof LotCreateSchema>;

export const LotPatchSchema = z.object({
  number: LotNumber.optional(),
  kind: LotKindSchema.optional(),
  floor: Floor.nullable().optional(),
  shares: Shares.optional(),
});
export type LotPatch = z.infer<typeof LotPatchSchema>;

export const LotSchema = z.object({
  id: IdSchema,
  buildingId: IdSchema,
  number: z.string(),
  kind: LotKindSchema,
  floor: z.number().int().nullable(),
  shares: z.number().int(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export type LotDto = z.infer<typeof LotSchema>;

export const LotParamsSchema = z.object({ buildingId: IdSchema, lotId: IdSchema });
const LotFilters = {
  kind: LotKindSchema.optional(),
  floor: z.coerce.number().int().min(-20).max(300).optional(),
  sort: sortParam(['number', 'floor', 'shares', 'kind', 'createdAt']),
};
export const LotListQuerySchema = PageQuerySchema.extend(LotFilters);
export const LotPageSchema = pageSchema(LotSchema);

// ── Holdings ─────────────────────────────────────────────────────────────────
export const HOLDING_RIGHTS = ['full', 'usufruct', 'bare'] as const;
export const HoldingRightSchema = z.enum(HOLDING_RIGHTS);

/** One holder of a lot. Flags default by right: full → all; usufruct → votes + ordinary; bare → extraordinary. */
export const HoldingInputSchema = z.object({
  personId: IdSchema,
  right: HoldingRightSchema,
  part: FractionSchema,
  votes: z.boolean().optional(),
  paysOrdinary: z.boolean().optional(),
  paysExtraordinary: z.boolean().optional(),
});
export type HoldingInput = z.infer<typeof HoldingInputSchema>;

export const HoldingsAddSchema = z.object({
  validFrom: DateSchema,
  holdings: z.array(HoldingInputSchema).min(1).max(100),
});
export const TransferSchema = z.object({
  /** The old holdings end on this date (exclusive) and the new ones start on it. */
  date: DateSchema,
  holdings: z.array(HoldingInputSchema).min(1).max(100),
});
export const HoldingCloseSchema = z.object({ date: DateSchema });

export const HolderSchema = z.object({
  holdingId: IdSchema,
  personId: IdSchema,
  /** Display name of the person: "First Last" or the company name. */
  name: z.string(),
  right: HoldingRightSchema,
  part: FractionSchema,
  votes: z.boolean(),
  paysOrdinary: z.boolean(),
  paysExtraordinary: z.boolean(),
  validFrom: DateSchema,
  validTo: DateSchema.nullable(),
});
export type HolderDto = z.infer<typeof HolderSchema>;

export const HoldingParamsSchema = LotParamsSchema.extend({ holdingId: IdSchema });
export const LotHoldingsQuerySchema = z.object({
  asOf: DateSchema.optional(),
  history: z.stringbool().default(false),
});
export const LotHoldingsSchema = z.object({
  lotId: IdSchema,
  /** The date read; null when the whole history was asked for. */
  asOf: DateSchema.nullable(),
  /** Sum of full + usufruct parts, and of full + bare parts, as of `asOf` ("n/d"). */
  enjoymentParts: z.string().nullable(),
  titleParts: z.string().nullable(),
  /** Both sums equal 1 exactly as of `asOf`. */
  complete: z.boolean().nullable(),
  items: z.array(HolderSchema),
});
export type LotHoldingsDto = z.infer<typeof LotHoldingsSchema>;

export const TransferResultSchema = z.object({
  lotId: IdSchema,
  date: DateSchema,
  closed: z.array(IdSchema),
  items: z.array(HolderSchema),
});

// ── Register (lots with their holders as of a date) ─────────────────────────
export const RegisterQuerySchema = PageQuerySchema.extend({ ...LotFilters, asOf: DateSchema.optional() });
export const RegisterLotSchema = LotSchema.omit({ createdAt: true, updatedAt: true }).extend({
  /** This lot's parts sum to exactly 1 on both sides (full+usufruct, full+bare). */
  complete: z.boolean(),
  holders: z.array(HolderSchema),
});
export type RegisterLotDto = z.infer<typeof RegisterLotSchema>;
export const RegisterSchema = pageSchema(RegisterLotSchema).extend({
  asOf: DateSchema,
  building: z.object({
    id: IdSchema,
    name: z.string(),
    totalShares: z.number().int(),
    sharesAllocated: z.number().int(),
    complete: z.boolean(),
  }),
});
export type RegisterDto = z.infer<typeof RegisterSchema>;
