import { AppError } from '../../platform/errors.ts';
import type { Address, Language } from '../buildings/buildings.domain.ts';
import { normalizeEnterpriseNumber } from '../buildings/enterprise-number.domain.ts';

/**
 * Persons of an organization: natural persons (first/last name) or legal persons (company name,
 * optional BCE number). They hold lots through holdings. Contact details are personal data.
 */

export const PERSON_KINDS = ['natural', 'legal'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

/** The individual written acceptance of convocations by e-mail (3.87 §3), apart from GDPR consent. */
export interface EmailConsent { givenOn: string; proof: string; revokedOn: string | null }

export interface PersonFields {
  kind: PersonKind;
  firstName: string | null;
  lastName: string | null;
  companyName: string | null;
  enterpriseNumber: string | null;
  email: string | null;
  phone: string | null;
  address: Address | null;
  language: Language;
  emailConsent: EmailConsent | null;
}

export interface Person extends PersonFields {
  id: string;
  displayName: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PersonInput {
  kind: PersonKind;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  companyName?: string | null | undefined;
  enterpriseNumber?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  address?: Address | null | undefined;
  language: Language;
  emailConsent?: { givenOn: string; proof: string; revokedOn?: string | null | undefined } | null | undefined;
}

export type PersonPatchInput = Partial<Omit<PersonInput, 'kind'>>;

const fail = (code: string, message: string, field: string) => new AppError(code, message, { field });

/** Validates a person's fields as a whole; `today` bounds the consent dates. */
export function validatePerson(input: PersonInput, today: string): PersonFields {
  const natural = input.kind === 'natural';
  if (natural && !input.lastName) throw fail('person.name_required', 'A natural person needs a last name', 'lastName');
  if (!natural && !input.companyName) throw fail('person.name_required', 'A legal person needs a company name', 'companyName');
  if (natural && input.companyName) throw fail('person.field_not_allowed', 'Only a legal person has a company name', 'companyName');
  if (natural && input.enterpriseNumber) throw fail('person.field_not_allowed', 'Only a legal person has an enterprise number', 'enterpriseNumber');
  if (!natural && (input.firstName || input.lastName)) {
    throw fail('person.field_not_allowed', 'A legal person has a company name, not a first or last name', input.firstName ? 'firstName' : 'lastName');
  }
  let enterpriseNumber: string | null = null;
  if (input.enterpriseNumber) {
    enterpriseNumber = normalizeEnterpriseNumber(input.enterpriseNumber);
    if (!enterpriseNumber) {
      throw fail('person.enterprise_number_invalid', 'Not a valid Belgian enterprise number (BCE/KBO)', 'enterpriseNumber');
    }
  }
  return {
    kind: input.kind,
    firstName: natural ? input.firstName ?? null : null,
    lastName: natural ? input.lastName ?? null : null,
    companyName: natural ? null : input.companyName ?? null,
    enterpriseNumber,
    email: input.email ? input.email.trim() : null,
    phone: input.phone ?? null,
    address: input.address ?? null,
    language: input.language,
    emailConsent: validateConsent(input.emailConsent ?? null, today),
  };
}

function validateConsent(c: PersonInput['emailConsent'], today: string): EmailConsent | null {
  if (!c) return null;
  if (c.givenOn > today) throw fail('person.consent_invalid', 'The consent cannot be dated in the future', 'emailConsent.givenOn');
  const revokedOn = c.revokedOn ?? null;
  if (revokedOn !== null && revokedOn < c.givenOn) {
    throw fail('person.consent_invalid', 'The consent cannot be revoked before it was given', 'emailConsent.revokedOn');
  }
  if (revokedOn !== null && revokedOn > today) {
    throw fail('person.consent_invalid', 'The revocation cannot be dated in the future', 'emailConsent.revokedOn');
  }
  return { givenOn: c.givenOn, proof: c.proof, revokedOn };
}

/** Applies a patch (undefined: unchanged, null: cleared) and validates the result. */
export function applyPersonPatch(current: PersonFields, patch: PersonPatchInput, today: string): PersonFields {
  const pick = <K extends keyof PersonPatchInput>(k: K) => (patch[k] === undefined ? current[k] : patch[k]);
  return validatePerson({
    kind: current.kind,
    firstName: pick('firstName'),
    lastName: pick('lastName'),
    companyName: pick('companyName'),
    enterpriseNumber: pick('enterpriseNumber'),
    email: pick('email'),
    phone: pick('phone'),
    address: pick('address'),
    language: patch.language ?? current.language,
    emailConsent: pick('emailConsent'),
  }, today);
}

/** Names of the changed fields, never their values (personal data stays out of the audit log). */
export function changedPersonFields(before: PersonFields, after: PersonFields): string[] {
  return (Object.keys(after) as (keyof PersonFields)[]).filter((k) => canonical(before[k]) !== canonical(after[k]));
}

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  return JSON.stringify(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Convocations may go by e-mail on `date` only with a consent given on or before it and not yet revoked. */
export function emailConsentActive(c: EmailConsent | null, date: string): boolean {
  return c !== null && c.givenOn <= date && (c.revokedOn === null || c.revokedOn > date);
}
