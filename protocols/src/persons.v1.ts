import { z } from 'zod';
import {
  AddressOutSchema, AddressSchema, DateSchema, DateTimeSchema, IdSchema, LanguageSchema, PageQuerySchema, pageSchema,
  sortParam,
} from './common.v1.ts';
import { HolderSchema } from './register.v1.ts';

/** Wire DTOs for persons (natural or legal) of an organization (v1). Contact details live only here. */

export const PERSON_KINDS = ['natural', 'legal'] as const;
export const PersonKindSchema = z.enum(PERSON_KINDS);

/**
 * The owner's individual written acceptance of convocations by e-mail (C. civ. 3.87 §3).
 * Kept apart from any GDPR consent.
 */
export const EmailConsentInputSchema = z.object({
  givenOn: DateSchema,
  /** Evidence: a reference to the signed form, the e-mail that accepted, … */
  proof: z.string().trim().min(1).max(500),
  revokedOn: DateSchema.nullable().optional(),
});
export const EmailConsentSchema = z.object({
  givenOn: DateSchema,
  proof: z.string(),
  revokedOn: DateSchema.nullable(),
  /** Given and not revoked as of today. */
  active: z.boolean(),
});

const Name = z.string().trim().min(1).max(100);
const Phone = z.string().trim().min(3).max(40).regex(/^[+0-9 ()./-]+$/, 'Digits, spaces and + ( ) . / - only');
const Email = z.email().max(254);

export const PersonCreateSchema = z.object({
  kind: PersonKindSchema,
  firstName: Name.nullable().optional(),
  lastName: Name.nullable().optional(),
  companyName: z.string().trim().min(1).max(200).nullable().optional(),
  enterpriseNumber: z.string().trim().min(9).max(20).nullable().optional(),
  email: Email.nullable().optional(),
  phone: Phone.nullable().optional(),
  address: AddressSchema.nullable().optional(),
  language: LanguageSchema.default('fr'),
  emailConsent: EmailConsentInputSchema.nullable().optional(),
});
export type PersonCreate = z.infer<typeof PersonCreateSchema>;

/** Fields left out are unchanged; `null` clears. The kind cannot change. */
export const PersonPatchSchema = PersonCreateSchema.omit({ kind: true, language: true }).extend({
  language: LanguageSchema.optional(),
});
export type PersonPatch = z.infer<typeof PersonPatchSchema>;

export const PersonSchema = z.object({
  id: IdSchema,
  kind: PersonKindSchema,
  displayName: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  companyName: z.string().nullable(),
  enterpriseNumber: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  address: AddressOutSchema.nullable(),
  language: LanguageSchema,
  emailConsent: EmailConsentSchema.nullable(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export type PersonDto = z.infer<typeof PersonSchema>;

export const PersonParamsSchema = z.object({ personId: IdSchema });
export const PersonListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).max(100).optional(),
  kind: PersonKindSchema.optional(),
  sort: sortParam(['name', 'createdAt']),
});
export const PersonPageSchema = pageSchema(PersonSchema);

/** A person's holdings, past and present, with the lot and building they concern. */
export const PersonHoldingSchema = HolderSchema.extend({
  buildingId: IdSchema,
  buildingName: z.string(),
  lotId: IdSchema,
  lotNumber: z.string(),
});
export const PersonHoldingsSchema = z.object({
  personId: IdSchema,
  items: z.array(PersonHoldingSchema),
});
export type PersonHoldingsDto = z.infer<typeof PersonHoldingsSchema>;
