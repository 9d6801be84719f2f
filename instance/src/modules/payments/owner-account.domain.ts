/**
 * An owner's account statement as CSV (semicolon separated,
 * decimal comma, as Belgian spreadsheets expect). Pure rules.
 */

export interface StatementLine {
  date: string;
  entryId: string;
  entryNumber: string;
  journal: string;
  account: string;
  description: string;
  debitCents: number;
  creditCents: number;
  /** Running balance after the line: positive while the owner owes, negative for a credit. */
  balanceCents: number;
}

/** 123456 → "1234,56"; -5 → "-0,05". Integer arithmetic, no float. */
export function decimalComma(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/**
 * One CSV field: quoted when it holds a separator, a quote or a line break; a text starting with
 * = + - @ (a spreadsheet formula) gets a leading apostrophe.
 */
export function csvText(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const STATEMENT_CSV_HEADER = 'date;journal;entry;account;description;debit;credit;balance';

export function statementCsv(lines: readonly StatementLine[]): string {
  const rows = lines.map((l) => [
    l.date, csvText(l.journal), csvText(l.entryNumber), csvText(l.account), csvText(l.description),
    decimalComma(l.debitCents), decimalComma(l.creditCents), decimalComma(l.balanceCents),
  ].join(';'));
  return [STATEMENT_CSV_HEADER, ...rows].join('\r\n') + '\r\n';
}
