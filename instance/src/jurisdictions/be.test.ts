import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import { BE_ASSEMBLIES } from './be-assemblies.ts';
import { BE_COLLECTION } from './be-collection.ts';
import { BE_MONEY } from './be-money.ts';
import { BE_PACK, BE_PARAM_KEYS, isIsoDate, legalParam, legalValue, paramVersions, type BeParamKey } from './be.ts';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? { code: e.code, details: e.details } : { code: `not an AppError: ${String(e)}` };
  }
  return { code: 'no error' };
};

describe('the BE pack as data', () => {
  it('holds the keys the money, reminders and assemblies issues need', () => {
    const expected: BeParamKey[] = [
      'ag.convocation.minDays', 'ag.quorum.ownersMin', 'ag.quorum.sharesWithOwnersMin', 'ag.quorum.sharesAloneMin',
      'ag.majority.absolute', 'ag.majority.twoThirds', 'ag.majority.fourFifths', 'ag.majority.unanimity',
      'vat.rate.zero', 'vat.rate.reduced', 'vat.rate.intermediate', 'vat.rate.standard',
      'vat.reno6.minDwellingAgeYears', 'vat.reno6.invoiceDeclarationFrom', 'vat.reno6.excludedWorks', 'vat.reno6.fossilBoilerEligible',
      'funds.reserve.mandatoryAfterYears', 'funds.reserve.minAnnualRate', 'funds.reserve.waiverMajority',
      'accounting.pcmn.mandatoryMinLots', 'retention.books.years',
      'collection.graceDays', 'collection.laterReminder.maxFeeCents', 'collection.indemnity.brackets',
      'collection.interest.legalCivilRateBp', 'collection.interest.commercialRateBp', 'collection.gentle.delayDays',
      'collection.interest.dayBasis', 'calendar.publicHolidays',
    ];
    expect(BE_PARAM_KEYS).toEqual(expect.arrayContaining(expected));
  });

  it('merges its sections without two sections defining the same key', () => {
    const sections = [BE_ASSEMBLIES, BE_MONEY, BE_COLLECTION].map((s) => Object.keys(s));
    expect(BE_PARAM_KEYS).toHaveLength(sections.reduce((n, keys) => n + keys.length, 0));
    expect(new Set(sections.flat()).size).toBe(BE_PARAM_KEYS.length);
  });

  it('gives every version of every key a legal reference, a confidence, a unit and an override rule', () => {
    const bad: string[] = [];
    for (const key of BE_PARAM_KEYS) {
      const versions = paramVersions(key);
      if (versions.length === 0) bad.push(`${key}: no version`);
      for (const v of versions) {
        if (typeof v.legalRef !== 'string' || v.legalRef.trim().length < 3) bad.push(`${key}: legalRef`);
        if (!['confirmed', 'to-verify', 'product-choice'].includes(v.confidence)) bad.push(`${key}: confidence`);
        if (!v.unit) bad.push(`${key}: unit`);
        if (!['stricterOnly', 'none'].includes(v.override)) bad.push(`${key}: override`);
        if (v.confidence === 'product-choice' && !/product choice/.test(v.legalRef)) bad.push(`${key}: a product choice must say so`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('writes dated versions as real dates, from ≤ to, with no two versions of a key overlapping', () => {
    const bad: string[] = [];
    const lo = (d?: string) => d ?? '0000-01-01';
    const hi = (d?: string) => d ?? '9999-12-31';
    for (const key of BE_PARAM_KEYS) {
      const versions = paramVersions(key);
      for (const v of versions) {
        for (const d of [v.validFrom, v.validTo]) if (d !== undefined && !isIsoDate(d)) bad.push(`${key}: bad date ${d}`);
        if (lo(v.validFrom) > hi(v.validTo)) bad.push(`${key}: ${v.validFrom} after ${v.validTo}`);
      }
      for (let i = 0; i < versions.length; i++) {
        for (let j = i + 1; j < versions.length; j++) {
          const [a, b] = [versions[i]!, versions[j]!];
          if (lo(a.validFrom) <= hi(b.validTo) && lo(b.validFrom) <= hi(a.validTo)) bad.push(`${key}: versions ${i} and ${j} overlap`);
        }
      }
      if (versions.length > 1 && versions.some((v) => v.validFrom === undefined && v.validTo === undefined)) {
        bad.push(`${key}: an undated version among dated ones`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeps ratios exact and in lowest terms, rates in whole basis points, amounts in whole cents', () => {
    const bad: string[] = [];
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    for (const key of BE_PARAM_KEYS) {
      for (const v of paramVersions(key)) {
        const value = v.value as unknown;
        if (v.unit === 'ratio') {
          const r = value as { num: number; den: number };
          if (!Number.isInteger(r.num) || !Number.isInteger(r.den) || r.den <= 0 || gcd(r.num, r.den) !== 1) bad.push(key);
        }
        if (['basisPoints', 'eurCents', 'calendarDays', 'workingDays', 'months', 'years', 'count'].includes(v.unit)) {
          if (!Number.isSafeInteger(value) || (value as number) < 0) bad.push(key);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('is frozen: a caller cannot change a legal value', () => {
    expect(Object.isFrozen(BE_PACK)).toBe(true);
    const v = paramVersions('ag.majority.twoThirds')[0]!;
    expect(() => { (v.value as { num: number }).num = 1; }).toThrow(TypeError);
    expect(legalValue('ag.majority.twoThirds')).toEqual({ num: 2, den: 3 });
  });
});

describe('legalParam', () => {
  it('returns the key, value, unit, legal reference and confidence', () => {
    const p = legalParam('ag.convocation.minDays');
    expect(p).toMatchObject({ key: 'ag.convocation.minDays', value: 15, unit: 'calendarDays', comparator: '>=',
      legalRef: 'C. civ. art. 3.87 §3', confidence: 'confirmed', override: 'stricterOnly' });
  });

  it('has the rules doc values for quorum and majorities (§2.1), as exact fractions with their comparator', () => {
    expect(legalParam('ag.quorum.ownersMin')).toMatchObject({ value: { num: 1, den: 2 }, comparator: '>' });
    expect(legalParam('ag.quorum.sharesWithOwnersMin')).toMatchObject({ value: { num: 1, den: 2 }, comparator: '>=' });
    expect(legalParam('ag.quorum.sharesAloneMin')).toMatchObject({ value: { num: 3, den: 4 }, comparator: '>' });
    expect(legalParam('ag.majority.absolute')).toMatchObject({ value: { num: 1, den: 2 }, comparator: '>' });
    expect(legalParam('ag.majority.twoThirds')).toMatchObject({ value: { num: 2, den: 3 }, comparator: '>=' });
    expect(legalParam('ag.majority.fourFifths')).toMatchObject({ value: { num: 4, den: 5 }, comparator: '>=' });
    expect(legalParam('ag.proxy.exceptionMaxVotes')).toMatchObject({ value: { num: 1, den: 10 }, comparator: '<=' });
    expect(legalParam('funds.reserve.waiverMajority').value).toEqual({ num: 4, den: 5 });
  });

  it('has the VAT rates in basis points (§9)', () => {
    expect([legalValue('vat.rate.zero'), legalValue('vat.rate.reduced'), legalValue('vat.rate.intermediate'), legalValue('vat.rate.standard')])
      .toEqual([0, 600, 1200, 2100]);
    expect(legalParam('vat.rate.intermediate').confidence).toBe('to-verify');
    expect(legalValue('funds.reserve.minAnnualRate')).toBe(500); // 5 %
  });

  it('picks the version valid on the date, bounds inclusive', () => {
    // 6 % renovation: 5 years before 12 Feb 2016, 10 years from that day.
    expect(legalValue('vat.reno6.minDwellingAgeYears', '2016-02-11')).toBe(5);
    expect(legalValue('vat.reno6.minDwellingAgeYears', '2016-02-12')).toBe(10);
    expect(legalValue('vat.reno6.minDwellingAgeYears', '2026-01-01')).toBe(10);
    // Fossil boilers: eligible up to 28 July 2025, not from 29 July 2025.
    expect(legalValue('vat.reno6.fossilBoilerEligible', '2025-07-28')).toBe(true);
    expect(legalValue('vat.reno6.fossilBoilerEligible', '2025-07-29')).toBe(false);
  });

  it('keys interest rates by period (§7): legal civil rate per year, law-2002 rate per half-year', () => {
    expect(legalValue('collection.interest.legalCivilRateBp', '2022-12-31')).toBe(150);
    expect(legalValue('collection.interest.legalCivilRateBp', '2023-01-01')).toBe(525);
    expect(legalValue('collection.interest.legalCivilRateBp', '2024-06-30')).toBe(575); // not 5.25 % (§11)
    expect(legalValue('collection.interest.legalCivilRateBp', '2025-03-01')).toBe(450); // not 4 % (§11)
    expect(legalValue('collection.interest.legalCivilRateBp', '2026-12-31')).toBe(450);
    expect(legalValue('collection.interest.commercialRateBp', '2022-07-01')).toBe(800);
    expect(legalValue('collection.interest.commercialRateBp', '2023-06-30')).toBe(1050);
    expect(legalValue('collection.interest.commercialRateBp', '2024-11-15')).toBe(1250);
    expect(legalValue('collection.interest.commercialRateBp', '2025-06-30')).toBe(1150);
    expect(legalParam('collection.interest.commercialRateBp', '2026-02-01')).toMatchObject({ value: 1050, confidence: 'to-verify' });
  });

  it('refuses to guess: a date no version covers, a dated key without date, a bad date, an unknown key', () => {
    // 2025 H2 is `to verify` in the rules doc, with no value.
    expect(codeOf(() => legalParam('collection.interest.commercialRateBp', '2025-07-01')))
      .toEqual({ code: 'jurisdiction.no_value', details: { field: 'onDate', key: 'collection.interest.commercialRateBp', date: '2025-07-01' } });
    expect(codeOf(() => legalParam('collection.interest.legalCivilRateBp', '2021-12-31')).code).toBe('jurisdiction.no_value');
    expect(codeOf(() => legalParam('collection.interest.legalCivilRateBp'))).toEqual({
      code: 'jurisdiction.date_required', details: { field: 'onDate', key: 'collection.interest.legalCivilRateBp' } });
    expect(codeOf(() => legalParam('vat.rate.standard', '2025-02-30')).code).toBe('jurisdiction.invalid_date');
    expect(codeOf(() => legalParam('vat.rate.standard', '01/02/2025')).code).toBe('jurisdiction.invalid_date');
    expect(codeOf(() => legalParam('vat.rate.superReduced' as BeParamKey))).toEqual({
      code: 'jurisdiction.unknown_param', details: { field: 'key', key: 'vat.rate.superReduced' } });
    expect(codeOf(() => legalParam('toString' as BeParamKey)).code).toBe('jurisdiction.unknown_param');
  });

  it('returns a single-version key with or without a date, within its validity', () => {
    expect(legalValue('vat.rate.standard', '2025-01-01')).toBe(2100);
    expect(legalValue('retention.tax.years')).toBe(10);
    expect(codeOf(() => legalParam('retention.tax.years', '2022-12-31')).code).toBe('jurisdiction.no_value'); // 10 years since 2023
  });
});
