import { isIsoDate, legalValue } from '../../jurisdictions/be.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * VAT on supplier invoices (belgian-rules.md §9). The ACP is not VAT-liable: it books charges
 * VAT-included, but keeps the rate and the VAT of every line.
 *
 * Rates are basis points (2100 = 21 %), from the BE pack. Rounding rule, per line:
 *   vat = net × rate / 10 000, computed exactly (BigInt), then rounded to the cent HALF AWAY FROM
 *   ZERO (0.5 cent → 1 cent, −0.5 cent → −1 cent, so a credit note mirrors its invoice exactly).
 * Invoice totals are the sums of the rounded lines (never a rate applied to a total), so the
 * lines always add up to the invoice. A supplier that rounds per rate total may differ by a cent
 * per line from ours; the expense then stores the lines as we compute them.
 *
 *   vatCents(50_000, 2100)  = 10_500   (E1: 500.00 € at 21 % = 105.00 €)
 *   vatCents(799_057, 600)  = 47_943   (E8: 7 990.57 € × 6 % = 479.4342 € → 479.43 €)
 *   vatCents(250, 2100)     = 53       (2.50 € × 21 % = 0.525 € → 0.53 €, half away from zero)
 */
export const VAT_RATES_BP: readonly number[] = Object.freeze([
  legalValue('vat.rate.zero'), legalValue('vat.rate.reduced'), legalValue('vat.rate.intermediate'), legalValue('vat.rate.standard'),
]);

export const REDUCED_RATE_BP: number = legalValue('vat.rate.reduced');

export const isVatRate = (rateBp: unknown): rateBp is number => typeof rateBp === 'number' && VAT_RATES_BP.includes(rateBp);

/** What a line of works is, for the 6 % renovation check. The wire schema mirrors this list (money.v1.ts). */
export const VAT_WORK_KINDS = [
  'renovation', 'repair', 'maintenance', 'transformation', 'rehabilitation', 'improvement',
  'fossilBoiler', 'heatPump',
  'cleaning', 'gardening', 'fencing', 'swimmingPool', 'sauna',
  'service', 'supply', 'other',
] as const;
export type VatWorkKind = (typeof VAT_WORK_KINDS)[number];

/** Immovable works of condition 1 (transformation, renovation, rehabilitation, improvement, repair, maintenance). */
const IMMOVABLE_WORKS: readonly VatWorkKind[] = [
  'renovation', 'repair', 'maintenance', 'transformation', 'rehabilitation', 'improvement', 'fossilBoiler', 'heatPump',
];

/** The VAT of one line, by the rounding rule above. */
export function vatCents(netCents: number, rateBp: number, field = 'netCents', rateField = 'rateBp'): number {
  if (!Number.isSafeInteger(netCents)) {
    throw new AppError('vat.invalid_amount', 'The net amount must be a whole number of cents', { field });
  }
  assertRate(rateBp, rateField);
  const vat = Number(divideHalfAwayFromZero(BigInt(netCents) * BigInt(rateBp), 10_000n));
  if (!Number.isSafeInteger(netCents + vat)) {
    throw new AppError('vat.invalid_amount', 'The amount is out of range', { field });
  }
  return vat;
}

export interface VatLine { netCents: number; rateBp: number }
export interface VatLineTotals { netCents: number; rateBp: number; vatCents: number; grossCents: number }
export interface InvoiceTotals {
  lines: VatLineTotals[];
  netCents: number;
  vatCents: number;
  grossCents: number;
  /** One row per rate used, ascending: the VAT summary printed on an invoice. */
  byRate: { rateBp: number; netCents: number; vatCents: number; grossCents: number }[];
}

/** Line VAT and totals of an invoice; errors name the line (`lines.2.rateBp`). */
export function invoiceTotals(lines: readonly VatLine[]): InvoiceTotals {
  const computed = lines.map((l, i) => {
    const vat = vatCents(l.netCents, l.rateBp, `lines.${i}.netCents`, `lines.${i}.rateBp`);
    return { netCents: l.netCents, rateBp: l.rateBp, vatCents: vat, grossCents: l.netCents + vat };
  });
  const sum = (rows: readonly VatLineTotals[], f: 'netCents' | 'vatCents' | 'grossCents') => {
    const total = rows.reduce((acc, r) => acc + r[f], 0);
    if (!Number.isSafeInteger(total)) throw new AppError('vat.invalid_amount', 'The invoice total is out of range', { field: 'lines' });
    return total;
  };
  const rates = [...new Set(computed.map((l) => l.rateBp))].sort((a, b) => a - b);
  return {
    lines: computed,
    netCents: sum(computed, 'netCents'),
    vatCents: sum(computed, 'vatCents'),
    grossCents: sum(computed, 'grossCents'),
    byRate: rates.map((rateBp) => {
      const rows = computed.filter((l) => l.rateBp === rateBp);
      return { rateBp, netCents: sum(rows, 'netCents'), vatCents: sum(rows, 'vatCents'), grossCents: sum(rows, 'grossCents') };
    }),
  };
}

export interface ReducedRateInput {
  rateBp: number;
  workKind: VatWorkKind;
  /** Year the building was first occupied; null when unknown. */
  buildingFirstOccupiedYear: number | null;
  /** Used wholly or mainly as private housing after the works (mixed buildings: predominant use). */
  residential: boolean;
  /** YYYY-MM-DD: the rules in force on this date apply. */
  invoiceDate: string;
}

