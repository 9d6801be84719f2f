import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/errors.ts';
import { PCMN_ACP } from './pcmn.data.ts';
import {
  checkAccounts, checkEntry, checkPeriod, entryNumber, fiscalYearFor, fiscalYearLabel, oneYearFrom, reversedLines, standardFiscalYear,
} from './posting.domain.ts';
import type { PostingInput } from './posting.types.ts';

const base: PostingInput = {
  organizationId: 'o', buildingId: 'b', journal: 'ACH', date: '2026-03-01', description: 'Nettoyage',
  source: { type: 'expense', id: 'x1' },
  lines: [{ account: '6105', debitCents: 60_500, creditCents: 0 }, { account: '440', debitCents: 0, creditCents: 60_500, supplierId: '6f1c0c8e-8f3a-4e0b-9a53-0d6d1c9b2a77' }],
};

describe('checkEntry', () => {
  it('accepts a balanced entry and totals it', () => {
    expect(checkEntry(base).totalCents).toBe(60_500);
  });

  it('names the problem and the field', () => {
    const bad = (over: Partial<PostingInput>) => errorOf(() => checkEntry({ ...base, ...over }));
    expect(bad({ lines: [{ account: '6105', debitCents: 10, creditCents: 0 }, { account: '551', debitCents: 0, creditCents: 9 }] }))
      .toMatchObject({ code: 'entry.unbalanced', details: { debitCents: 10, creditCents: 9 } });
    expect(bad({ lines: [{ account: '6105', debitCents: 10, creditCents: 0 }] }).code).toBe('entry.unbalanced');
    expect(bad({ lines: [] }).code).toBe('entry.no_lines');
    expect(bad({ lines: [{ account: '6105', debitCents: 0.5, creditCents: 0 }, { account: '551', debitCents: 0, creditCents: 0.5 }] }))
      .toMatchObject({ code: 'entry.invalid_amount', details: { field: 'lines.0.debitCents' } });
    expect(bad({ lines: [{ account: '6105', debitCents: -5, creditCents: 0 }, { account: '551', debitCents: 0, creditCents: -5 }] }).code)
      .toBe('entry.invalid_amount');
    expect(bad({ lines: [{ account: '6105', debitCents: 1e12, creditCents: 0 }, { account: '551', debitCents: 0, creditCents: 1e12 }] }).code)
      .toBe('entry.amount_out_of_range');
    expect(bad({ lines: [{ account: '6105', debitCents: 5, creditCents: 5 }, { account: '551', debitCents: 0, creditCents: 0 }] }).code)
      .toBe('entry.invalid_line');
    expect(bad({ lines: [{ account: '8105', debitCents: 5, creditCents: 0 }, { account: '551', debitCents: 0, creditCents: 5 }] }))
      .toMatchObject({ code: 'entry.unknown_account', details: { field: 'lines.0.account' } });
    expect(bad({ journal: 'XYZ' as never }).code).toBe('entry.invalid_journal');
    expect(bad({ date: '2026-02-29' }).code).toBe('entry.invalid_date');
    expect(bad({ description: '  ' }).code).toBe('entry.invalid_description');
    expect(bad({ source: { type: 'Bad Type', id: '1' } }).details).toMatchObject({ field: 'source.type' });
    expect(bad({ source: { type: 'call', id: '' } }).details).toMatchObject({ field: 'source.id' });
  });
});

describe('checkAccounts', () => {
  const chart = new Map(PCMN_ACP.map((a) => [a.number, { isOwnerAccount: a.owner === true, isSupplierAccount: a.supplier === true }]));
  it('needs the owner on owner accounts and the supplier on 440', () => {
    const lines = checkEntry({ ...base, lines: [{ account: '4101', debitCents: 5, creditCents: 0 }, { account: '701', debitCents: 0, creditCents: 5 }] }).lines;
    expect(errorOf(() => checkAccounts(lines, chart))).toMatchObject({ code: 'entry.person_required', details: { field: 'lines.0.personId' } });
    const noSupplier = checkEntry({ ...base, lines: [{ account: '6105', debitCents: 5, creditCents: 0 }, { account: '440', debitCents: 0, creditCents: 5 }] }).lines;
    expect(errorOf(() => checkAccounts(noSupplier, chart)).code).toBe('entry.supplier_required');
    expect(() => checkAccounts(checkEntry(base).lines, chart)).not.toThrow();
    const unknown = checkEntry({ ...base, lines: [{ account: '6999', debitCents: 5, creditCents: 0 }, { account: '551', debitCents: 0, creditCents: 5 }] }).lines;
    expect(errorOf(() => checkAccounts(unknown, chart)).code).toBe('entry.unknown_account');
  });
});

