import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { belgianIbanFromAccount, formatIban, ibanProblem, isValidIban, normalizeIban } from './iban.domain.ts';
import { codeOf as errorOf } from '../../../test/support/errors.ts';

describe('normalizeIban', () => {
  it.each([
    // BE68 5390 0754 7034, the registry's Belgian example. Mod 97: "539007547034" + "BE68" → 539007547034 111468,
    // which is 97 × 5 556 778 835 403 211 + 1. National check: 5 390 075 470 = 97 × 55 567 788 + 34 → "34".
    ['BE68 5390 0754 7034', 'BE68539007547034'],
    [' be68539007547034 ', 'BE68539007547034'],
    ['IBAN BE68 5390 0754 7034', 'BE68539007547034'],
    ['BE68-5390-0754-7034', 'BE68539007547034'],
    // BE71 0961 2345 6769: 961 234 567 = 97 × 9 909 634 + 69 → national check "69".
    ['BE71 0961 2345 6769', 'BE71096123456769'],
    ['BE62 5100 0754 7061', 'BE62510007547061'],
    ['NL91 ABNA 0417 1643 00', 'NL91ABNA0417164300'],
    ['FR14 2004 1010 0505 0001 3M02 606', 'FR1420041010050500013M02606'],
    ['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000'],
    ['LU28 0019 4006 4475 0000', 'LU280019400644750000'],
  ])('accepts %s as %s', (input, expected) => {
    expect(normalizeIban(input)).toBe(expected);
    expect(isValidIban(input)).toBe(true);
  });

  it.each([
    ['BE69 5390 0754 7034', 'checksum'], // one check digit off
    ['BE68 5390 0754 7043', 'checksum'], // two digits swapped
    ['BE68 5390 0754 703', 'length'], // 15 characters, BE needs 16
    ['BE68 5390 0754 70344', 'length'],
    ['XX68 5390 0754 7034', 'country'],
    ['68 5390 0754 7034', 'format'],
    ['BE6A 5390 0754 7034', 'format'],
    ['BE68 5390 0754 703!', 'format'],
    ['', 'format'],
  ])('refuses %s (%s)', (input, reason) => {
    expect(isValidIban(input)).toBe(false);
    expect(errorOf(() => normalizeIban(input))).toEqual({ code: 'iban.invalid', details: { field: 'iban', reason } });
  });

  it('checks the Belgian national check digits even when mod 97 holds', () => {
    // BBAN 001234567890: 12 345 678 = 97 × 127 275 + 3, so the national check should be "03", not "90".
    const bban = '001234567890';
    const n = BigInt(`${bban}111400`) % 97n; // "BE00" → 11 14 00
    const forged = `BE${String(98n - n).padStart(2, '0')}${bban}`; // IBAN check digits made right on purpose
    expect(ibanProblem(forged)).toBe('national_check');
    expect(errorOf(() => normalizeIban(forged, 'suppliers.0.iban'))).toMatchObject({ details: { field: 'suppliers.0.iban', reason: 'national_check' } });
  });

  it('detects every single-character error and every swap of two different neighbours in Belgian IBANs', () => {
    const valid = 'BE68539007547034';
    fc.assert(fc.property(fc.integer({ min: 2, max: 15 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
      const changed = valid.slice(0, pos) + String((Number(valid[pos]) + delta) % 10) + valid.slice(pos + 1);
      expect(isValidIban(changed)).toBe(false);
    }));
    for (let i = 2; i < valid.length - 1; i++) {
      if (valid[i] === valid[i + 1]) continue;
      const swapped = valid.slice(0, i) + valid[i + 1] + valid[i] + valid.slice(i + 2);
      expect(isValidIban(swapped), swapped).toBe(false);
    }
  });
});

describe('formatIban and belgianIbanFromAccount', () => {
  it('groups by four', () => {
    expect(formatIban('BE68539007547034')).toBe('BE68 5390 0754 7034');
    expect(formatIban('FR1420041010050500013M02606')).toBe('FR14 2004 1010 0505 0001 3M02 606');
  });

  it('builds the IBAN of an old Belgian account number', () => {
    // 539-0075470-34: "539007547034" + "BE00" → 539007547034 111400 ≡ 30 (mod 97) → check 98 − 30 = 68.
    expect(belgianIbanFromAccount('539-0075470-34')).toBe('BE68539007547034');
    expect(belgianIbanFromAccount('096123456769')).toBe('BE71096123456769');
    expect(errorOf(() => belgianIbanFromAccount('539-0075470-35'))).toMatchObject({ code: 'iban.invalid', details: { field: 'account' } });
  });
});