/**
 * The 6 % renovation conditions (§9, R33), checked only when `rateBp` is the reduced rate;
 * any other known rate passes. Returns the refusal (an AppError, 422) or null:
 *   vat.unknown_rate                          the rate is not 0, 6, 12 or 21 %      (field rateBp)
 *   vat.invalid_date / vat.unknown_work_kind / vat.invalid_first_occupied_year      (their field)
 *   vat.reduced_rate_excluded_work            cleaning, gardening, fencing, pools, saunas
 *   vat.reduced_rate_not_renovation           not immovable works (services, supplies…)
 *   vat.reduced_rate_fossil_boiler            a fossil-fuel boiler invoiced from 2025-07-29
 *   vat.reduced_rate_not_residential          the building is not mainly private housing
 *   vat.reduced_rate_building_age_unknown     no first-occupation year recorded
 *   vat.reduced_rate_building_too_recent      first occupied less than 10 years before (5 before 2016-02-12)
 * A refusal of 6 % names `rateBp` as its field and the failed condition in `details.condition`.
 * Age: only the year of first occupation is recorded, so the age is counted in calendar years,
 * invoice year − first-occupation year ≥ 10 (2012 → 2022 accepted, as in R33); the exact day
 * count is to verify. The invoice date stands for the date the VAT becomes due.
 */
export function reducedRateRefusal(input: ReducedRateInput): AppError | null {
  const { rateBp, workKind, buildingFirstOccupiedYear: year, residential, invoiceDate } = input;
  if (!isVatRate(rateBp)) return unknownRate(rateBp, 'rateBp');
  if (rateBp !== REDUCED_RATE_BP) return null;
  if (typeof invoiceDate !== 'string' || !isIsoDate(invoiceDate)) {
    return new AppError('vat.invalid_date', 'The invoice date must be YYYY-MM-DD', { field: 'invoiceDate' });
  }
  if (!(VAT_WORK_KINDS as readonly string[]).includes(workKind)) {
    return new AppError('vat.unknown_work_kind', `Unknown kind of work: ${String(workKind)}`, { field: 'workKind', allowed: VAT_WORK_KINDS });
  }
  const refuse = (code: string, message: string, condition: string, extra: Record<string, unknown> = {}) =>
    new AppError(code, message, { field: 'rateBp', condition, rateBp, workKind, ...extra });
  if ((legalValue('vat.reno6.excludedWorks') as readonly string[]).includes(workKind)) {
    return refuse('vat.reduced_rate_excluded_work', `6 % VAT never applies to ${workKind} (21 %)`, 'workKind');
  }
  if (!IMMOVABLE_WORKS.includes(workKind)) {
    return refuse('vat.reduced_rate_not_renovation', '6 % VAT applies only to renovation, repair or maintenance works on a dwelling', 'workKind');
  }
  if (workKind === 'fossilBoiler' && !legalValue('vat.reno6.fossilBoilerEligible', invoiceDate)) {
    return refuse('vat.reduced_rate_fossil_boiler', 'Fossil-fuel boilers are at 21 % VAT since 2025-07-29', 'workKind', { invoiceDate });
  }
  if (residential !== true) {
    return refuse('vat.reduced_rate_not_residential', '6 % VAT needs a building used wholly or mainly as private housing', 'residential');
  }
  if (year === null || year === undefined) {
    return refuse('vat.reduced_rate_building_age_unknown', "6 % VAT needs the building's first-occupation year", 'buildingFirstOccupiedYear');
  }
  if (!Number.isSafeInteger(year) || year < 1000 || year > 9999) {
    return new AppError('vat.invalid_first_occupied_year', 'The first-occupation year must be a four-digit year', { field: 'buildingFirstOccupiedYear' });
  }
  const minAgeYears = legalValue('vat.reno6.minDwellingAgeYears', invoiceDate);
  const invoiceYear = Number(invoiceDate.slice(0, 4));
  if (invoiceYear - year < minAgeYears) {
    return refuse('vat.reduced_rate_building_too_recent',
      `6 % VAT needs a dwelling first occupied at least ${minAgeYears} years before the works (first occupied ${year})`,
      'buildingFirstOccupiedYear', { minAgeYears, buildingFirstOccupiedYear: year, invoiceYear });
  }
  return null;
}

/** Throws the refusal of `reducedRateRefusal`, if any. */
export function checkReducedRate(input: ReducedRateInput): void {
  const refusal = reducedRateRefusal(input);
  if (refusal) throw refusal;
}

function assertRate(rateBp: number, field: string): void {
  if (!isVatRate(rateBp)) throw unknownRate(rateBp, field);
}

function unknownRate(rateBp: unknown, field: string): AppError {
  return new AppError('vat.unknown_rate', `Unknown VAT rate ${String(rateBp)} (basis points); allowed: ${VAT_RATES_BP.join(', ')}`,
    { field, allowed: VAT_RATES_BP });
}

/** n / d rounded to the nearest integer, halves away from zero (d > 0). */
export function divideHalfAwayFromZero(n: bigint, d: bigint): bigint {
  const negative = n < 0n;
  const a = negative ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return negative ? -q : q;
}
