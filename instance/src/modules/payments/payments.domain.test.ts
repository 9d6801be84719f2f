import { describe, expect, it } from 'vitest';
import { csvText, decimalComma, statementCsv } from './owner-account.domain.ts';
import { allocationLines, canonicalRequest, daysBetween, paymentLines, settle } from './payments.domain.ts';

describe('settling an owner call', () => {
  it('splits a payment into what the call still needs and a credit', () => {
    expect(settle(72_000, 72_000)).toEqual({ allocatedCents: 72_000, creditCents: 0 });
    expect(settle(30_000, 72_000)).toEqual({ allocatedCents: 30_000, creditCents: 0 }); // partial: 420.00 € stay open
    expect(settle(80_000, 72_000)).toEqual({ allocatedCents: 72_000, creditCents: 8_000 }); // over-payment: 80.00 € credit
    expect(settle(5_000, 0)).toEqual({ allocatedCents: 0, creditCents: 5_000 }); // already paid: all credit
  });
});

describe('payment entries (rules doc §5.2 E5, E6, §8)', () => {
  it('E5: 551 debit / 4101 owner credit; E6: 550 / 4100', () => {
    expect(paymentLines({ amountCents: 72_000, bank: 'current', owner: { personId: 'a', receivable: '4101' }, label: 'x' })
      .map((l) => [l.account, l.debitCents, l.creditCents, l.personId ?? null])).toEqual([['551', 72_000, 0, null], ['4101', 0, 72_000, 'a']]);
    expect(paymentLines({ amountCents: 3_300, bank: 'reserve', owner: { personId: 'a', receivable: '4100' }, label: 'x' })
      .map((l) => l.account)).toEqual(['550', '4100']);
  });

  it('puts an unmatched payment on 4990, and moves it to the owner when allocated', () => {
    expect(paymentLines({ amountCents: 100, bank: 'current', owner: null, label: 'x' }).map((l) => l.account)).toEqual(['551', '4990']);
    expect(allocationLines({ amountCents: 100, personId: 'a', receivable: '4101', label: 'x' })
      .map((l) => [l.account, l.debitCents, l.creditCents, l.personId ?? null])).toEqual([['4990', 100, 0, null], ['4101', 0, 100, 'a']]);
  });
});

describe('helpers', () => {
  it('counts days late', () => {
    expect(daysBetween('2026-03-31', '2026-04-10')).toBe(10);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2); // leap year
    expect(daysBetween('2026-03-31', '2026-03-31')).toBe(0);
  });

  it('writes the same canonical request whatever the key order', () => {
    expect(canonicalRequest({ b: 1, a: { d: 2, c: undefined } })).toBe(canonicalRequest({ a: { d: 2 }, b: 1 }));
    expect(canonicalRequest({ a: 1 })).not.toBe(canonicalRequest({ a: 2 }));
  });
});

describe('owner statement CSV', () => {
  it('uses a decimal comma on whole cents', () => {
    expect(decimalComma(123_456)).toBe('1234,56');
    expect(decimalComma(-5)).toBe('-0,05');
    expect(decimalComma(0)).toBe('0,00');
  });

  it('quotes separators and defuses formulas', () => {
    expect(csvText('a;b')).toBe('"a;b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvText('plain')).toBe('plain');
  });

  it('writes a header and one line per movement', () => {
    const csv = statementCsv([{ date: '2026-01-05', entryId: 'e', entryNumber: 'VEN-2026-00001', journal: 'VEN', account: '4101',
      description: 'Appel T1; provisions', debitCents: 72_000, creditCents: 0, balanceCents: 72_000 }]);
    expect(csv).toBe('date;journal;entry;account;description;debit;credit;balance\r\n'
      + '2026-01-05;VEN;VEN-2026-00001;4101;"Appel T1; provisions";720,00;0,00;720,00\r\n');
  });
});
