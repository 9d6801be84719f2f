/**
 * The journal as CSV for a Belgian spreadsheet (Excel / LibreOffice with a fr-BE or nl-BE locale):
 * - UTF-8 with a byte-order mark (so Excel reads accents), CRLF line ends, one header row;
 * - fields separated by semicolons, the list separator of Belgian locales;
 * - amounts in euros with a decimal comma and no thousands separator: 1234,56 (cents are exact);
 * - dates as YYYY-MM-DD, which Excel recognises in every locale;
 * - one row per journal line, repeating the entry's number, date, journal and description;
 * - a field holding ; " CR or LF is quoted ("" for a quote inside); a text field starting with
 *   = + - @ or a tab is prefixed with ' so no spreadsheet runs it as a formula.
 * Pure: the rows come from the same query as the journal API (reports.repo.ts allEntries).
 */

export interface CsvEntry {
  number: string; date: string; journal: string; description: string; reference: string | null;
  sourceType: string; sourceId: string;
  lines: ReadonlyArray<{
    account: string; accountLabel: string; debitCents: number; creditCents: number;
    personName: string | null; supplierName: string | null; lotNumber: string | null; label: string | null;
  }>;
}

export const JOURNAL_CSV_HEADER = ['Numéro', 'Date', 'Journal', 'Libellé', 'Référence', 'Source', 'Compte', 'Intitulé du compte',
  'Débit', 'Crédit', 'Copropriétaire', 'Fournisseur', 'Lot', 'Libellé de ligne'] as const;

/** 123456 → "1234,56"; -5 → "-0,05". */
export function euros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

export function csvText(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const row = (cells: readonly string[]) => `${cells.join(';')}\r\n`;

export function journalCsv(entries: readonly CsvEntry[]): string {
  let out = `\uFEFF${row(JOURNAL_CSV_HEADER.map(csvText))}`;
  for (const e of entries) {
    for (const l of e.lines) {
      out += row([
        csvText(e.number), e.date, e.journal, csvText(e.description), csvText(e.reference), csvText(`${e.sourceType}:${e.sourceId}`),
        csvText(l.account), csvText(l.accountLabel), l.debitCents ? euros(l.debitCents) : '', l.creditCents ? euros(l.creditCents) : '',
        csvText(l.personName), csvText(l.supplierName), csvText(l.lotNumber), csvText(l.label),
      ]);
    }
  }
  return out;
}
