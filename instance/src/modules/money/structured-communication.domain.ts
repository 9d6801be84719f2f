import { AppError } from '../../platform/errors.ts';

/**
 * Belgian structured payment communication (belgian-rules.md §8), "communication structurée" /
 * "gestructureerde mededeling" (OGM/VCS): 12 digits shown as `+++ddd/dddd/ddddd+++` (also with
 * `***`). The first 10 digits are the base; the last 2 the check = base mod 97, on 2 digits,
 * and 97 when the remainder is 0.
 *   structuredCommunication('1234567890') = '+++123/4567/89002+++'
 *   parseStructuredCommunication('***000/0000/09797***') = '000000009797'
 * Values stay strings (leading zeros); the remainder is computed with BigInt.
 * Never mix with the ISO 11649 creditor reference (RF…), a different algorithm.
 */

const BASE_MAX = 9_999_999_999n;

/** The two check digits of a 10-digit base. */
export function structuredCheckDigits(base10: string): string {
  const r = BigInt(base10) % 97n;
  return String(r === 0n ? 97n : r).padStart(2, '0');
}

/**
 * The display form `+++ddd/dddd/ddddd+++` of a base: a string of exactly 10 digits, or a
 * non-negative bigint below 10^10 (padded with zeros). Throws `structured_communication.invalid_base`.
 */
export function structuredCommunication(base: bigint | string): string {
  let digits: string;
  if (typeof base === 'bigint') {
    if (base < 0n || base > BASE_MAX) throw invalidBase('The base must be between 0 and 9 999 999 999');
    digits = base.toString().padStart(10, '0');
  } else {
    if (typeof base !== 'string' || !/^\d{10}$/.test(base)) throw invalidBase('The base must be exactly 10 digits');
    digits = base;
  }
  return formatStructuredCommunication(digits + structuredCheckDigits(digits));
}

/**
 * The 12 digits of a valid structured communication, or null. Accepts the usual written forms:
 * `+` or `*` delimiters, `/`, spaces (`+++123/4567/89002+++`, `123456789002`, `123 4567 89002`).
 * The check digits must be 01–97 and equal the base mod 97 (97 for 0); "00" is never valid.
 */
export function parseStructuredCommunication(text: string): string | null {
  if (typeof text !== 'string') return null;
  const digits = text.replace(/[+*/\s]/g, '');
  if (!/^\d{12}$/.test(digits)) return null;
  return structuredCheckDigits(digits.slice(0, 10)) === digits.slice(10) ? digits : null;
}

export const isValidStructuredCommunication = (text: string): boolean => parseStructuredCommunication(text) !== null;

/** `123456789002` → `+++123/4567/89002+++` (no check: use on 12 digits already validated). */
export function formatStructuredCommunication(digits12: string): string {
  return `+++${digits12.slice(0, 3)}/${digits12.slice(3, 7)}/${digits12.slice(7)}+++`;
}

/**
 * A valid structured communication written inside free text (payers often paste it in the free
 * field: "facture +++090/9337/55493+++ merci"), as 12 digits, or null. Only the delimited forms
 * are recognised (+++…+++ or ***…***, with the two slashes), never a bare run of 12 digits, which
 * would match an account or phone number one time in 97.
 */
export function findStructuredCommunication(text: string): string | null {
  if (typeof text !== 'string') return null;
  const pattern = /([+*]{3})\s*(\d{3})\s*\/\s*(\d{4})\s*\/\s*(\d{5})\s*\1/g;
  for (const m of text.matchAll(pattern)) {
    const found = parseStructuredCommunication(`${m[2]}${m[3]}${m[4]}`);
    if (found) return found;
  }
  return null;
}

function invalidBase(message: string): AppError {
  return new AppError('structured_communication.invalid_base', message, { field: 'base' });
}
