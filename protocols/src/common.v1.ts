import { z } from 'zod';

/** Shared wire building blocks: ids, dates, pagination, the error body. */

export const IdSchema = z.uuid();
/** A calendar date, `YYYY-MM-DD` (a real date: 2023-02-29 is refused). */
export const DateSchema = z.iso.date();
export const DateTimeSchema = z.iso.datetime();
export const LanguageSchema = z.enum(['fr', 'nl', 'de', 'en']);
export type Language = z.infer<typeof LanguageSchema>;
/** ISO 3166-1 alpha-2, upper case. */
export const CountryCodeSchema = z.string().regex(/^[A-Z]{2}$/, 'Expected an ISO 3166-1 alpha-2 code such as BE');

/** `limit` (1–200, default 50) and the opaque `cursor` returned as `nextCursor` by the previous page. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(512).optional(),
});

/** `sort=field` (ascending) or `sort=-field` (descending), from a whitelist. */
export function sortParam<const F extends readonly [string, ...string[]]>(fields: F) {
  type Value = F[number] | `-${F[number]}`;
  const values = fields.flatMap((f) => [f, `-${f}`]) as [Value, ...Value[]];
  return z.enum(values).optional();
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    nextCursor: z.string().nullable(),
  });
}

export interface Page<T> { items: T[]; total: number; nextCursor: string | null }

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** The error statuses a protected route may answer, for the OpenAPI document. */
export const errorResponses = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  422: ErrorBodySchema,
} as const;

/** An exact fraction such as 1/3, as two integers. */
export const FractionSchema = z.object({
  numerator: z.number().int().min(1).max(1_000_000_000),
  denominator: z.number().int().min(1).max(1_000_000_000),
});
export type FractionDto = z.infer<typeof FractionSchema>;

/** A postal address. */
export const AddressSchema = z.object({
  street: z.string().trim().min(1).max(200),
  postalCode: z.string().trim().min(1).max(16),
  city: z.string().trim().min(1).max(100),
  country: CountryCodeSchema.default('BE'),
});
export const AddressPatchSchema = z.object({
  street: z.string().trim().min(1).max(200).optional(),
  postalCode: z.string().trim().min(1).max(16).optional(),
  city: z.string().trim().min(1).max(100).optional(),
  country: CountryCodeSchema.optional(),
});
export const AddressOutSchema = z.object({
  street: z.string(),
  postalCode: z.string(),
  city: z.string(),
  country: z.string(),
});
export type AddressDto = z.infer<typeof AddressOutSchema>;
