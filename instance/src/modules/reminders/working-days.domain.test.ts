import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../test/support/errors.ts';
import {
  addDays, belgianPublicHolidays, dayOfWeek, daysBetween, easterSunday, isPublicHoliday, isWorkingDay, nthWorkingDayAfter,
} from './working-days.domain.ts';

describe('Easter (anonymous Gregorian algorithm)', () => {
  it.each([
    [2019, '2019-04-21'], [2020, '2020-04-12'], [2021, '2021-04-04'], [2022, '2022-04-17'], [2023, '2023-04-09'],
    [2024, '2024-03-31'], [2025, '2025-04-20'], [2026, '2026-04-05'], [2027, '2027-03-28'], [2038, '2038-04-25'],
    [2285, '2285-03-22'], // earliest possible date
  ])('%i → %s', (year, easter) => {
    expect(easterSunday(year)).toBe(easter);
    expect(dayOfWeek(easter)).toBe(0);
  });

  it('refuses years before the Gregorian calendar', () => {
    expect(codeOf(() => easterSunday(1500)).code).toBe('reminder.invalid_year');
  });
});

describe('Belgian public holidays', () => {
  it('are the ten legal days of 2024', () => {
    expect(belgianPublicHolidays(2024)).toEqual([
      '2024-01-01', '2024-04-01', '2024-05-01', '2024-05-09', '2024-05-20', '2024-07-21', '2024-08-15', '2024-11-01', '2024-11-11', '2024-12-25',
    ]);
  });

  it('move with Easter (2025: Easter Monday 21 Apr, Ascension 29 May, Whit Monday 9 Jun)', () => {
    for (const d of ['2025-04-21', '2025-05-29', '2025-06-09']) expect(isPublicHoliday(d)).toBe(true);
    expect(isPublicHoliday('2025-04-20')).toBe(false); // Easter Sunday is a Sunday anyway, not in the list
  });
});

describe('working days', () => {
  it('exclude Sundays, holidays and, by default, Saturdays', () => {
    expect(isWorkingDay('2024-03-04')).toBe(true); // Monday
    expect(isWorkingDay('2024-03-02')).toBe(false); // Saturday
    expect(isWorkingDay('2024-03-02', { saturdayIsWorkingDay: true })).toBe(true);
    expect(isWorkingDay('2024-03-03', { saturdayIsWorkingDay: true })).toBe(false); // Sunday
    expect(isWorkingDay('2024-04-01')).toBe(false); // Easter Monday
  });

  it('R30: the 3rd working day after Fri 1 Mar 2024 is Wed 6 Mar (Tue 5 Mar if Saturday counted)', () => {
    expect(nthWorkingDayAfter('2024-03-01', 3)).toBe('2024-03-06');
    expect(nthWorkingDayAfter('2024-03-01', 3, { saturdayIsWorkingDay: true })).toBe('2024-03-05');
  });

  it('skip the Easter weekend and Easter Monday', () => {
    // Thu 28 Mar 2024 → Fri 29, (Sat, Sun, Easter Mon 1 Apr skipped) Tue 2, Wed 3
    expect(nthWorkingDayAfter('2024-03-28', 3)).toBe('2024-04-03');
    // Christmas week 2024: Tue 24 Dec → (25 holiday) 26, 27, (weekend) Mon 30
    expect(nthWorkingDayAfter('2024-12-24', 3)).toBe('2024-12-30');
  });

  it('refuse a count below 1 and invalid dates', () => {
    expect(codeOf(() => nthWorkingDayAfter('2024-03-01', 0)).code).toBe('reminder.invalid_days');
    expect(codeOf(() => addDays('2023-02-29', 1))).toEqual({ code: 'reminder.invalid_date', details: { field: 'date', value: '2023-02-29' } });
  });

  it('property: the n-th working day is a working day, strictly later, within n + 10 days', () => {
    const date = fc.integer({ min: 0, max: 365 * 30 }).map((n) => addDays('2010-01-01', n));
    fc.assert(fc.property(date, fc.integer({ min: 1, max: 10 }), fc.boolean(), (d, n, sat) => {
      const r = nthWorkingDayAfter(d, n, { saturdayIsWorkingDay: sat });
      expect(isWorkingDay(r, { saturdayIsWorkingDay: sat })).toBe(true);
      expect(daysBetween(d, r)).toBeGreaterThanOrEqual(n);
      expect(daysBetween(d, r)).toBeLessThanOrEqual(2 * n + 8);
      // counting Saturdays never gives a later date
      expect(nthWorkingDayAfter(d, n, { saturdayIsWorkingDay: true }) <= nthWorkingDayAfter(d, n)).toBe(true);
    }));
  });

  it('daysBetween and addDays are inverse', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-31', -31)).toBe('2024-02-29');
  });
});
