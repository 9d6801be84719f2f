import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/errors.ts';
import { applySupplierPatch, changedSupplierFields, validateSupplier, vatNumberOf } from './suppliers.domain.ts';

describe('suppliers', () => {
  it('normalises the VAT number (BCE/KBO check 97 − first 8 mod 97) and the IBAN', () => {
    // 0850123440: 08501234 mod 97 = 57 → 97 − 57 = 40 ✓.
    const s = validateSupplier({ name: 'Net & Propre', vatNumber: 'BE 0850.123.440', iban: 'be68 5390 0754 7034' });
    expect(s).toEqual({ name: 'Net & Propre', enterpriseNumber: '0850123440', iban: 'BE68539007547034' });
    expect(vatNumberOf(s.enterpriseNumber)).toBe('BE0850123440');
    expect(vatNumberOf(null)).toBeNull();
  });

  it('refuses a bad check digit or IBAN, naming the field', () => {
    expect(errorOf(() => validateSupplier({ name: 'X', vatNumber: 'BE0850123441' }))).toMatchObject({
      code: 'supplier.vat_number_invalid', details: { field: 'vatNumber' } });
    expect(errorOf(() => validateSupplier({ name: 'X', iban: 'BE68539007547035' }))).toMatchObject({
      code: 'iban.invalid', details: { field: 'iban' } });
  });

  it('applies a patch (null clears) and lists what changed', () => {
    const before = validateSupplier({ name: 'A', vatNumber: '0850123440' });
    const after = applySupplierPatch(before, { vatNumber: null, name: 'B' });
    expect(after).toEqual({ name: 'B', enterpriseNumber: null, iban: null });
    expect(changedSupplierFields(before, after)).toEqual(['name', 'enterpriseNumber']);
  });
});
