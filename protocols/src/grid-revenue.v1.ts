import { z } from 'zod';
import { DateTimeSchema } from './common.v1.ts';

/**
 * HTTP DTOs of the grid's revenue-share ledger (v1), for the instance administrator under
 * /api/v1/grid/revenue/*: the price of a job, work corrections, period close and statements.
 * Amounts are integer cents; units are work units (≈ GFLOPs of the job).
 */

/** A month, `YYYY-MM`. */
export const PeriodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a period YYYY-MM');
export const PeriodParamsSchema = z.object({ period: PeriodSchema });
const peerIdString = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{10,200}$/, 'a libp2p peer id');
export const PeriodNodeParamsSchema = z.object({ period: PeriodSchema, peerId: peerIdString });
const cents = z.number().int().min(0).max(1_000_000);

export const SetGridPriceBody = z.object({ perDraftCents: cents, perThousandTokensCents: cents }).strict();
export const GridPriceSchema = z.object({
  perDraftCents: z.number().int(), perThousandTokensCents: z.number().int(), setAt: DateTimeSchema.nullable(),
});

export const ReverseGridWorkParams = z.object({ workId: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
export const ReverseGridWorkBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export const GridWorkSchema = z.object({
  id: z.number().int(), period: PeriodSchema, peerId: z.string(), jobId: z.string(), units: z.number().int(),
  tokensIn: z.number().int(), tokensOut: z.number().int(), energyMwh: z.number().int().nullable(), priceCents: z.number().int(),
  reversesId: z.number().int().nullable(), reason: z.string().nullable(), recordedAt: DateTimeSchema,
});

export const GridNodeShareSchema = z.object({
  peerId: z.string(),
  jobs: z.number().int(),
  tokensIn: z.number().int(),
  tokensOut: z.number().int(),
  units: z.number().int(),
  /** Declared by the nodes (receipts); `energyJobs` of `jobs` declared it. Energy never changes money. */
  energyMwh: z.number().int(),
  energyJobs: z.number().int(),
  /** The price of the jobs this node was credited first for (revenue it brought in). */
  revenueCents: z.number().int(),
  devCents: z.number().int(),
  solCents: z.number().int(),
});

export const GridPeriodReportSchema = z.object({
  period: PeriodSchema,
  /** `open`: figures are provisional (what a close today would write); `closed`: the ledger. */
  status: z.enum(['open', 'closed']),
  revenueCents: z.number().int(),
  devCents: z.number().int(),
  solCents: z.number().int(),
  totalUnits: z.number().int(),
  jobs: z.number().int(),
  headHash: z.string().nullable(),
  closedAt: DateTimeSchema.nullable(),
  nodes: z.array(GridNodeShareSchema),
});
export type GridPeriodReport = z.infer<typeof GridPeriodReportSchema>;

export const GridPeriodSummarySchema = GridPeriodReportSchema.omit({ nodes: true });
export const GridPeriodListSchema = z.object({ items: z.array(GridPeriodSummarySchema) });

export const GridNodeStatementSchema = z.object({
  period: PeriodSchema, status: z.enum(['open', 'closed']), node: GridNodeShareSchema, work: z.array(GridWorkSchema),
});

export const GridLedgerVerificationSchema = z.object({ ok: z.boolean(), entries: z.number().int(), brokenAt: z.number().int().nullable() });
