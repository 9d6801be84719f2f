import { AppError } from '../../platform/errors.ts';
import { normalizeEnterpriseNumber } from './enterprise-number.domain.ts';

/** Buildings (the ACP / VME) and their total of shares (quotités). Pure rules. */

export const LANGUAGES = ['fr', 'nl', 'de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Address { street: string; postalCode: string; city: string; country: string }

export interface BuildingFields {
  name: string;
  address: Address;
  /** Normalised 10 digits, or null. */
  enterpriseNumber: string | null;
  totalShares: number;
  /** MM-DD */
  fiscalYearStart: string;
  language: Language;
}

export interface Building extends BuildingFields {
  id: string;
  lotCount: number;
  sharesAllocated: number;
  complete: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface BuildingInput {
  name: string;
  address: Address;
  enterpriseNumber?: string | null | undefined;
  totalShares: number;
  fiscalYearStart: string;
  language: Language;
}

export interface BuildingPatchInput {
  name?: string | undefined;
  address?: Partial<Address> | undefined;
  enterpriseNumber?: string | null | undefined;
  totalShares?: number | undefined;
  fiscalYearStart?: string | undefined;
  language?: Language | undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `MM-DD` naming a day that exists every year (so not 02-29). */
export function isValidFiscalYearStart(v: string): boolean {
  const m = /^(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const month = Number(m[1]);
  const day = Number(m[2]);
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]!;
}

/** Validates and normalises a building's fields (BCE number, fiscal-year start, shares). */
export function validateBuilding(input: BuildingInput): BuildingFields {
  let enterpriseNumber: string | null = null;
  if (input.enterpriseNumber != null) {
    enterpriseNumber = normalizeEnterpriseNumber(input.enterpriseNumber);
    if (!enterpriseNumber) {
      throw new AppError('building.enterprise_number_invalid',
        'Not a valid Belgian enterprise number (BCE/KBO): 10 digits starting with 0 or 1, with a valid check (97 − first 8 digits mod 97)',
        { field: 'enterpriseNumber' });
    }
  }
  if (!isValidFiscalYearStart(input.fiscalYearStart)) {
    throw new AppError('building.fiscal_year_start_invalid', 'The fiscal year must start on a day that exists every year (MM-DD, not 02-29)',
      { field: 'fiscalYearStart' });
  }
  if (!Number.isSafeInteger(input.totalShares) || input.totalShares <= 0) {
    throw new AppError('building.total_shares_invalid', 'The total of shares must be a positive integer', { field: 'totalShares' });
  }
  return {
    name: input.name,
    address: input.address,
    enterpriseNumber,
    totalShares: input.totalShares,
    fiscalYearStart: input.fiscalYearStart,
    language: input.language,
  };
}

/** Applies a patch to the current fields and validates the result. */
export function applyBuildingPatch(current: BuildingFields, patch: BuildingPatchInput): BuildingFields {
  return validateBuilding({
    name: patch.name ?? current.name,
    address: { ...current.address, ...definedOnly(patch.address ?? {}) },
    enterpriseNumber: patch.enterpriseNumber === undefined ? current.enterpriseNumber : patch.enterpriseNumber,
    totalShares: patch.totalShares ?? current.totalShares,
    fiscalYearStart: patch.fiscalYearStart ?? current.fiscalYearStart,
    language: patch.language ?? current.language,
  });
}

/** The names of the fields that differ (address fields as `address.city`…), for the audit log. */
export function changedBuildingFields(before: BuildingFields, after: BuildingFields): string[] {
  const out: string[] = [];
  for (const k of ['name', 'enterpriseNumber', 'totalShares', 'fiscalYearStart', 'language'] as const) {
    if (before[k] !== after[k]) out.push(k);
  }
  for (const k of ['street', 'postalCode', 'city', 'country'] as const) {
    if (before.address[k] !== after.address[k]) out.push(`address.${k}`);
  }
  return out;
}

/** A building is complete only when its lots' shares equal its total exactly. */
export function isBuildingComplete(totalShares: number, sharesAllocated: number): boolean {
  return sharesAllocated === totalShares;
}

/**
 * Throws `lot.shares_exceed_total` unless `otherLotsShares + lotShares` fits in `totalShares`.
 * `field` names the input that would break the rule (`shares` for a lot, `totalShares` for a building).
 */
export function assertSharesFit(totalShares: number, otherLotsShares: number, lotShares: number, field = 'shares'): void {
  const allocated = otherLotsShares + lotShares;
  if (allocated > totalShares) {
    throw new AppError('lot.shares_exceed_total',
      `The lots would hold ${allocated} shares, more than the building's total of ${totalShares}`,
      { field, totalShares, allocated, available: Math.max(0, totalShares - otherLotsShares) });
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
