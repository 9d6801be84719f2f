import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/errors.ts';
import { checkCents, MAX_AMOUNT_CENTS } from './amount.domain.ts';
import { formatAmount, formatDate, formatIban, WORDS } from './call-pdf.domain.ts';
import { callEntryLines, communicationBase, defaultChargeKind, planOwnerCalls } from './calls.domain.ts';

describe('owner calls from a distribution', () => {
  it('adds up each person\'s lots and drops zero shares', () => {
    // Lot A1: Dupont 100.00 + Martin 50.00; lot P1: Dupont 25.01; lot C1: Martin 0 (drops out).
    const plans = planOwnerCalls([
      { lotId: 'A1', personId: 'dupont', cents: 10_000 }, { lotId: 'A1', personId: 'martin', cents: 5_000 },
      { lotId: 'P1', personId: 'dupont', cents: 2_501 }, { lotId: 'C1', personId: 'martin', cents: 0 },
    ], 17_501);
    expect(plans).toEqual([
      { personId: 'dupont', amountCents: 12_501, lots: [{ lotId: 'A1', cents: 10_000 }, { lotId: 'P1', cents: 2_501 }] },
      { personId: 'martin', amountCents: 5_000, lots: [{ lotId: 'A1', cents: 5_000 }] },
    ]);
  });

  it('refuses a distribution that does not add up to the call', () => {
    expect(errorOf(() => planOwnerCalls([{ lotId: 'A', personId: 'p', cents: 99 }], 100)).code).toBe('call.distribution_mismatch');
  });

  it('always sums the owner calls to the total (property)', () => {
    fc.assert(fc.property(fc.array(fc.record({ lot: fc.integer({ min: 1, max: 5 }), person: fc.integer({ min: 1, max: 4 }),
      cents: fc.integer({ min: 0, max: 1_000_000 }) }), { maxLength: 30 }), (rows) => {
      const shares = rows.map((r) => ({ lotId: `L${r.lot}`, personId: `P${r.person}`, cents: r.cents }));
      const total = shares.reduce((a, s) => a + s.cents, 0);
      const plans = planOwnerCalls(shares, total);
      expect(plans.reduce((a, p) => a + p.amountCents, 0)).toBe(total);
      for (const p of plans) expect(p.lots.reduce((a, l) => a + l.cents, 0)).toBe(p.amountCents);
      expect(new Set(plans.map((p) => p.personId)).size).toBe(plans.length);
    }));
  });
});

describe('VEN entry of a call (rules doc §5.2)', () => {
  const plans = [{ personId: 'a', amountCents: 72_000, lots: [{ lotId: 'L1', cents: 72_000 }] },
    { personId: 'b', amountCents: 528_000, lots: [{ lotId: 'L2', cents: 500_000 }, { lotId: 'L3', cents: 28_000 }] }];

  it('E3: provisions debit 4101 per owner and lot, credit 701', () => {
    const lines = callEntryLines('ordinary', 600_000, plans, 'T1');
    expect(lines.map((l) => [l.account, l.debitCents, l.creditCents, l.personId ?? null, l.lotId ?? null])).toEqual([
      ['4101', 72_000, 0, 'a', 'L1'], ['4101', 500_000, 0, 'b', 'L2'], ['4101', 28_000, 0, 'b', 'L3'], ['701', 0, 600_000, null, null],
    ]);
  });

  it('E4: reserve debits 4100 and credits 160; E7: working capital credits 100', () => {
    expect(callEntryLines('reserve', 600_000, plans, 'x').map((l) => l.account)).toEqual(['4100', '4100', '4100', '160']);
    expect(callEntryLines('working_capital', 600_000, plans, 'x').map((l) => l.account)).toEqual(['4101', '4101', '4101', '100']);
  });

  it('defaults the reserve fund to extraordinary charges (bare owner), the others to ordinary', () => {
    expect(defaultChargeKind('reserve')).toBe('extraordinary');
    expect(defaultChargeKind('ordinary')).toBe('ordinary');
    expect(defaultChargeKind('working_capital')).toBe('ordinary');
  });
});

describe('structured communication base', () => {
  it('is the counter on 10 digits, and refuses 0 and values past 10 digits', () => {
    expect(communicationBase(1)).toBe('0000000001');
    expect(communicationBase(9_999_999_999)).toBe('9999999999');
    expect(errorOf(() => communicationBase(0)).code).toBe('call.communications_exhausted');
    expect(errorOf(() => communicationBase(10_000_000_000)).code).toBe('call.communications_exhausted');
  });
});

describe('amounts from requests', () => {
  it('accepts whole positive cents up to the ceiling, and names the field otherwise', () => {
    expect(checkCents('x.invalid_amount', 'totalCents', 1)).toBe(1);
    expect(checkCents('x.invalid_amount', 'totalCents', MAX_AMOUNT_CENTS)).toBe(MAX_AMOUNT_CENTS);
    expect(checkCents('x.invalid_amount', 'reserveCents', 0, { allowZero: true })).toBe(0);
    for (const bad of [0, -1, 1.5, MAX_AMOUNT_CENTS + 1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      const e = errorOf(() => checkCents('x.invalid_amount', 'totalCents', bad));
      expect(e.code).toBe('x.invalid_amount');
      expect(e.details?.field).toBe('totalCents');
    }
  });
});

describe('PDF words and formats', () => {
  it('formats amounts the way each language reads them', () => {
    expect(formatAmount(123_456, 'fr')).toBe('1 234,56 €');
    expect(formatAmount(123_456, 'nl')).toBe('€ 1.234,56');
    expect(formatAmount(123_456, 'de')).toBe('1.234,56 €');
    expect(formatAmount(123_456, 'en')).toBe('€1,234.56');
    expect(formatAmount(5, 'fr')).toBe('0,05 €');
    expect(formatAmount(100_000_000, 'en')).toBe('€1,000,000.00');
  });

  it('formats dates and IBANs', () => {
    expect(formatDate('2026-03-31', 'fr')).toBe('31/03/2026');
    expect(formatDate('2026-03-31', 'nl')).toBe('31-03-2026');
    expect(formatDate('2026-03-31', 'de')).toBe('31.03.2026');
    expect(formatIban('BE68539007547034')).toBe('BE68 5390 0754 7034');
  });

  it('has every word in the four languages', () => {
    const keys = (o: object): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v).map((x) => `${k}.${x}`) : [k]));
    const fr = keys(WORDS.fr).sort();
    for (const lang of ['nl', 'de', 'en'] as const) expect(keys(WORDS[lang]).sort()).toEqual(fr);
  });
});
