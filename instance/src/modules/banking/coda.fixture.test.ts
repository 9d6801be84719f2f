import { describe, expect, it } from 'vitest';
import { parseCoda } from './coda.domain.ts';

/**
 * A statement typed field by field from the record layouts of the Febelfin CODA 2 standard,
 * without the writer, so that the parser is not only checked against our own generator.
 * Account BE68 5390 0754 7034, statement 012 of 15 March 2025, old balance 1 234.56 €:
 *   1. +720.00 € from DUPONT JEAN, structured communication +++123/4567/89002+++ (2.1 + 2.3)
 *   2. +33.00 € from MARTIN ANNE, a free communication of 71 characters (2.1 + 2.2 + 2.3)
 *   3. −605.00 € to CLEANCO SRL, free communication (2.1 + 2.3), then a 3.1 information record
 * New balance 1 234.56 + 720.00 + 33.00 − 605.00 = 1 382.56 €.
 */
const b = (n: number) => ' '.repeat(n);
const COMM2 = 'Fonds de reserve T1 lot 12 appartement 3B et merci pour tout le travail'; // 71 characters

const records = [
  // 0 | 0000 | created 150325 | bank 000 | appl. 05 | dup. ' ' | 7 blanks | file ref (10) | addressee (26) | BIC (11)
  //   | holder id (11) | blank | separate appl. 00000 | transaction ref (16) | related ref (16) | 7 blanks | version 2
  '0' + '0000' + '150325' + '000' + '05' + ' ' + b(7) + b(10) + 'ACP LES TILLEULS' + b(10) + 'GEBABEBB' + b(3)
    + '00850123440' + ' ' + '00000' + b(16) + b(16) + b(7) + '2',
  // 1 | structure 2 (Belgian IBAN) | paper seq 012 | IBAN (31) + extension (3) + EUR | sign 0 | 1 234.560
  //   | old balance date 140325 | holder (26) | description (35) | coded statement number 012
  '1' + '2' + '012' + 'BE68539007547034' + b(15) + b(3) + 'EUR' + '0' + '000000001234560' + '140325'
    + 'ACP LES TILLEULS' + b(10) + 'Compte courant' + b(21) + '012',
  // 21 | seq 0001 | detail 0000 | bank ref (21) | sign 0 | 720.000 | value 150325 | code 00150000 | comm. type 1
  //    | '101' + 12 digits + 38 blanks | entry 150325 | paper seq 012 | glob. 0 | next 1 | blank | link 0
  '21' + '0001' + '0000' + 'EBA0001234567890ABCDE' + '0' + '000000000720000' + '150325' + '00150000' + '1'
    + '101' + '123456789002' + b(38) + '150325' + '012' + '0' + '1' + ' ' + '0',
  // 23 | 0001 | 0000 | IBAN (34) + EUR | name (35) | communication (43) | next 0 | blank | link 0
  '23' + '0001' + '0000' + 'BE71096123456769' + b(18) + 'EUR' + 'DUPONT JEAN' + b(24) + b(43) + '0' + ' ' + '0',
  // 21 | 0002 | 0000 | ref | credit 33.000 | value 000000 (unknown) | code | type 0 | communication chars 1-53 | …
  '21' + '0002' + '0000' + 'EBA0001234567890ABCDF' + '0' + '000000000033000' + '000000' + '00150000' + '0'
    + COMM2.slice(0, 53) + '150325' + '012' + '0' + '1' + ' ' + '0',
  // 22 | 0002 | 0000 | communication chars 54-71 (53) | customer ref (35) | BIC (11) | 3 blanks | R-type | reason (4)
  //    | category purpose (4) | purpose (4) | next 1 | blank | link 0
  '22' + '0002' + '0000' + COMM2.slice(53).padEnd(53) + b(35) + 'GKCCBEBB' + b(3) + b(3) + ' ' + b(4) + b(4) + b(4)
    + '1' + ' ' + '0',
  '23' + '0002' + '0000' + 'BE62510007547061' + b(18) + 'EUR' + 'MARTIN ANNE' + b(24) + b(43) + '0' + ' ' + '0',
  // 21 | 0003 | 0000 | ref | sign 1 (debit) 605.000 | value 170325 | code 00101000 | type 0 | free communication
  '21' + '0003' + '0000' + 'EBA0001234567890ABCDG' + '1' + '000000000605000' + '170325' + '00101000' + '0'
    + 'Facture 2025-117 nettoyage'.padEnd(53) + '150325' + '012' + '0' + '1' + ' ' + '0',
  '23' + '0003' + '0000' + 'BE43068999999501' + b(18) + 'EUR' + 'CLEANCO SRL' + b(24) + b(43) + '0' + ' ' + '1',
  // 31 | 0003 | 0001 | ref | code | structure 0 | communication (73) | 12 blanks | next 0 | blank | link 0
  '31' + '0003' + '0001' + 'EBA0001234567890ABCDG' + '00101000' + '0' + 'Virement europeen'.padEnd(73) + b(12) + '0' + ' ' + '0',
  // 8 | paper seq 012 | account (37) | sign 0 | 1 382.560 | new balance date 150325 | 64 blanks | link 0
  '8' + '012' + 'BE68539007547034' + b(15) + b(3) + 'EUR' + '0' + '000000001382560' + '150325' + b(64) + '0',
  // 9 | 15 blanks | number of records 1, 2.x, 3.x and 8 (counted below) | debit total | credit total
  //   | 75 blanks | multiple file code 2 (last file)
  '9' + b(15) + '000010' + '000000000605000' + '000000000753000' + b(75) + '2',
];
// Records 1, 2.x, 3.x and 8: 1 + (2.1, 2.3) + (2.1, 2.2, 2.3) + (2.1, 2.3, 3.1) + 8 = 1 + 2 + 3 + 3 + 1 = 10.
// Debits: 605.000; credits: 720.000 + 33.000 = 753.000.

