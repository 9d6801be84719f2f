import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import {
  findStructuredCommunication, formatStructuredCommunication, isValidStructuredCommunication, parseStructuredCommunication,
  structuredCheckDigits, structuredCommunication,
} from './structured-communication.domain.ts';

describe('structuredCommunication (rules doc §8 examples)', () => {
  it.each([
    // 1 234 567 890 = 97 × 12 727 504 + 2 → check 02
    ['1234567890', '+++123/4567/89002+++'],
    // 97 = 97 × 1 + 0 → remainder 0 → check 97
    ['0000000097', '+++000/0000/09797+++'],
    // 2 026 000 417 = 97 × 20 886 602 + 23 → check 23
    ['2026000417', '+++202/6000/41723+++'],
    // 0 → remainder 0 → 97
    ['0000000000', '+++000/0000/00097+++'],
    // 10^10 − 1: 10^2 ≡ 3 (mod 97), so 10^10 ≡ 3^5 = 243 ≡ 49 and 10^10 − 1 ≡ 48
    ['9999999999', '+++999/9999/99948+++'],
    // 5 = 97 × 0 + 5 → check 05 (two digits, leading zero kept)
    ['0000000005', '+++000/0000/00505+++'],
  ])('base %s → %s', (base, expected) => {
    expect(structuredCommunication(base)).toBe(expected);
    expect(structuredCommunication(BigInt(base))).toBe(expected);
  });

  it('refuses a base that is not 10 digits or 0 … 9 999 999 999', () => {
    for (const bad of ['123456789', '12345678901', '12345678a0', ' 1234567890', '']) {
      try {
        structuredCommunication(bad);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect(e).toMatchObject({ code: 'structured_communication.invalid_base', details: { field: 'base' } });
      }
    }
    expect(() => structuredCommunication(-1n)).toThrow(AppError);
    expect(() => structuredCommunication(10_000_000_000n)).toThrow(AppError);
  });
});

describe('parseStructuredCommunication', () => {
  it.each([
    ['+++123/4567/89002+++', '123456789002'],
    ['***123/4567/89002***', '123456789002'],
    ['123456789002', '123456789002'],
    ['123 4567 89002', '123456789002'],
    [' +++000/0000/09797+++ ', '000000009797'],
    ['+++202/6000/41723+++', '202600041723'],
  ])('reads %s as %s', (text, digits) => {
    expect(parseStructuredCommunication(text)).toBe(digits);
    expect(isValidStructuredCommunication(text)).toBe(true);
  });

  it.each([
    ['+++123/4567/89003+++', 'wrong check digits (02 expected)'],
    ['+++000/0000/00000+++', '"00" is never valid (0 → 97)'],
    ['+++000/0000/09700+++', 'remainder 0 must be written 97, not 00'],
    ['+++123/4567/8900+++', '11 digits'],
    ['+++123/4567/890022+++', '13 digits'],
    ['+++123-4567-89002+++', 'dashes are not separators'],
    ['RF18539007547034', 'an ISO 11649 creditor reference is another algorithm'],
    ['', 'empty'],
  ])('refuses %s (%s)', (text) => {
    expect(parseStructuredCommunication(text)).toBeNull();
  });

  it('round-trips every base, and detects every single-digit error', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 9_999_999_999n }), fc.nat({ max: 11 }), fc.integer({ min: 1, max: 9 }),
      (base, position, delta) => {
        const text = structuredCommunication(base);
        const digits = parseStructuredCommunication(text)!;
        expect(digits).toBe(base.toString().padStart(10, '0') + structuredCheckDigits(digits.slice(0, 10)));
        expect(formatStructuredCommunication(digits)).toBe(text);
        // Changing one digit changes the base by k × 10^n (97 divides neither) or the check itself.
        const changed = digits.slice(0, position) + String((Number(digits[position]) + delta) % 10) + digits.slice(position + 1);
        expect(parseStructuredCommunication(changed)).toBeNull();
      }));
  });
});

describe('findStructuredCommunication (a communication pasted in free text)', () => {
  it('finds the delimited form inside text', () => {
    // 0 909 337 554 = 97 × 9 374 613 + 93 → check 93
    expect(findStructuredCommunication('facture +++090/9337/55493+++ merci')).toBe('090933755493');
    expect(findStructuredCommunication('***090/9337/55493***')).toBe('090933755493');
    expect(findStructuredCommunication('ref +++ 090 / 9337 / 55493 +++')).toBe('090933755493');
  });

  it('ignores invalid ones and bare digit runs', () => {
    expect(findStructuredCommunication('+++090/9337/55494+++')).toBeNull();
    expect(findStructuredCommunication('tel 090933755493')).toBeNull();
    expect(findStructuredCommunication('+++090/9337/55493***')).toBeNull(); // mixed delimiters
    expect(findStructuredCommunication('bad +++090/9337/55494+++ good +++123/4567/89002+++')).toBe('123456789002');
  });
});
