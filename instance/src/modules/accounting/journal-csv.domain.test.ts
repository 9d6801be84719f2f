import { describe, expect, it } from 'vitest';
import { csvText, euros, journalCsv } from './journal-csv.domain.ts';

describe('journal CSV', () => {
  it('writes amounts with a decimal comma, exact to the cent', () => {
    expect([euros(0), euros(5), euros(60_500), euros(123_456_789), euros(-5)]).toEqual(['0,00', '0,05', '605,00', '1234567,89', '-0,05']);
  });

  it('quotes separators and quotes, and defuses formulas', () => {
    expect(csvText('Nettoyage; mars')).toBe('"Nettoyage; mars"');
    expect(csvText('Dit "Le Parc"')).toBe('"Dit ""Le Parc"""');
    expect(csvText('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvText('-2+3')).toBe("'-2+3");
    expect(csvText(null)).toBe('');
  });

  it('writes a BOM, a header and one CRLF row per line', () => {
    const csv = journalCsv([{
      number: 'ACH-2026-00001', date: '2026-03-01', journal: 'ACH', description: 'Nettoyage mars', reference: 'F-17',
      sourceType: 'expense', sourceId: 'e1',
      lines: [
        { account: '6105', accountLabel: 'Nettoyage et déchets', debitCents: 60_500, creditCents: 0, personName: null, supplierName: null, lotNumber: null, label: null },
        { account: '440', accountLabel: 'Fournisseurs', debitCents: 0, creditCents: 60_500, personName: null, supplierName: 'Net; Propre', lotNumber: null, label: null },
      ],
    }]);
    const rows = csv.split('\r\n');
    expect(csv.startsWith('\uFEFFNuméro;Date;Journal;')).toBe(true);
    expect(rows[1]).toBe('ACH-2026-00001;2026-03-01;ACH;Nettoyage mars;F-17;expense:e1;6105;Nettoyage et déchets;605,00;;;;;');
    expect(rows[2]).toBe('ACH-2026-00001;2026-03-01;ACH;Nettoyage mars;F-17;expense:e1;440;Fournisseurs;;605,00;;"Net; Propre";;');
    expect(rows).toHaveLength(4); // header, 2 lines, and the empty string after the last CRLF
  });
});
