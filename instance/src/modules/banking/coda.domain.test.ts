import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf as errorOf } from '../../../test/support/errors.ts';
import { structuredCommunication } from '../money/structured-communication.domain.ts';
import { parseCoda, parseCodaFile } from './coda.domain.ts';
import { writeCoda, type CodaWriterMovement, type CodaWriterStatement } from './coda-writer.ts';

const ACCOUNT = 'BE68 5390 0754 7034';
const statement = (movements: CodaWriterMovement[], patch: Partial<CodaWriterStatement> = {}): CodaWriterStatement => ({
  accountIban: ACCOUNT, accountHolderName: 'ACP LES TILLEULS', date: '2026-04-30', openingDate: '2026-04-29',
  statementNumber: 41, openingBalanceCents: 500_000, movements, ...patch,
});

describe('parseCoda on written statements', () => {
  it('reads a structured communication, a free one, a debit and several movements', () => {
    const text = writeCoda(statement([
      { amountCents: 72_000, structuredCommunication: '+++123/4567/89002+++', counterpartyName: 'DUPONT JEAN', counterpartyAccount: 'BE71096123456769' },
      { amountCents: 3_300, freeCommunication: 'reserve fund lot 12', counterpartyName: 'MARTIN ANNE', counterpartyAccount: '539007547034', counterpartyBic: 'GEBABEBB' },
      { amountCents: -60_500, freeCommunication: 'Facture 2025-117', counterpartyName: 'CLEANCO SRL', counterpartyAccount: 'BE43068999999501', date: '2026-04-29', valueDate: '2026-04-28' },
      { amountCents: -1_250, transactionCode: '03537000', information: 'Frais de gestion' }, // bank costs, no counterparty
    ]));
    const s = parseCoda(text);
    // 5 000.00 + 720.00 + 33.00 − 605.00 − 12.50 = 5 135.50 €
    expect(s).toMatchObject({ accountIban: 'BE68539007547034', statementNumber: 41, date: '2026-04-30', openingDate: '2026-04-29',
      openingBalanceCents: 500_000, closingBalanceCents: 513_550 });
    expect(s.movements.map((m) => [m.sequence, m.amountCents, m.structuredCommunication, m.freeCommunication, m.counterpartyName, m.counterpartyIban]))
      .toEqual([
        [1, 72_000, '123456789002', null, 'DUPONT JEAN', 'BE71096123456769'],
        // An old Belgian account number 539-0075470-34 in record 2.3 comes back as its IBAN.
        [2, 3_300, null, 'reserve fund lot 12', 'MARTIN ANNE', 'BE68539007547034'],
        [3, -60_500, null, 'Facture 2025-117', 'CLEANCO SRL', 'BE43068999999501'],
        [4, -1_250, null, null, null, null],
      ]);
    expect(s.movements[1]!.counterpartyBic).toBe('GEBABEBB');
    expect(s.movements[2]).toMatchObject({ date: '2026-04-29', valueDate: '2026-04-28', transactionCode: '00101000' });
    expect(s.movements[3]!.transactionCode).toBe('03537000');
  });

  it('reads a free communication spread over records 2.1, 2.2 and 2.3 (140 characters)', () => {
    const long = 'Provisions Q2 2026 lot 7 et lot 8 (cave) - Dupont Jean et Dupont Marie - ' + 'x'.repeat(67);
    expect(long).toHaveLength(140);
    const s = parseCoda(writeCoda(statement([{ amountCents: 100, freeCommunication: long }])));
    expect(s.movements[0]!.freeCommunication).toBe(long);
  });

  it('keeps an OGM with wrong check digits as free text, for manual matching', () => {
    const text = writeCoda(statement([{ amountCents: 100, structuredCommunication: '+++123/4567/89002+++' }]))
      .replace('101123456789002', '101123456789003');
    expect(parseCoda(text).movements[0]).toMatchObject({ structuredCommunication: null, freeCommunication: '101123456789003' });
  });

  it('lists the details of a globalised movement when they add up to it', () => {
    const s = parseCoda(writeCoda(statement([
      { amountCents: 1_000 },
      {
        amountCents: 75_300, // 720.00 + 33.00 booked as one movement by the bank
        details: [
          { amountCents: 72_000, structuredCommunication: structuredCommunication('2026000417'), counterpartyName: 'DUPONT JEAN' },
          { amountCents: 3_300, structuredCommunication: structuredCommunication('0000000097'), counterpartyName: 'MARTIN ANNE' },
        ],
      },
    ])));
    expect(s.movements.map((m) => [m.sequence, m.detail, m.amountCents, m.structuredCommunication])).toEqual([
      [1, 0, 1_000, null],
      [2, 1, 72_000, '202600041723'],
      [2, 2, 3_300, '000000009797'],
    ]);
    expect(s.closingBalanceCents).toBe(500_000 + 1_000 + 75_300);
  });

  it('keeps the global movement when its details do not add up to it', () => {
    const s = parseCoda(writeCoda(statement([{ amountCents: 75_300, details: [{ amountCents: 72_000 }, { amountCents: 3_000 }] }])));
    expect(s.movements.map((m) => [m.detail, m.amountCents])).toEqual([[0, 75_300]]); // 720.00 + 30.00 ≠ 753.00
  });

  it('reads LF files, a duplicate mark, free messages, and a debit opening balance', () => {
    const s = parseCoda(writeCoda(statement([{ amountCents: 20_000 }], { openingBalanceCents: -15_000, duplicate: true, messages: ['Nouveaux tarifs au 1er mai'] }), '\n'));
    // −150.00 + 200.00 = 50.00 €
    expect(s).toMatchObject({ openingBalanceCents: -15_000, closingBalanceCents: 5_000, duplicate: true, messages: ['Nouveaux tarifs au 1er mai'] });
  });

  it('reads an empty statement (no movement)', () => {
    const s = parseCoda(writeCoda(statement([])));
    expect(s).toMatchObject({ openingBalanceCents: 500_000, closingBalanceCents: 500_000, movements: [] });
  });

  it('reads every statement of a file with parseCodaFile; parseCoda wants exactly one', () => {
    const text = writeCoda([statement([{ amountCents: 100 }]), statement([{ amountCents: -100 }], { statementNumber: 42, openingBalanceCents: 500_100 })]);
    expect(parseCodaFile(text).map((s) => [s.statementNumber, s.closingBalanceCents])).toEqual([[41, 500_100], [42, 500_000]]);
    // Each statement is 5 records (0, 1, 2.1, 8, 9): the second header is line 6.
    expect(errorOf(() => parseCoda(text))).toMatchObject({ code: 'coda.invalid', details: { line: 6, reason: 'multiple_statements' } });
  });

  it('round-trips random statements: amounts, communications, totals', () => {
    const movement = fc.record({
      amountCents: fc.integer({ min: -10_000_000, max: 10_000_000 }),
      ogm: fc.option(fc.bigInt({ min: 0n, max: 9_999_999_999n })),
      free: fc.string({ maxLength: 149, unit: fc.constantFrom(...'abcdefghij KLMNOP-0123456789/+.,') }),
      name: fc.option(fc.string({ minLength: 1, maxLength: 35, unit: fc.constantFrom(...'ABCDEFGHIJ -.') })),
    });
    fc.assert(fc.property(fc.array(movement, { maxLength: 12 }), fc.integer({ min: -1e9, max: 1e9 }), (ms, opening) => {
      const input: CodaWriterMovement[] = ms.map((m) => ({
        amountCents: m.amountCents,
        ...(m.ogm === null ? { freeCommunication: m.free } : { structuredCommunication: structuredCommunication(m.ogm) }),
        ...(m.name === null ? {} : { counterpartyName: m.name }),
      }));
      const s = parseCoda(writeCoda(statement(input, { openingBalanceCents: opening })));
      expect(s.movements.map((m) => m.amountCents)).toEqual(ms.map((m) => m.amountCents));
      expect(s.movements.map((m) => m.structuredCommunication)).toEqual(ms.map((m) => (m.ogm === null ? null : m.ogm.toString().padStart(10, '0') + structuredCommunication(m.ogm).slice(15, 17))));
      expect(s.movements.map((m) => m.freeCommunication)).toEqual(ms.map((m) => (m.ogm === null ? (m.free.replace(/\s+/g, ' ').trim() || null) : null)));
      expect(s.movements.map((m) => m.counterpartyName)).toEqual(ms.map((m) => (m.name === null ? null : m.name.replace(/\s+/g, ' ').trim() || null)));
      expect(s.closingBalanceCents - s.openingBalanceCents).toBe(ms.reduce((a, m) => a + m.amountCents, 0));
    }), { numRuns: 200 });
  });
});
