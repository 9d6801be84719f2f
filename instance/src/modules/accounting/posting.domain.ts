import { AppError } from '../../platform/errors.ts';
import type { JournalCode, PostingInput, PostingLine } from './posting.types.ts';
import { isUuid } from '../../platform/ids.ts';

/**
 * Pure rules of posting (rules doc §5, R25): the shape of an entry, its balance, and which
 * fiscal year a date falls in. No I/O; posting.ts applies them inside the caller's transaction.
 */

export const JOURNAL_CODES: readonly JournalCode[] = ['ACH', 'VEN', 'FIN', 'OD'];
/** A line above 1 000 000 000.00 € is refused as absurd; with at most MAX_LINES lines the sums stay exact. */
export const MAX_LINE_CENTS = 100_000_000_000;
export const MAX_LINES = 10_000;

export const ACCOUNT_NUMBER = /^[1-7][0-9]{0,9}$/;
const SOURCE_TYPE = /^[a-z][a-z0-9_]{0,39}$/;

/** A real calendar date written YYYY-MM-DD (2023-02-29 is not one). */
export function isIsoDate(text: unknown): text is string {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

const invalid = (code: string, message: string, field: string, extra: Record<string, unknown> = {}) =>
  new AppError(code, message, { field, ...extra });

function checkAmount(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw invalid('entry.invalid_amount', 'Amounts are whole, non-negative numbers of cents', field);
  }
  if (v > MAX_LINE_CENTS) throw invalid('entry.amount_out_of_range', `A line holds at most ${MAX_LINE_CENTS} cents`, field);
  return v;
}

function checkOptionalId(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !isUuid(v)) throw invalid('entry.invalid_line', 'Expected a UUID', field);
  return v.toLowerCase();
}

export interface CheckedLine {
  account: string; debitCents: number; creditCents: number;
  personId: string | null; supplierId: string | null; lotId: string | null; label: string | null;
}

function checkLine(line: PostingLine, i: number): CheckedLine {
  const at = `lines.${i}`;
  if (typeof line.account !== 'string' || !ACCOUNT_NUMBER.test(line.account)) {
    throw invalid('entry.unknown_account', `Account ${String(line.account)} is not a PCMN account number`, `${at}.account`, { account: line.account });
  }
  const debitCents = checkAmount(line.debitCents, `${at}.debitCents`);
  const creditCents = checkAmount(line.creditCents, `${at}.creditCents`);
  if ((debitCents > 0) === (creditCents > 0)) {
    throw invalid('entry.invalid_line', 'A line has exactly one of debit and credit above zero', `${at}.debitCents`);
  }
  const label = line.label === undefined || line.label === null ? null : String(line.label).trim();
  if (label !== null && (label.length === 0 || label.length > 300)) throw invalid('entry.invalid_line', 'A label has 1 to 300 characters', `${at}.label`);
  return {
    account: line.account, debitCents, creditCents, label,
    personId: checkOptionalId(line.personId, `${at}.personId`),
    supplierId: checkOptionalId(line.supplierId, `${at}.supplierId`),
    lotId: checkOptionalId(line.lotId, `${at}.lotId`),
  };
}

export interface CheckedEntry {
  journal: JournalCode; date: string; description: string;
  source: { type: string; id: string; reference: string | null };
  lines: CheckedLine[]; totalCents: number;
}

/** Validates the shape and the balance of an entry (R25: Σdebit = Σcredit, a dated supporting document). */
export function checkEntry(input: PostingInput): CheckedEntry {
  if (!JOURNAL_CODES.includes(input.journal)) throw invalid('entry.invalid_journal', `Journal is one of ${JOURNAL_CODES.join(', ')}`, 'journal');
  if (!isIsoDate(input.date)) throw invalid('entry.invalid_date', 'The date is a calendar date YYYY-MM-DD', 'date');
  const description = typeof input.description === 'string' ? input.description.trim() : '';
  if (description.length < 1 || description.length > 500) throw invalid('entry.invalid_description', 'A description has 1 to 500 characters', 'description');
  const src = input.source;
  if (!src || typeof src.type !== 'string' || !SOURCE_TYPE.test(src.type)) {
    throw invalid('entry.invalid_source', 'Every entry rests on a supporting document: source.type is a lower-case code', 'source.type');
  }
  if (typeof src.id !== 'string' || src.id.length < 1 || src.id.length > 200) {
    throw invalid('entry.invalid_source', 'source.id identifies the supporting document (1 to 200 characters)', 'source.id');
  }
  const reference = src.reference === undefined || src.reference === null ? null : String(src.reference).trim() || null;
  if (reference !== null && reference.length > 200) throw invalid('entry.invalid_source', 'A reference has at most 200 characters', 'source.reference');
  if (!Array.isArray(input.lines) || input.lines.length === 0) throw invalid('entry.no_lines', 'An entry has lines', 'lines');
  if (input.lines.length > MAX_LINES) throw invalid('entry.too_many_lines', `An entry has at most ${MAX_LINES} lines`, 'lines');
  const lines = input.lines.map(checkLine);
  const debit = lines.reduce((s, l) => s + l.debitCents, 0);
  const credit = lines.reduce((s, l) => s + l.creditCents, 0);
  if (debit !== credit) {
    throw invalid('entry.unbalanced', `The entry is unbalanced: debit ${debit} cents, credit ${credit} cents`, 'lines',
      { debitCents: debit, creditCents: credit });
  }
  return { journal: input.journal, date: input.date, description, source: { type: src.type, id: src.id, reference }, lines, totalCents: debit };
}

