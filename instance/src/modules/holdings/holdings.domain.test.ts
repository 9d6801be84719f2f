import { describe, expect, it } from 'vitest';
import { fraction } from './fraction.domain.ts';
import { errorOf } from '../../../test/support/errors.ts';
import {
  activeAt, checkAddition, checkClose, defaultFlags, firstExcess, isComplete, planTransfer, toNewHoldings,
  type HoldingRequest, type Right, type Span,
} from './holdings.domain.ts';

const span = (right: Right, n: number, d: number, validFrom: string, validTo: string | null = null, id = `${right}-${n}/${d}-${validFrom}`) =>
  ({ id, right, part: fraction(n, d), validFrom, validTo });
const req = (personId: string, right: Right, numerator: number, denominator: number): HoldingRequest =>
  ({ personId, right, part: { numerator, denominator } });


describe('default flags', () => {
  it('follow the right', () => {
    expect(defaultFlags('full')).toEqual({ votes: true, paysOrdinary: true, paysExtraordinary: true });
    expect(defaultFlags('usufruct')).toEqual({ votes: true, paysOrdinary: true, paysExtraordinary: false });
    expect(defaultFlags('bare')).toEqual({ votes: false, paysOrdinary: false, paysExtraordinary: true });
  });

  it('keep flags given explicitly', () => {
    const [h] = toNewHoldings([{ ...req('p1', 'bare', 1, 1), votes: true }]);
    expect(h).toMatchObject({ votes: true, paysOrdinary: false, paysExtraordinary: true });
  });
});

describe('completeness with split rights', () => {
  it('is complete for full 1/3 × 3', () => {
    expect(isComplete([span('full', 1, 3, '2020-01-01'), span('full', 1, 3, '2020-01-01'), span('full', 1, 3, '2020-01-01')])).toBe(true);
  });

  it('is complete for usufruct 1 + bare 1/2 + bare 1/2', () => {
    expect(isComplete([span('usufruct', 1, 1, '2020-01-01'), span('bare', 1, 2, '2020-01-01'), span('bare', 1, 2, '2020-01-01')])).toBe(true);
  });

  it('is incomplete with usufruct alone, or with the title side short', () => {
    expect(isComplete([span('usufruct', 1, 1, '2020-01-01')])).toBe(false);
    expect(isComplete([span('full', 1, 2, '2020-01-01'), span('usufruct', 1, 2, '2020-01-01')])).toBe(false);
    expect(isComplete([span('full', 1, 2, '2020-01-01'), span('usufruct', 1, 2, '2020-01-01'), span('bare', 1, 2, '2020-01-01')])).toBe(true);
  });

  it('reads the holders active at a date (validTo exclusive)', () => {
    const hs = [span('full', 1, 1, '2010-01-01', '2020-06-15'), span('full', 1, 1, '2020-06-15')];
    expect(activeAt(hs, '2020-06-14')).toEqual([hs[0]]);
    expect(activeAt(hs, '2020-06-15')).toEqual([hs[1]]);
    expect(activeAt(hs, '2009-12-31')).toEqual([]);
  });
});

describe('parts never exceed the whole', () => {
  it('finds the first date where a side exceeds 1', () => {
    const hs: Span[] = [span('full', 1, 2, '2020-01-01'), span('full', 2, 3, '2021-01-01')];
    expect(firstExcess(hs)).toEqual({ date: '2021-01-01', side: 'enjoyment', parts: '7/6' });
  });

  it('does not count holdings that ended before', () => {
    expect(firstExcess([span('full', 1, 1, '2010-01-01', '2015-01-01'), span('full', 1, 1, '2015-01-01')])).toBeNull();
  });

  it('lets usufruct and bare ownership add up to 1 each', () => {
    expect(firstExcess([span('usufruct', 1, 1, '2020-01-01'), span('bare', 1, 1, '2020-01-01')])).toBeNull();
    expect(firstExcess([span('full', 1, 2, '2020-01-01'), span('bare', 2, 3, '2020-01-01')])?.side).toBe('title');
  });

  it('adds holdings while the parts allow, from a date', () => {
    const existing = [span('full', 1, 2, '2020-01-01')];
    expect(() => checkAddition(existing, toNewHoldings([req('b', 'full', 1, 2)]), '2020-01-01')).not.toThrow();
    const e = errorOf(() => checkAddition(existing, toNewHoldings([req('b', 'full', 2, 3)]), '2020-03-01'));
    expect(e.code).toBe('holding.parts_exceed_whole');
    expect(e.details).toMatchObject({ field: 'holdings', date: '2020-03-01', parts: '7/6' });
  });

  it('checks a future start of an existing holding against an earlier addition', () => {
    const existing = [span('full', 1, 2, '2025-01-01')];
    expect(errorOf(() => checkAddition(existing, toNewHoldings([req('b', 'full', 2, 3)]), '2020-01-01')).details)
      .toMatchObject({ date: '2025-01-01' });
  });
});

