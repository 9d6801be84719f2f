import { describe, expect, it } from 'vitest';
import { enterpriseCheckDigits, formatEnterpriseNumber, normalizeEnterpriseNumber } from './enterprise-number.domain.ts';

describe('normalizeEnterpriseNumber', () => {
  it.each([
    ['0123.456.749', '0123456749'],
    ['BE0123456749', '0123456749'],
    ['be 0123.456.749', '0123456749'],
    ['0123 456 749', '0123456749'],
    ['0123456749', '0123456749'],
    ['123.456.749', '0123456749'], // historical nine-digit form
    ['0850.123.440', '0850123440'],
    ['BE 0867.654.310', '0867654310'],
    ['1000.000.0' + enterpriseCheckDigits('10000000'), `10000000${enterpriseCheckDigits('10000000')}`],
  ])('accepts %s as %s', (input, expected) => {
    expect(normalizeEnterpriseNumber(input)).toBe(expected);
  });

  it.each([
    ['0123.456.748', 'wrong check digits'],
    ['0123.456.750', 'wrong check digits'],
    ['2123.456.749', 'first digit must be 0 or 1'],
    ['012345674', 'nine digits whose check fails once a 0 is added'],
    ['01234567490', 'eleven digits'],
    ['0123.456.74A', 'a letter'],
    ['', 'empty'],
    ['NL0123456749', 'another country prefix'],
  ])('refuses %s (%s)', (input) => {
    expect(normalizeEnterpriseNumber(input)).toBeNull();
  });

  it('computes the check as 97 minus the first eight digits mod 97', () => {
    expect(enterpriseCheckDigits('01234567')).toBe('49'); // 1234567 mod 97 = 48
    expect(enterpriseCheckDigits('00000097')).toBe('97'); // mod 0 → 97
    expect(normalizeEnterpriseNumber('0000.000.097')).toBe('0000000097');
  });

  it('formats the display form', () => {
    expect(formatEnterpriseNumber('0123456749')).toBe('0123.456.749');
  });
});