describe('the PCMN chart data', () => {
  it('has unique numbers, owner flags on 410/4100/4101/415 and the supplier flag on 440 only', () => {
    expect(new Set(PCMN_ACP.map((a) => a.number)).size).toBe(PCMN_ACP.length);
    expect(PCMN_ACP.filter((a) => a.owner).map((a) => a.number)).toEqual(['410', '4100', '4101', '415']);
    expect(PCMN_ACP.filter((a) => a.supplier).map((a) => a.number)).toEqual(['440']);
    for (const a of PCMN_ACP) {
      const cls = Number(a.number[0]);
      expect(a.kind, a.number).toBe(cls === 6 ? 'charge' : cls === 7 ? 'product' : a.kind);
      if (cls <= 5) expect(['asset', 'liability'], a.number).toContain(a.kind);
    }
  });
});

describe('fiscal years', () => {
  it('finds the standard year of a date for any start, including 29 February', () => {
    expect(standardFiscalYear('2026-03-01', '01-01')).toEqual({ start: '2026-01-01', end: '2026-12-31' });
    expect(standardFiscalYear('2026-03-01', '07-01')).toEqual({ start: '2025-07-01', end: '2026-06-30' });
    expect(standardFiscalYear('2026-07-01', '07-01')).toEqual({ start: '2026-07-01', end: '2027-06-30' });
    expect(standardFiscalYear('2024-02-29', '02-29')).toEqual({ start: '2024-02-29', end: '2025-02-28' });
  });

  it('shortens a new year so that it never overlaps the existing ones', () => {
    const existing = [{ start: '2024-07-01', end: '2025-06-30' }];
    expect(fiscalYearFor('2025-09-01', '01-01', existing)).toEqual({ start: '2025-07-01', end: '2025-12-31' });
    expect(fiscalYearFor('2024-03-01', '01-01', existing)).toEqual({ start: '2024-01-01', end: '2024-06-30' });
  });

  it('labels, numbers and bounds fiscal years', () => {
    expect(fiscalYearLabel({ start: '2026-01-01', end: '2026-12-31' }, new Set())).toBe('2026');
    expect(fiscalYearLabel({ start: '2025-07-01', end: '2026-06-30' }, new Set())).toBe('2025/26');
    expect(fiscalYearLabel({ start: '2025-07-01', end: '2025-12-31' }, new Set(['2025']))).toBe('20250701-251231');
    expect(entryNumber('VEN', '2026', 42)).toBe('VEN-2026-00042');
    expect(oneYearFrom('2026-01-01')).toBe('2026-12-31');
    expect(oneYearFrom('2025-07-01')).toBe('2026-06-30');
    expect(() => checkPeriod({ start: '2026-01-01', end: '2027-12-31' })).not.toThrow();
    expect(errorOf(() => checkPeriod({ start: '2026-01-01', end: '2028-01-01' })).code).toBe('fiscal_year.invalid_period');
    expect(errorOf(() => checkPeriod({ start: '2026-01-01', end: '2025-12-31' })).details).toMatchObject({ field: 'endDate' });
  });
});

describe('reversedLines', () => {
  it('swaps debit and credit and keeps the rest', () => {
    expect(reversedLines([{ account: '4101', debitCents: 5, creditCents: 0, personId: 'p' }]))
      .toEqual([{ account: '4101', debitCents: 0, creditCents: 5, personId: 'p' }]);
  });
});