export interface AccountFlags { isOwnerAccount: boolean; isSupplierAccount: boolean }

/** Every account exists in the chart; owner lines carry a person, supplier lines a supplier. */
export function checkAccounts(lines: readonly CheckedLine[], chart: ReadonlyMap<string, AccountFlags>): void {
  lines.forEach((l, i) => {
    const a = chart.get(l.account);
    if (!a) {
      throw invalid('entry.unknown_account', `Account ${l.account} is not in the building's chart`, `lines.${i}.account`, { account: l.account });
    }
    if (a.isOwnerAccount && !l.personId) {
      throw invalid('entry.person_required', `Owner account ${l.account} needs the owner (personId)`, `lines.${i}.personId`);
    }
    if (a.isSupplierAccount && !l.supplierId) {
      throw invalid('entry.supplier_required', `Supplier account ${l.account} needs the supplier (supplierId)`, `lines.${i}.supplierId`);
    }
  });
}

/** The lines of the reversal of an entry: same accounts and sub-accounts, debit and credit swapped. */
export function reversedLines<L extends { debitCents: number; creditCents: number }>(lines: readonly L[]): L[] {
  return lines.map((l) => ({ ...l, debitCents: l.creditCents, creditCents: l.debitCents }));
}

// ── Fiscal years ────────────────────────────────────────────────────────────
export interface Period { start: string; end: string }

const toDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (isoDate: string, n: number) => { const d = toDate(isoDate); d.setUTCDate(d.getUTCDate() + n); return iso(d); };

/** The date `mm-dd` of a year; 02-29 in a common year is 03-01. */
function anniversary(year: number, mmdd: string): string {
  const [m, d] = mmdd.split('-').map(Number) as [number, number];
  return iso(new Date(Date.UTC(year, m - 1, d)));
}

/** The standard fiscal year containing `date` when years start every `mmdd` (the building's fiscalYearStart). */
export function standardFiscalYear(date: string, mmdd: string): Period {
  const year = Number(date.slice(0, 4));
  const start = anniversary(year, mmdd) <= date ? anniversary(year, mmdd) : anniversary(year - 1, mmdd);
  const next = anniversary(Number(start.slice(0, 4)) + 1, mmdd);
  return { start, end: addDays(next, -1) };
}

/**
 * The fiscal year to create for `date`: the standard one, shortened so that it does not overlap the
 * building's existing years (a changed fiscalYearStart gives a transition year).
 */
export function fiscalYearFor(date: string, mmdd: string, existing: readonly Period[]): Period {
  let { start, end } = standardFiscalYear(date, mmdd);
  for (const y of existing) {
    if (y.end < date && y.end >= start) start = addDays(y.end, 1);
    if (y.start > date && y.start <= end) end = addDays(y.start, -1);
  }
  return { start, end };
}

/** Default end of an explicitly opened fiscal year: one year after its start, less a day. */
export function oneYearFrom(start: string): string {
  const d = toDate(start);
  return addDays(anniversary(d.getUTCFullYear() + 1, start.slice(5)), -1);
}

/** A year has 1 day to 24 months (a first fiscal year may be long). */
export function checkPeriod(p: Period): void {
  if (!isIsoDate(p.start)) throw invalid('fiscal_year.invalid_period', 'startDate is a calendar date', 'startDate');
  if (!isIsoDate(p.end) || p.end < p.start) throw invalid('fiscal_year.invalid_period', 'endDate is a date on or after startDate', 'endDate');
  const limit = addDays(anniversary(Number(p.start.slice(0, 4)) + 2, p.start.slice(5)), -1);
  if (p.end > limit) throw invalid('fiscal_year.invalid_period', 'A fiscal year lasts at most 24 months', 'endDate');
}

/** '2026' for a calendar year, '2025/26' for a year across two calendar years; otherwise its dates. */
export function fiscalYearLabel(p: Period, taken: ReadonlySet<string>): string {
  const y1 = p.start.slice(0, 4);
  const y2 = p.end.slice(0, 4);
  const preferred = y1 === y2 ? y1 : `${y1}/${y2.slice(2)}`;
  return taken.has(preferred) ? `${p.start.replaceAll('-', '')}-${p.end.slice(2).replaceAll('-', '')}` : preferred;
}

export function entryNumber(journal: JournalCode, fiscalYearLabel: string, seq: number): string {
  return `${journal}-${fiscalYearLabel}-${String(seq).padStart(5, '0')}`;
}
