import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkReducedRate, divideHalfAwayFromZero, invoiceTotals, reducedRateRefusal, VAT_RATES_BP, VAT_WORK_KINDS, vatCents,
  type ReducedRateInput,
} from './vat.domain.ts';
import { codeOf as errorOf } from '../../../test/support/errors.ts';

describe('VAT rates', () => {
  it('are 0, 6, 12 and 21 % in basis points, from the BE pack', () => {
    expect(VAT_RATES_BP).toEqual([0, 600, 1200, 2100]);
  });
});

describe('vatCents: per line, exact product, half away from zero', () => {
  it.each([
    [50_000, 2100, 10_500], // E1: 500.00 € × 21 % = 105.00 €
    [799_057, 600, 47_943], // E8: 7 990.57 € × 6 % = 479.4342 € → 479.43 €
    [250, 2100, 53], // 2.50 € × 21 % = 0.525 € → 0.53 € (half up)
    [-250, 2100, -53], // credit note: −0.525 € → −0.53 € (half away from zero, mirrors the invoice)
    [249, 2100, 52], // 2.49 € × 21 % = 0.5229 € → 0.52 €
    [25, 1200, 3], // 0.25 € × 12 % = 0.03 € exactly
    [1, 600, 0], // 0.01 € × 6 % = 0.0006 € → 0.00 €
    [9, 600, 1], // 0.09 € × 6 % = 0.0054 € → 0.01 € (0.54 cent rounds up)
    [123_456, 0, 0], // 0 %
    [0, 2100, 0],
  ])('net %i cents at %i bp → VAT %i cents', (net, rate, vat) => {
    expect(vatCents(net, rate)).toBe(vat);
  });

  it('is within half a cent of the exact VAT, symmetric for credit notes, and exact on large amounts', () => {
    fc.assert(fc.property(fc.integer({ min: -1e13, max: 1e13 }), fc.constantFrom(...VAT_RATES_BP), (net, rate) => {
      const vat = vatCents(net, rate);
      // |vat × 10 000 − net × rate| ≤ 5 000 (half a cent, in 1/10 000 of a cent)
      const diff = BigInt(vat) * 10_000n - BigInt(net) * BigInt(rate);
      expect(diff <= 5_000n && diff >= -5_000n).toBe(true);
      // A half (diff exactly ±5 000) always rounds away from zero.
      if (diff === 5_000n) expect(net).toBeGreaterThan(0);
      if (diff === -5_000n) expect(net).toBeLessThan(0);
      expect(vatCents(-net, rate)).toBe(-vat === 0 ? 0 : -vat);
    }));
    // 90 071 992 547.40 € × 21 % = 18 915 118 434.954 € → exact with BigInt, no float drift.
    expect(vatCents(9_007_199_254_740, 2100)).toBe(1_891_511_843_495);
  });

  it('refuses an unknown rate, fractional cents and out-of-range amounts', () => {
    expect(errorOf(() => vatCents(100, 2000))).toMatchObject({ code: 'vat.unknown_rate', details: { field: 'rateBp' } });
    expect(errorOf(() => vatCents(100, 21))).toMatchObject({ code: 'vat.unknown_rate' }); // 21 is 0.21 %, not 21 %
    expect(errorOf(() => vatCents(10.5, 2100))).toMatchObject({ code: 'vat.invalid_amount', details: { field: 'netCents' } });
    expect(errorOf(() => vatCents(Number.MAX_SAFE_INTEGER, 2100))).toMatchObject({ code: 'vat.invalid_amount' });
  });

  it('rounds n/d halves away from zero', () => {
    expect([15n, 14n, -15n, -14n, 5n, -5n, 0n].map((n) => divideHalfAwayFromZero(n, 10n))).toEqual([2n, 1n, -2n, -1n, 1n, -1n, 0n]);
  });
});

describe('invoiceTotals', () => {
  it('adds rounded lines and summarises per rate', () => {
    const totals = invoiceTotals([
      { netCents: 250, rateBp: 2100 }, // VAT 0.525 → 0.53
      { netCents: 250, rateBp: 2100 }, // VAT 0.53
      { netCents: 799_057, rateBp: 600 }, // VAT 479.43
      { netCents: 10_000, rateBp: 0 }, // VAT 0
    ]);
    expect(totals.lines.map((l) => [l.vatCents, l.grossCents])).toEqual([[53, 303], [53, 303], [47_943, 847_000], [0, 10_000]]);
    // net 2.50 + 2.50 + 7 990.57 + 100.00 = 8 095.57; VAT 0.53 + 0.53 + 479.43 = 480.49; gross 8 576.06
    expect(totals).toMatchObject({ netCents: 809_557, vatCents: 48_049, grossCents: 857_606 });
    // Per line, not per rate total: 5.00 € × 21 % on the total would be 1.05 €, the lines give 1.06 €.
    expect(totals.byRate).toEqual([
      { rateBp: 0, netCents: 10_000, vatCents: 0, grossCents: 10_000 },
      { rateBp: 600, netCents: 799_057, vatCents: 47_943, grossCents: 847_000 },
      { rateBp: 2100, netCents: 500, vatCents: 106, grossCents: 606 },
    ]);
  });

  it('always has lines that add up to the totals, gross = net + VAT', () => {
    const line = fc.record({ netCents: fc.integer({ min: -1e9, max: 1e9 }), rateBp: fc.constantFrom(...VAT_RATES_BP) });
    fc.assert(fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
      const t = invoiceTotals(lines);
      expect(t.grossCents).toBe(t.netCents + t.vatCents);
      expect(t.vatCents).toBe(t.lines.reduce((a, l) => a + l.vatCents, 0));
      expect(t.byRate.reduce((a, r) => a + r.grossCents, 0)).toBe(t.grossCents);
    }));
  });

  it('names the offending line', () => {
    expect(errorOf(() => invoiceTotals([{ netCents: 100, rateBp: 2100 }, { netCents: 100, rateBp: 1900 }])))
      .toMatchObject({ code: 'vat.unknown_rate', details: { field: 'lines.1.rateBp' } });
    expect(errorOf(() => invoiceTotals([{ netCents: 0.5, rateBp: 2100 }])))
      .toMatchObject({ code: 'vat.invalid_amount', details: { field: 'lines.0.netCents' } });
  });
});

