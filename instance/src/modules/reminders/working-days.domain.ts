import { AppError } from '../../platform/errors.ts';
import { isIsoDate, legalValue } from '../../jurisdictions/be.ts';

/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD, UTC, no time of day) and Belgian working days,
 * for the post rule of Book XIX (rules doc §7, R30: a posted reminder's grace starts on the 3rd
 * working day after sending).
 *
 * Working day: not a Sunday, not a Belgian public holiday, and not a Saturday by default (whether
 * Saturday counts is `to verify`; the rules doc says to default to the later date, i.e. it does not).
 *
 * Belgian public holidays (Law of 4 Jan 1974 on public holidays; Royal Decree of 18 Apr 1974,
 * art. 1): seven fixed days plus Easter Monday, Ascension Day (Easter + 39) and Whit Monday
 * (Easter + 50). Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
 * The table is the BE pack's `calendar.publicHolidays`, with its legal reference.
 */

export interface WorkingDayOptions {
  /** Count Saturday as a working day (to verify; default false: the later date). */
  saturdayIsWorkingDay?: boolean | undefined;
}

const toUtc = (date: string): Date => {
  if (!isIsoDate(date)) {
    throw new AppError('reminder.invalid_date', `Expected a date as YYYY-MM-DD, got ${JSON.stringify(date)}`, { field: 'date', value: date });
  }
  return new Date(`${date}T00:00:00Z`);
};
const fromUtc = (d: Date): string => d.toISOString().slice(0, 10);
const DAY_MS = 86_400_000;

/** The date `days` calendar days after (or before, when negative) `date`. */
export function addDays(date: string, days: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtc(d);
}

/** Calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export const dayOfWeek = (date: string): number => toUtc(date).getUTCDay();

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm). */
export function easterSunday(year: number): string {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new AppError('reminder.invalid_year', `No Gregorian Easter for year ${year}`, { field: 'year', value: year });
  }
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const holidayCache = new Map<number, readonly string[]>();

/** The ten Belgian public holidays of a year, sorted. */
export function belgianPublicHolidays(year: number): readonly string[] {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const easter = easterSunday(year);
  const holidays = legalValue('calendar.publicHolidays');
  const days = [
    ...holidays.fixed.map((md) => `${String(year).padStart(4, '0')}-${md}`),
    ...holidays.easterOffsets.map((n) => addDays(easter, n)),
  ].sort();
  const frozen = Object.freeze(days);
  holidayCache.set(year, frozen);
  return frozen;
}

export const isPublicHoliday = (date: string): boolean =>
  belgianPublicHolidays(Number(date.slice(0, 4))).includes(date);

/** A day on which post is processed: not Sunday, not a public holiday, not Saturday unless told. */
export function isWorkingDay(date: string, options: WorkingDayOptions = {}): boolean {
  const dow = dayOfWeek(date);
  if (dow === 0) return false;
  if (dow === 6 && !options.saturdayIsWorkingDay) return false;
  return !isPublicHoliday(date);
}

/** The `n`-th working day strictly after `date` (n ≥ 1). */
export function nthWorkingDayAfter(date: string, n: number, options: WorkingDayOptions = {}): string {
  if (!Number.isInteger(n) || n < 1) {
    throw new AppError('reminder.invalid_days', 'The number of working days must be a whole number ≥ 1', { field: 'n', value: n });
  }
  let day = date;
  let left = n;
  while (left > 0) {
    day = addDays(day, 1);
    if (isWorkingDay(day, options)) left -= 1;
  }
  return day;
}

/** The later of two ISO dates. */
export const maxDate = (a: string, b: string): string => (a >= b ? a : b);
