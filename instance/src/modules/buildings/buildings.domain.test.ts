import { describe, expect, it } from 'vitest';
import {
  applyBuildingPatch, assertSharesFit, changedBuildingFields, isBuildingComplete, isValidFiscalYearStart, validateBuilding,
  type BuildingInput,
} from './buildings.domain.ts';
import { codeOf } from '../../../test/support/errors.ts';

const input: BuildingInput = {
  name: 'Résidence Test', address: { street: 'Rue Royale 1', postalCode: '1000', city: 'Bruxelles', country: 'BE' },
  enterpriseNumber: 'BE 0123.456.749', totalShares: 1000, fiscalYearStart: '01-01', language: 'fr',
};

describe('validateBuilding', () => {
  it('normalises the enterprise number', () => {
    expect(validateBuilding(input).enterpriseNumber).toBe('0123456749');
    expect(validateBuilding({ ...input, enterpriseNumber: null }).enterpriseNumber).toBeNull();
  });

  it('refuses a bad enterprise number, naming the field', () => {
    expect(codeOf(() => validateBuilding({ ...input, enterpriseNumber: '0123.456.748' })))
      .toEqual({ code: 'building.enterprise_number_invalid', details: { field: 'enterpriseNumber' } });
  });

  it('refuses a fiscal-year start that does not exist every year', () => {
    expect(codeOf(() => validateBuilding({ ...input, fiscalYearStart: '02-29' })).code).toBe('building.fiscal_year_start_invalid');
    expect(codeOf(() => validateBuilding({ ...input, fiscalYearStart: '13-01' })).code).toBe('building.fiscal_year_start_invalid');
  });
});

describe('isValidFiscalYearStart', () => {
  it.each(['01-01', '07-01', '02-28', '12-31', '04-30'])('accepts %s', (v) => expect(isValidFiscalYearStart(v)).toBe(true));
  it.each(['02-29', '04-31', '00-10', '01-00', '1-1', '01-32'])('refuses %s', (v) => expect(isValidFiscalYearStart(v)).toBe(false));
});

describe('shares', () => {
  it('is complete only when the lots hold exactly the total', () => {
    expect(isBuildingComplete(1000, 1000)).toBe(true);
    expect(isBuildingComplete(1000, 999)).toBe(false);
  });

  it('accepts lots up to the total and refuses one share more', () => {
    expect(() => assertSharesFit(1000, 900, 100)).not.toThrow();
    expect(codeOf(() => assertSharesFit(1000, 900, 101))).toEqual({
      code: 'lot.shares_exceed_total', details: { field: 'shares', totalShares: 1000, allocated: 1001, available: 100 },
    });
  });
});

describe('applyBuildingPatch', () => {
  it('merges the address and lists the changed fields', () => {
    const before = validateBuilding(input);
    const after = applyBuildingPatch(before, { address: { city: 'Ixelles', postalCode: '1050' }, enterpriseNumber: null });
    expect(after.address).toEqual({ street: 'Rue Royale 1', postalCode: '1050', city: 'Ixelles', country: 'BE' });
    expect(changedBuildingFields(before, after)).toEqual(['enterpriseNumber', 'address.postalCode', 'address.city']);
  });
});
