import { dated, one } from './pack.ts';
import type { IndemnityBrackets, ParamVersion } from './types.ts';

/**
 * BE pack: collection of owners' arrears (belgian-rules.md §7), CDE Book XIX "Dettes du
 * consommateur" inserted by the law of 4 May 2023 (M.B. 23 May 2023), applied by default as a
 * safe harbour (consumer-safe mode). Interest rates are dated data, never constants.
 *
 * Known gaps (the rules doc gives no value): the law-2002 commercial rate for 2023 H2 and
 * 2025 H2. `legalParam('collection.interest.commercialRateBp', date)` throws
 * `jurisdiction.no_value` for those dates rather than guess.
 */
const XIX = 'CDE Book XIX';
const LAW_2002 = 'Law of 2 Aug 2002 on late payment in commercial transactions';
const LEGAL_RATE = 'Law of 5 May 1865 on the loan at interest (art. 2, to verify)';

const indemnity: IndemnityBrackets = {
  // B ≤ 150 € → 20 €; 150 € < B ≤ 500 € → 30 € + 10 % of B above 150 €;
  // B > 500 € → 65 € + 5 % of B above 500 €, at most 2 000 € (reached at B = 39 200 €).
  brackets: [
    { upToCents: 15_000, baseCents: 2_000, rateBp: 0, overCents: 0 },
    { upToCents: 50_000, baseCents: 3_000, rateBp: 1_000, overCents: 15_000 },
    { upToCents: null, baseCents: 6_500, rateBp: 500, overCents: 50_000 },
  ],
  maxCents: 200_000,
  rounding: 'down',
};

const civilRate = (year: number, bp: number): ParamVersion<number> => ({
  value: bp, unit: 'basisPoints', legalRef: LEGAL_RATE, confidence: 'confirmed', override: 'none',
  validFrom: `${year}-01-01`, validTo: `${year}-12-31`,
  note: 'legal rate in civil matters: 1-year Euribor December average, rounded up to 1/4, + 2 points; simple interest',
});

const commercialRate = (validFrom: string, validTo: string, bp: number, confidence: 'confirmed' | 'to-verify' = 'confirmed'): ParamVersion<number> => ({
  value: bp, unit: 'basisPoints', legalRef: LAW_2002, confidence, override: 'none', validFrom, validTo,
  note: 'ECB reference rate + 8 points, set per half-year; the cap of a contractual rate in consumer-safe mode',
});

/** Belgian public holidays: fixed days (MM-DD) and days after Easter Sunday. */
const publicHolidays = {
  /** New Year, Labour Day, National Day, Assumption, All Saints, Armistice, Christmas. */
  fixed: ['01-01', '05-01', '07-21', '08-15', '11-01', '11-11', '12-25'],
  /** Easter Monday, Ascension Day, Whit Monday. */
  easterOffsets: [1, 39, 50],
};

