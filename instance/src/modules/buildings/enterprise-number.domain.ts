/**
 * Belgian enterprise numbers (BCE/KBO, "numéro d'entreprise" / "ondernemingsnummer").
 * Ten digits, the first 0 or 1; the last two are the check: 97 − (first eight mod 97).
 * Accepted input forms: `0123.456.749`, `0123 456 749`, `BE0123456749`, `BE 0123.456.749`,
 * and the historical nine-digit form `123.456.749` (a leading 0 is added).
 */

/** The normalised 10 digits, or null when the input is not a valid enterprise number. */
export function normalizeEnterpriseNumber(input: string): string | null {
  let s = input.trim().toUpperCase();
  if (s.startsWith('BE')) s = s.slice(2);
  s = s.replace(/[\s.\-/]/g, '');
  if (/^\d{9}$/.test(s)) s = `0${s}`;
  if (!/^[01]\d{9}$/.test(s)) return null;
  return enterpriseCheckDigits(s.slice(0, 8)) === s.slice(8) ? s : null;
}

/** The two check digits for eight base digits. */
export function enterpriseCheckDigits(base8: string): string {
  const check = 97 - (Number(base8) % 97);
  return String(check).padStart(2, '0');
}

/** `0123456749` → `0123.456.749` (display form). */
export function formatEnterpriseNumber(n: string): string {
  return `${n.slice(0, 4)}.${n.slice(4, 7)}.${n.slice(7)}`;
}
