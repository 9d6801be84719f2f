import { AppError } from '../../platform/errors.ts';

/**
 * IBAN (ISO 13616): country code, 2 check digits, BBAN. Valid when the length fits the country
 * and (BBAN + country + check, letters as 10…35) mod 97 = 1 (ISO 7064 MOD 97-10).
 * Belgian IBANs (BE, 16 characters) also carry the national check of the old account number:
 * the 12 digits bbb-nnnnnnn-cc, cc = first 10 mod 97 (97 when 0), checked too.
 *   normalizeIban(' be68 5390 0754 7034 ') = 'BE68539007547034'
 *   formatIban('BE68539007547034')        = 'BE68 5390 0754 7034'
 */

/** IBAN lengths of the SWIFT IBAN registry. */
const LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30,
  KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20,
  MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22,
  RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

export type IbanProblem = 'format' | 'country' | 'length' | 'checksum' | 'national_check';

/**
 * The electronic form of an IBAN (upper case, no spaces), or throws `iban.invalid` (422) with
 * `details.field` (default 'iban') and `details.reason`. Spaces, dashes and dots between groups
 * and an `IBAN` prefix are accepted, as people copy them from statements.
 */
export function normalizeIban(text: string, field = 'iban'): string {
  const compact = compactIban(text);
  const problem = ibanProblem(compact);
  if (problem) throw new AppError('iban.invalid', ibanMessage(problem), { field, reason: problem });
  return compact;
}

export function isValidIban(text: string): boolean {
  return typeof text === 'string' && ibanProblem(compactIban(text)) === null;
}

/** What is wrong with an already compacted IBAN, or null. */
export function ibanProblem(iban: string): IbanProblem | null {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(iban)) return 'format';
  const length = LENGTHS[iban.slice(0, 2)];
  if (length === undefined) return 'country';
  if (iban.length !== length) return 'length';
  if (ibanMod97(iban) !== 1) return 'checksum';
  if (iban.startsWith('BE') && !belgianNationalCheckOk(iban.slice(4))) return 'national_check';
  return null;
}

/** Groups of four for display: `BE68 5390 0754 7034`. */
export function formatIban(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The IBAN of a Belgian account number `bbb-nnnnnnn-cc` (12 digits), or throws `iban.invalid`. */
export function belgianIbanFromAccount(account: string, field = 'account'): string {
  const bban = account.replace(/[\s-]/g, '');
  if (!/^\d{12}$/.test(bban) || !belgianNationalCheckOk(bban)) {
    throw new AppError('iban.invalid', 'Not a valid Belgian account number', { field, reason: 'national_check' });
  }
  const check = 98 - ibanMod97(`BE00${bban}`);
  return `BE${String(check).padStart(2, '0')}${bban}`;
}

/** (BBAN + country + check digits) mod 97, letters as 10 (A) … 35 (Z), digit by digit. */
function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let r = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    r = (v >= 10 ? r * 100 + v : r * 10 + v) % 97;
  }
  return r;
}

function belgianNationalCheckOk(bban: string): boolean {
  if (!/^\d{12}$/.test(bban)) return false;
  const r = Number(BigInt(bban.slice(0, 10)) % 97n);
  return String(r === 0 ? 97 : r).padStart(2, '0') === bban.slice(10);
}

function compactIban(text: string): string {
  if (typeof text !== 'string') return '';
  const s = text.trim().toUpperCase().replace(/^IBAN[:\s]*/, '');
  return s.replace(/[\s.-]/g, '');
}

function ibanMessage(problem: IbanProblem): string {
  switch (problem) {
    case 'format': return 'An IBAN is two letters, two check digits and the account number';
    case 'country': return 'Unknown IBAN country code';
    case 'length': return 'The IBAN has the wrong length for its country';
    case 'checksum': return 'The IBAN check digits are wrong (mod 97)';
    case 'national_check': return 'The Belgian account number check digits are wrong';
  }
}