export const BE_COLLECTION = {
  'collection.xix.contractsFrom': one({
    value: '2023-09-01', unit: 'date', legalRef: 'Law of 4 May 2023 (M.B. 23 May 2023)', confidence: 'confirmed', override: 'none',
    note: 'Book XIX applies to contracts concluded from this date',
  }),
  'collection.xix.olderContractsDebtsFrom': one({
    value: '2023-12-01', unit: 'date', legalRef: 'Law of 4 May 2023 (M.B. 23 May 2023)', confidence: 'confirmed', override: 'none',
    note: 'and to debts falling due from this date under older contracts',
  }),
  'collection.firstReminder.feeCents': one({
    value: 0, unit: 'eurCents', comparator: '<=', legalRef: `${XIX}, art. XIX.2`, confidence: 'confirmed', override: 'none',
    note: 'the first reminder is free: no fee, no interest, no indemnity (R29)',
  }),
  'collection.graceDays': one({
    value: 14, unit: 'calendarDays', comparator: '>=', legalRef: `${XIX}, art. XIX.2`, confidence: 'confirmed', override: 'stricterOnly',
    note: 'after the first reminder, before any damages clause applies',
  }),
  'collection.graceStart.post': one({
    value: 3, unit: 'workingDays', legalRef: `${XIX}, art. XIX.2`, confidence: 'confirmed', override: 'none',
    note: 'a posted reminder: the grace period starts on the 3rd working day after sending; whether Saturday is a working day is to verify (default: it is not, the later date)',
  }),
  'collection.graceStart.electronic': one({
    value: 1, unit: 'calendarDays', legalRef: `${XIX}, art. XIX.2`, confidence: 'confirmed', override: 'none',
    note: 'an electronic reminder: the grace period starts the calendar day after sending',
  }),
  'collection.laterReminder.maxFeeCents': one({
    value: 750, unit: 'eurCents', comparator: '<=', legalRef: `${XIX} (article: to verify)`, confidence: 'confirmed', override: 'none',
    note: 'plus postage, per later reminder',
  }),
  'collection.regularSupply.freeDueDatesPerYear': one({
    value: 3, unit: 'count', legalRef: XIX, confidence: 'confirmed', override: 'none',
    note: 'missed due dates per calendar year with free reminders; whether periodic calls for funds count is to verify',
  }),
  'collection.indemnity.brackets': one({
    value: indemnity, unit: 'table', comparator: '<=', legalRef: `${XIX}, art. XIX.4 (article: to verify)`, confidence: 'confirmed', override: 'none',
    note: 'cap of the one flat indemnity per debt, by balance still due; the balance used is to verify',
  }),
  'collection.interest.capRef': one({
    value: 'commercialLatePaymentRate', unit: 'code', legalRef: `${XIX}; ${LAW_2002}`, confidence: 'confirmed', override: 'none',
    note: 'a contractual rate above collection.interest.commercialRateBp is void in consumer-safe mode: the legal civil rate applies (R32)',
  }),
  'collection.interest.default': one({
    value: 'legalCivilRate', unit: 'code', legalRef: LEGAL_RATE, confidence: 'confirmed', override: 'none',
    note: 'without a clause, late interest runs at collection.interest.legalCivilRateBp for the period',
  }),
  'collection.interest.legalCivilRateBp': dated(
    civilRate(2022, 150), civilRate(2023, 525), civilRate(2024, 575), civilRate(2025, 450), civilRate(2026, 450),
  ),
  'collection.interest.commercialRateBp': dated(
    commercialRate('2022-07-01', '2022-12-31', 800),
    commercialRate('2023-01-01', '2023-06-30', 1050),
    commercialRate('2024-01-01', '2024-12-31', 1250),
    commercialRate('2025-01-01', '2025-06-30', 1150),
    commercialRate('2026-01-01', '2026-06-30', 1050, 'to-verify'),
  ),
  'collection.consumerSafe.default': one({
    value: true, unit: 'flag', legalRef: `product choice: ${XIX} applied as a safe harbour (rules doc §7)`, confidence: 'product-choice', override: 'none',
    note: 'switched off per ACP only with a recorded legal basis (ROI clause or AG decision), audit-logged',
  }),
  'collection.gentle.legalMinDelayDays': one({
    value: 1, unit: 'calendarDays', comparator: '>=', legalRef: `${XIX}, art. XIX.2`, confidence: 'confirmed', override: 'none',
    note: 'the first reminder may be sent at the earliest the day after the due date',
  }),
  'collection.gentle.delayDays': one({
    value: 10, unit: 'calendarDays', legalRef: 'product choice (rules doc §7.1), at least collection.gentle.legalMinDelayDays', confidence: 'product-choice', override: 'none',
    note: 'days after the due date before the first (gentle) reminder',
  }),
  'collection.formalToFinalDays': one({
    value: 14, unit: 'calendarDays', legalRef: 'product choice (rules doc §7.1)', confidence: 'product-choice', override: 'none',
    note: 'between the formal reminder and the final notice (mise en demeure)',
  }),
  'collection.interest.dayBasis': one({
    value: 365, unit: 'count', legalRef: 'product choice (rules doc §7: simple interest, actual days / 365 also in leap years; to verify)',
    confidence: 'product-choice', override: 'none',
    note: 'days in a year of late interest: each day accrues balance × rate / dayBasis',
  }),
  'calendar.publicHolidays': one({
    value: publicHolidays, unit: 'table', legalRef: 'Law of 4 Jan 1974 on public holidays; Royal Decree of 18 Apr 1974, art. 1',
    confidence: 'confirmed', override: 'none',
    note: 'not working days for the post rule of Book XIX (a posted reminder\'s grace starts on the 3rd working day after sending)',
  }),
  'collection.finalNotice.deadlineDays': one({
    value: 14, unit: 'calendarDays', legalRef: 'product choice (rules doc §7.1)', confidence: 'product-choice', override: 'none',
    note: 'last deadline given by the final notice',
  }),
} as const;
