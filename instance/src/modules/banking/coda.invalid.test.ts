import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { parseCoda } from './coda.domain.ts';
import { writeCoda } from './coda-writer.ts';

/**
 * A bad file throws AppError('coda.invalid', …, { field, line, reason }) naming its line.
 * Base file (LF): 1 header · 2 old balance · 3 2.1 · 4 2.3 · 5 2.1 (debit) · 6 new balance · 7 trailer.
 */
const base = writeCoda({
  accountIban: 'BE68539007547034', date: '2026-04-30', statementNumber: 41, openingBalanceCents: 500_000,
  movements: [
    { amountCents: 72_000, structuredCommunication: '+++123/4567/89002+++', counterpartyName: 'DUPONT JEAN' },
    { amountCents: -60_500, freeCommunication: 'Facture 2025-117' },
  ],
}, '\n');
const lines = base.trimEnd().split('\n');

/** The file with line `n` (1-based) changed: characters `from`… (1-based) replaced by `text`. */
function patched(n: number, from: number, text: string): string {
  const copy = [...lines];
  const l = copy[n - 1]!;
  copy[n - 1] = l.slice(0, from - 1) + text + l.slice(from - 1 + text.length);
  return copy.join('\n');
}

function invalid(text: string) {
  try {
    parseCoda(text, { field: 'coda' });
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, ...(e.details as { field: string; line: number; reason: string }) };
    throw e;
  }
  throw new Error('expected coda.invalid');
}

describe('parseCoda refuses bad files, naming the line', () => {
  it('accepts the base file', () => {
    expect(lines.map((l) => `${l[0]}${l[0] === '2' ? l[1] : ''}`)).toEqual(['0', '1', '21', '23', '21', '8', '9']);
    expect(parseCoda(base).closingBalanceCents).toBe(500_000 + 72_000 - 60_500); // 5 115.00 €
  });

  it.each([
    ['a record one character short', () => [...lines.slice(0, 3), lines[3]!.slice(0, 127), ...lines.slice(4)].join('\n'), 4, 'record_length'],
    ['a record one character long', () => [...lines.slice(0, 4), `${lines[4]} `, ...lines.slice(5)].join('\n'), 5, 'record_length'],
    ['an empty line inside the file', () => [...lines.slice(0, 2), '', ...lines.slice(2)].join('\n'), 3, 'record_length'],
    ['no header first', () => lines.slice(1).join('\n'), 1, 'record_order'],
    ['no trailer', () => lines.slice(0, -1).join('\n'), 6, 'record_order'],
    ['no new balance', () => [...lines.slice(0, 5), lines[6]].join('\n'), 6, 'record_order'],
    ['no old balance', () => [lines[0], ...lines.slice(2)].join('\n'), 2, 'record_order'],
    ['a record 2.3 that continues no movement', () => patched(4, 3, '0009'), 4, 'orphan_record'],
    ['a record type 7', () => patched(4, 1, '7'), 4, 'record_order'],
    ['CODA version 1', () => patched(1, 128, '1'), 1, 'version'],
    ['another application code', () => patched(1, 15, '06'), 1, 'header'],
    ['a USD account', () => patched(2, 40, 'USD'), 2, 'currency'],
    ['an account that is not an IBAN', () => patched(2, 6, 'BE69'), 2, 'account'],
    ['a movement sign other than 0 or 1', () => patched(3, 32, '2'), 3, 'sign'],
    ['an amount with a letter', () => patched(3, 33, '00000000007200A'), 3, 'amount'],
    ['an amount with a fraction of a cent (720.001)', () => patched(3, 33, '000000000720001'), 3, 'amount'],
    ['an entry date 31 February', () => patched(3, 116, '310226'), 3, 'date'],
    ['a communication type 2', () => patched(3, 62, '2'), 3, 'communication_type'],
    // Old balance 5 000.00 + 720.00 − 605.00 = 5 115.00, but the new balance says 5 115.01.
    ['a new balance that does not follow from the movements', () => patched(6, 43, '000000005115010'), 6, 'balance_mismatch'],
    ['a new balance for another account', () => patched(6, 5, 'BE71096123456769'), 6, 'account_mismatch'],
    // Records 1, 2.1, 2.3, 2.1 and 8 = 5, written 000005.
    ['a trailer record count of 6 instead of 5', () => patched(7, 17, '000006'), 7, 'trailer_count'],
    ['a trailer debit total of 605.01 instead of 605.00', () => patched(7, 23, '000000000605010'), 7, 'trailer_debit'],
    ['a trailer credit total of 0 instead of 720.00', () => patched(7, 38, '000000000000000'), 7, 'trailer_credit'],
  ])('%s → line %i (%s)', (_what, make, line, reason) => {
    expect(invalid(make())).toEqual({ code: 'coda.invalid', field: 'coda', line, reason });
  });

  it('refuses a detail record (detail number ≠ 0000) that follows no movement', () => {
    const copy = [...lines];
    copy[2] = copy[2]!.slice(0, 6) + '0001' + copy[2]!.slice(10); // 2.1 of sequence 0001 as detail 0001
    copy[3] = copy[3]!.slice(0, 6) + '0001' + copy[3]!.slice(10); // and its 2.3
    expect(invalid(copy.join('\n'))).toEqual({ code: 'coda.invalid', field: 'coda', line: 3, reason: 'detail_order' });
  });

  it('refuses an empty file and a file of blanks', () => {
    expect(invalid('')).toMatchObject({ code: 'coda.invalid', line: 1, reason: 'empty' });
    expect(invalid(' \n\n')).toMatchObject({ code: 'coda.invalid', reason: 'empty' });
  });

  it('names the field "file" unless told otherwise', () => {
    try {
      parseCoda('garbage');
    } catch (e) {
      expect(e).toMatchObject({ code: 'coda.invalid', details: { field: 'file', line: 1, reason: 'record_length' } });
    }
    expect.assertions(1);
  });
});
