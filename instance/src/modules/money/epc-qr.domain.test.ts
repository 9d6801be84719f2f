import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EPC_QR_MAX_BYTES, epcQrPayload, type EpcQrInput } from './epc-qr.domain.ts';
import { structuredCommunication } from './structured-communication.domain.ts';
import { codeOf as errorOf } from '../../../test/support/errors.ts';

const base: EpcQrInput = {
  name: 'ACP Résidence Les Tilleuls',
  iban: 'BE68 5390 0754 7034',
  amountCents: 72_000,
  structuredCommunication: '+++123/4567/89002+++',
};

describe('epcQrPayload (EPC069-12, version 002)', () => {
  it('writes the elements in order, without BIC, the OGM as the structured reference', () => {
    expect(epcQrPayload(base)).toBe([
      'BCD', // service tag
      '002', // version
      '1', // character set: UTF-8
      'SCT', // SEPA credit transfer
      '', // BIC: optional in version 002
      'ACP Résidence Les Tilleuls',
      'BE68539007547034', // IBAN, electronic form
      'EUR720.00', // 72 000 cents = 720.00 € (E5: owner A's provisions)
      '', // purpose
      '123456789002', // structured remittance reference: the OGM's 12 digits
    ].join('\n'));
  });

  it('writes the amount with two decimals and the BIC when given', () => {
    const p = epcQrPayload({ ...base, amountCents: 3_305, bic: 'gebabebb', structuredCommunication: '***000/0000/09797***' });
    const lines = p.split('\n');
    expect(lines[4]).toBe('GEBABEBB');
    expect(lines[7]).toBe('EUR33.05'); // 3 305 cents
    expect(lines[9]).toBe('000000009797');
    expect(epcQrPayload({ ...base, amountCents: 1 }).split('\n')[7]).toBe('EUR0.01');
    expect(epcQrPayload({ ...base, amountCents: 99_999_999_999 }).split('\n')[7]).toBe('EUR999999999.99');
    expect(epcQrPayload({ ...base, bic: 'KREDBEBBXXX' }).split('\n')[4]).toBe('KREDBEBBXXX');
  });

  it('ends with the reference, with no trailing line feed, and stays within 331 bytes', () => {
    fc.assert(fc.property(
      fc.string({ minLength: 1, maxLength: 70, unit: 'grapheme-ascii' }).filter((s) => s.trim().length > 0 && !/[\r\n]/.test(s)),
      fc.integer({ min: 1, max: 99_999_999_999 }),
      fc.bigInt({ min: 0n, max: 9_999_999_999n }),
      (name, amountCents, ref) => {
        const p = epcQrPayload({ ...base, name, amountCents, bic: 'GEBABEBB', structuredCommunication: structuredCommunication(ref) });
        expect(p.endsWith('\n')).toBe(false);
        expect(p.split('\n')).toHaveLength(10);
        expect(new TextEncoder().encode(p).length).toBeLessThanOrEqual(EPC_QR_MAX_BYTES);
        const [euros, cents] = p.split('\n')[7]!.slice(3).split('.');
        expect(Number(euros) * 100 + Number(cents)).toBe(amountCents);
      }));
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(71) }, 'name'],
    [{ name: 'ACP\nTilleuls' }, 'name'],
    [{ bic: 'GEBA' }, 'bic'],
    [{ amountCents: 0 }, 'amountCents'],
    [{ amountCents: -500 }, 'amountCents'],
    [{ amountCents: 12.5 }, 'amountCents'],
    [{ amountCents: 100_000_000_000 }, 'amountCents'],
    [{ structuredCommunication: '+++123/4567/89003+++' }, 'structuredCommunication'],
    [{ structuredCommunication: 'loyer janvier' }, 'structuredCommunication'],
  ])('refuses %o (field %s)', (patch, field) => {
    expect(errorOf(() => epcQrPayload({ ...base, ...patch }))).toMatchObject({ code: 'epc_qr.invalid', details: { field } });
  });

  it('refuses an invalid IBAN with iban.invalid', () => {
    expect(errorOf(() => epcQrPayload({ ...base, iban: 'BE69 5390 0754 7034' }))).toMatchObject({ code: 'iban.invalid', details: { field: 'iban' } });
  });

  it('counts bytes, not characters: 70 four-byte characters do not fit', () => {
    // 70 × 4 bytes = 280 for the name; with the other elements (3+3+1+3+0+16+9+0+12 = 47 bytes and 9 LF) = 336 > 331.
    expect(errorOf(() => epcQrPayload({ ...base, name: '🏠'.repeat(70) }))).toMatchObject({ code: 'epc_qr.invalid', details: { field: 'name' } });
    expect(epcQrPayload({ ...base, name: 'é'.repeat(70) })).toContain('é'.repeat(70)); // 140 bytes: fits
  });
});