describe('parseCoda on a hand-typed statement', () => {
  it('is made of 128-character records', () => {
    expect(records.map((r) => r.length)).toEqual(records.map(() => 128));
  });

  it('reads the account, dates, balances and every movement', () => {
    const s = parseCoda(records.join('\r\n') + '\r\n');
    expect(s).toMatchObject({
      accountIban: 'BE68539007547034', currency: 'EUR', statementNumber: 12, paperStatementNumber: 12,
      date: '2025-03-15', openingDate: '2025-03-14', creationDate: '2025-03-15', duplicate: false,
      accountHolderName: 'ACP LES TILLEULS', openingBalanceCents: 123_456, closingBalanceCents: 138_256, messages: [],
    });
    expect(s.movements).toEqual([
      {
        sequence: 1, detail: 0, date: '2025-03-15', valueDate: '2025-03-15', amountCents: 72_000,
        counterpartyName: 'DUPONT JEAN', counterpartyIban: 'BE71096123456769', counterpartyAccount: null, counterpartyBic: null,
        structuredCommunication: '123456789002', freeCommunication: null,
        bankReference: 'EBA0001234567890ABCDE', transactionCode: '00150000', line: 3,
      },
      {
        sequence: 2, detail: 0, date: '2025-03-15', valueDate: null, amountCents: 3_300,
        counterpartyName: 'MARTIN ANNE', counterpartyIban: 'BE62510007547061', counterpartyAccount: null, counterpartyBic: 'GKCCBEBB',
        structuredCommunication: null, freeCommunication: COMM2,
        bankReference: 'EBA0001234567890ABCDF', transactionCode: '00150000', line: 5,
      },
      {
        sequence: 3, detail: 0, date: '2025-03-15', valueDate: '2025-03-17', amountCents: -60_500,
        counterpartyName: 'CLEANCO SRL', counterpartyIban: 'BE43068999999501', counterpartyAccount: null, counterpartyBic: null,
        structuredCommunication: null, freeCommunication: 'Facture 2025-117 nettoyage',
        bankReference: 'EBA0001234567890ABCDG', transactionCode: '00101000', line: 8,
      },
    ]);
  });
});