describe('requested holdings', () => {
  it('refuses a part above 1 or a duplicate person and right', () => {
    expect(errorOf(() => toNewHoldings([req('a', 'full', 3, 2)])).details).toEqual({ field: 'holdings.0.part' });
    const dup = errorOf(() => toNewHoldings([req('a', 'full', 1, 2), req('a', 'full', 1, 2)]));
    expect([dup.code, dup.details]).toEqual(['holding.duplicate_holder', { field: 'holdings.1.personId' }]);
  });
});

describe('transfers', () => {
  const current = [span('full', 1, 2, '2015-01-01', null, 'h1'), span('full', 1, 2, '2015-01-01', null, 'h2')];
  const past = span('full', 1, 1, '2010-01-01', '2015-01-01', 'h0');

  it('closes every running holding and opens a complete set', () => {
    const plan = planTransfer([past, ...current], '2022-05-01', toNewHoldings([req('x', 'full', 1, 1)]));
    expect(plan.close).toEqual(['h1', 'h2']);
  });

  it('accepts a split-right set', () => {
    const incoming = toNewHoldings([req('u', 'usufruct', 1, 1), req('b1', 'bare', 1, 2), req('b2', 'bare', 1, 2)]);
    expect(planTransfer(current, '2022-05-01', incoming).close).toEqual(['h1', 'h2']);
  });

  it('refuses an incomplete new set', () => {
    const e = errorOf(() => planTransfer(current, '2022-05-01', toNewHoldings([req('x', 'full', 1, 2)])));
    expect(e.code).toBe('holding.transfer_incomplete');
    expect(e.details).toMatchObject({ field: 'holdings', enjoymentParts: '1/2', titleParts: '1/2' });
    expect(errorOf(() => planTransfer(current, '2022-05-01', toNewHoldings([req('u', 'usufruct', 1, 1)]))).code)
      .toBe('holding.transfer_incomplete');
  });

  it('refuses a new set exceeding the whole', () => {
    const e = errorOf(() => planTransfer(current, '2022-05-01', toNewHoldings([req('x', 'full', 1, 2), req('y', 'full', 2, 3)])));
    expect(e.code).toBe('holding.parts_exceed_whole');
  });

  it('needs a date after the start of the holdings it closes', () => {
    const incoming = toNewHoldings([req('x', 'full', 1, 1)]);
    expect(errorOf(() => planTransfer(current, '2015-01-01', incoming)).details).toEqual({ field: 'date', latestValidFrom: '2015-01-01' });
    expect(errorOf(() => planTransfer(current, '2014-12-31', incoming)).code).toBe('holding.transfer_date_invalid');
    // a past holding that ended before the date does not matter; one that ends after it is history and cannot be cut
    expect(planTransfer([past], '2016-01-01', incoming).close).toEqual([]);
    expect(errorOf(() => planTransfer([past], '2012-01-01', incoming)).code).toBe('holding.transfer_date_invalid');
  });

  it('registers the first holders of a lot without history', () => {
    expect(planTransfer([], '2020-01-01', toNewHoldings([req('x', 'full', 1, 1)])).close).toEqual([]);
  });
});

describe('closing one holding', () => {
  it('needs a current holding and a date after its start', () => {
    expect(() => checkClose(span('usufruct', 1, 1, '2020-01-01'), '2024-01-01')).not.toThrow();
    expect(errorOf(() => checkClose(span('usufruct', 1, 1, '2020-01-01', '2021-01-01'), '2024-01-01')).code).toBe('holding.already_closed');
    expect(errorOf(() => checkClose(span('usufruct', 1, 1, '2020-01-01'), '2020-01-01')).code).toBe('holding.close_date_invalid');
  });
});

describe('transfers and recorded history', () => {
  it('refuses a transfer dated inside a holding that already has a later end (no rewriting of history)', () => {
    const closed = { ...span('full', 1, 1, '2010-01-01', '2015-01-01'), id: 'h1' };
    const incoming = toNewHoldings([req('p2', 'full', 1, 1)]);
    const err = errorOf(() => planTransfer([closed], '2012-06-30', incoming));
    expect(err.code).toBe('holding.transfer_date_invalid');
    expect(err.details).toMatchObject({ field: 'date', latestValidTo: '2015-01-01' });
    expect(planTransfer([closed], '2015-01-01', incoming).close).toEqual([]);
  });
});

describe('adding holders', () => {
  it('refuses a person who already holds the same right over that period, across separate calls', () => {
    const existing = [{ ...span('full', 1, 2, '2020-01-01'), personId: 'p1' }];
    const again = toNewHoldings([req('p1', 'full', 1, 4)]);
    const err = errorOf(() => checkAddition(existing, again, '2021-01-01'));
    expect(err.code).toBe('holding.duplicate_holder');
    expect(err.details).toEqual({ field: 'holdings.0.personId' });
    expect(() => checkAddition(existing, toNewHoldings([req('p2', 'full', 1, 4)]), '2021-01-01')).not.toThrow();
    const ended = [{ ...span('full', 1, 2, '2010-01-01', '2015-01-01'), personId: 'p1' }];
    expect(() => checkAddition(ended, again, '2016-01-01')).not.toThrow();
  });
});
