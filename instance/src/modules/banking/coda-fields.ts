import { AppError } from '../../platform/errors.ts';

/**
 * Field readers for CODA records (Febelfin "Standard CODA 2.x"): fixed 128-character records,
 * positions 1-based and inclusive as in the standard. Every failure is `coda.invalid` naming the
 * line (1-based) and the field. Pure.
 */
export const CODA_RECORD_LENGTH = 128;

export class CodaLine {
  readonly text: string;
  readonly number: number;
  readonly field: string;

  constructor(text: string, number: number, field: string) {
    this.text = text;
    this.number = number;
    this.field = field;
  }

  /** Characters `from`…`to` (1-based, inclusive). */
  at(from: number, to: number = from): string {
    return this.text.slice(from - 1, to);
  }

  trimmed(from: number, to: number): string {
    return this.at(from, to).trim();
  }

  /** A run of digits, as a number. */
  digits(from: number, to: number, what: string): number {
    const s = this.at(from, to);
    if (!/^\d+$/.test(s)) throw this.invalid(`${what} must be digits (positions ${from}-${to}), got ${JSON.stringify(s)}`, 'digits');
    return Number(s);
  }

  /**
   * A sign code (0 credit, 1 debit) and a 15-digit amount with 3 decimals (12 + 3), as signed
   * integer cents. The third decimal must be 0: a fraction of a cent cannot be booked.
   */
  signedCents(signPos: number, amountFrom: number, what: string): number {
    const sign = this.at(signPos);
    if (sign !== '0' && sign !== '1') this.fail(`${what}: the sign code must be 0 (credit) or 1 (debit), got ${JSON.stringify(sign)}`, 'sign');
    const cents = this.cents(amountFrom, what);
    return sign === '1' && cents !== 0 ? -cents : cents;
  }

  /** A 15-digit amount with 3 decimals (12 + 3) and no sign, as integer cents. */
  cents(from: number, what: string): number {
    const s = this.at(from, from + 14);
    if (!/^\d{15}$/.test(s)) this.fail(`${what} must be 15 digits (positions ${from}-${from + 14}), got ${JSON.stringify(s)}`, 'amount');
    if (!s.endsWith('0')) this.fail(`${what} has a fraction of a cent (${s})`, 'amount');
    return Number(s.slice(0, 14));
  }

  /** A DDMMYY date as YYYY-MM-DD (years 00–99 are 2000–2099), or null for 000000 when allowed. */
  date(from: number, what: string, allowUnknown = false): string | null {
    const s = this.at(from, from + 5);
    if (allowUnknown && s === '000000') return null;
    const m = /^(\d{2})(\d{2})(\d{2})$/.exec(s);
    const iso = m ? `20${m[3]}-${m[2]}-${m[1]}` : '';
    if (!m || !isRealDate(iso)) this.fail(`${what} must be a date DDMMYY (position ${from}), got ${JSON.stringify(s)}`, 'date');
    return iso;
  }

  requiredDate(from: number, what: string): string {
    return this.date(from, what) as string;
  }

  invalid(message: string, reason: string): AppError {
    return new AppError('coda.invalid', `CODA line ${this.number}: ${message}`, { field: this.field, line: this.number, reason });
  }

  fail(message: string, reason: string): never {
    throw this.invalid(message, reason);
  }
}

export function isRealDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === iso;
}

/** Collapses runs of blanks and trims; null when nothing is left. */
export function cleanText(text: string): string | null {
  const t = text.replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
}
