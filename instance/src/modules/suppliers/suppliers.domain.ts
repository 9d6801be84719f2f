import { AppError } from '../../platform/errors.ts';
import { normalizeEnterpriseNumber } from '../buildings/enterprise-number.domain.ts';
import { normalizeIban } from '../money/iban.domain.ts';

/** Suppliers of the organization's buildings: name, Belgian VAT/enterprise number, IBAN. Pure rules. */

export interface SupplierFields {
  name: string;
  /** Normalised 10 digits of the BCE/KBO number (the Belgian VAT number without "BE"), or null. */
  enterpriseNumber: string | null;
  /** Normalised IBAN (upper case, no spaces), or null. */
  iban: string | null;
}

export interface Supplier extends SupplierFields { id: string; createdAt: Date; updatedAt: Date }

export interface SupplierInput { name: string; vatNumber?: string | null | undefined; iban?: string | null | undefined }

/** `0123456749` → `BE0123456749`, the form of a Belgian VAT number. */
export const vatNumberOf = (enterpriseNumber: string | null) => (enterpriseNumber === null ? null : `BE${enterpriseNumber}`);

export function validateSupplier(input: SupplierInput): SupplierFields {
  let enterpriseNumber: string | null = null;
  if (input.vatNumber != null) {
    enterpriseNumber = normalizeEnterpriseNumber(input.vatNumber);
    if (!enterpriseNumber) {
      throw new AppError('supplier.vat_number_invalid',
        'Not a valid Belgian VAT/enterprise number: BE + 10 digits starting with 0 or 1, with a valid check (97 − first 8 digits mod 97)',
        { field: 'vatNumber' });
    }
  }
  let iban: string | null = null;
  if (input.iban != null) {
    try {
      iban = normalizeIban(input.iban);
    } catch (e) {
      if (e instanceof AppError) throw new AppError(e.code, e.message, { ...e.details, field: 'iban' }, { cause: e });
      throw e;
    }
  }
  return { name: input.name, enterpriseNumber, iban };
}

export function applySupplierPatch(current: SupplierFields, patch: Partial<SupplierInput>): SupplierFields {
  return validateSupplier({
    name: patch.name ?? current.name,
    vatNumber: patch.vatNumber === undefined ? current.enterpriseNumber : patch.vatNumber,
    iban: patch.iban === undefined ? current.iban : patch.iban,
  });
}

export function changedSupplierFields(a: SupplierFields, b: SupplierFields): string[] {
  return (['name', 'enterpriseNumber', 'iban'] as const).filter((k) => a[k] !== b[k]);
}