describe('6 % renovation eligibility (§9, R33)', () => {
  const ok: ReducedRateInput = { rateBp: 600, workKind: 'renovation', buildingFirstOccupiedYear: 2012, residential: true, invoiceDate: '2022-03-15' };
  const refusal = (patch: Partial<ReducedRateInput>) => reducedRateRefusal({ ...ok, ...patch });

  it('R33: renovation invoiced to the ACP, building first occupied 2012, residential, invoice 2022 → accepted', () => {
    expect(refusal({})).toBeNull(); // 2022 − 2012 = 10 ≥ 10
    expect(() => checkReducedRate(ok)).not.toThrow();
    for (const workKind of ['repair', 'maintenance', 'transformation', 'rehabilitation', 'improvement', 'heatPump'] as const) {
      expect(refusal({ workKind })).toBeNull();
    }
  });

  it('R33: first occupied 2018 → refused (21 %)', () => {
    expect(refusal({ buildingFirstOccupiedYear: 2018 })).toMatchObject({
      code: 'vat.reduced_rate_building_too_recent',
      details: { field: 'rateBp', condition: 'buildingFirstOccupiedYear', minAgeYears: 10, buildingFirstOccupiedYear: 2018, invoiceYear: 2022 },
    }); // 2022 − 2018 = 4 < 10
    expect(refusal({ buildingFirstOccupiedYear: 2013 })?.code).toBe('vat.reduced_rate_building_too_recent'); // 9 < 10
    expect(refusal({ buildingFirstOccupiedYear: 2030 })?.code).toBe('vat.reduced_rate_building_too_recent'); // not yet occupied
  });

  it('uses the 5-year rule for invoices before 12 Feb 2016', () => {
    expect(refusal({ buildingFirstOccupiedYear: 2010, invoiceDate: '2016-02-11' })).toBeNull(); // 6 ≥ 5
    expect(refusal({ buildingFirstOccupiedYear: 2010, invoiceDate: '2016-02-12' })).toMatchObject({ details: { minAgeYears: 10 } }); // 6 < 10
  });

  it('R33: a cleaning line at 6 % → refused, whatever the building; so are gardening, fencing, pools and saunas', () => {
    expect(refusal({ workKind: 'cleaning', buildingFirstOccupiedYear: 1950 })).toMatchObject({
      code: 'vat.reduced_rate_excluded_work', details: { field: 'rateBp', condition: 'workKind', workKind: 'cleaning' } });
    for (const workKind of ['gardening', 'fencing', 'swimmingPool', 'sauna'] as const) {
      expect(refusal({ workKind })?.code).toBe('vat.reduced_rate_excluded_work');
    }
    for (const workKind of ['service', 'supply', 'other'] as const) {
      expect(refusal({ workKind })?.code).toBe('vat.reduced_rate_not_renovation');
    }
  });

  it('R33: a gas boiler installed 2025-08-15 at 6 % → refused; before 2025-07-29 it was eligible', () => {
    expect(refusal({ workKind: 'fossilBoiler', invoiceDate: '2025-08-15' })).toMatchObject({
      code: 'vat.reduced_rate_fossil_boiler', details: { field: 'rateBp', condition: 'workKind', invoiceDate: '2025-08-15' } });
    expect(refusal({ workKind: 'fossilBoiler', invoiceDate: '2025-07-29' })?.code).toBe('vat.reduced_rate_fossil_boiler');
    expect(refusal({ workKind: 'fossilBoiler', invoiceDate: '2025-07-28' })).toBeNull();
  });

  it('refuses a non-residential building and an unknown building age', () => {
    expect(refusal({ residential: false })).toMatchObject({ code: 'vat.reduced_rate_not_residential', details: { condition: 'residential' } });
    expect(refusal({ buildingFirstOccupiedYear: null })).toMatchObject({
      code: 'vat.reduced_rate_building_age_unknown', details: { condition: 'buildingFirstOccupiedYear' } });
  });

  it('lets every other known rate through, and refuses unknown rates and bad input', () => {
    for (const rateBp of [0, 1200, 2100]) expect(refusal({ rateBp, workKind: 'cleaning', buildingFirstOccupiedYear: 2024 })).toBeNull();
    expect(refusal({ rateBp: 500 })).toMatchObject({ code: 'vat.unknown_rate', details: { field: 'rateBp' } });
    expect(refusal({ invoiceDate: '2022-13-01' })).toMatchObject({ code: 'vat.invalid_date', details: { field: 'invoiceDate' } });
    expect(refusal({ workKind: 'painting' as never })).toMatchObject({ code: 'vat.unknown_work_kind', details: { field: 'workKind' } });
    expect(refusal({ buildingFirstOccupiedYear: 2012.5 })).toMatchObject({
      code: 'vat.invalid_first_occupied_year', details: { field: 'buildingFirstOccupiedYear' } });
    expect(errorOf(() => checkReducedRate({ ...ok, workKind: 'cleaning' })).code).toBe('vat.reduced_rate_excluded_work');
  });

  it('knows every work kind it is given', () => {
    for (const workKind of VAT_WORK_KINDS) expect(refusal({ workKind })?.code ?? null).not.toBe('vat.unknown_work_kind');
  });
});
