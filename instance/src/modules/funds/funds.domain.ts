import { AppError } from '../../platform/errors.ts';

/**
 * Budgets and funds: date arithmetic and the reserve-fund minimum (C. civ. art. 3.86 §3,
 * belgian-rules.md §4.1, R23). Pure rules.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function dateOf(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(day, daysInMonth(year, month)))}`;
}

/** Adds days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Adds whole years; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return dateOf(y + years, m, d);
}

/** The legal parameters of the rule (jurisdiction pack keys funds.reserve.*). */
export interface ReserveRule { minAnnualRateBp: number; mandatoryAfterYears: number; legalRef: string }

export type ReserveApplicability = 'acceptance_5_years_ago' | 'acceptance_date_unknown' | 'building_younger_than_5_years';

export interface ReserveMinimumInput {
  /** First day of the budget's fiscal year. */
  startsOn: string;
  /** Réception provisoire of the common parts; null when not recorded. */
  acceptanceDate: string | null;
  /** Ordinary charges of the previous fiscal year; null when unknown. */
  previousOrdinaryChargesCents: number | null;
  /** Contributions to the reserve fund planned for the year. */
  reserveCents: number;
  optedOut: boolean;
}

export interface ReserveMinimum {
  applies: boolean;
  reason: ReserveApplicability;
  minimumCents: number | null;
  belowMinimum: boolean;
}

/**
 * R23. The obligation applies to a fiscal year that starts at least `mandatoryAfterYears` after the
 * réception provisoire; when that date is not recorded it is assumed to apply (the exemption of a
 * young building must be shown). Minimum = ⌈charges × rate⌉, so "contributions ≥ 5 % of the
 * charges" holds exactly in integers. Flag only when the charges are known and no opt-out exists.
 */
export function reserveMinimum(input: ReserveMinimumInput, rule: ReserveRule): ReserveMinimum {
  const reason: ReserveApplicability = input.acceptanceDate === null ? 'acceptance_date_unknown'
    : addYears(input.acceptanceDate, rule.mandatoryAfterYears) <= input.startsOn ? 'acceptance_5_years_ago'
      : 'building_younger_than_5_years';
  const applies = reason !== 'building_younger_than_5_years';
  const charges = input.previousOrdinaryChargesCents;
  const minimumCents = charges === null ? null : ceilDiv(BigInt(charges) * BigInt(rule.minAnnualRateBp), 10_000n);
  const belowMinimum = applies && minimumCents !== null && !input.optedOut && input.reserveCents < minimumCents;
  return { applies, reason, minimumCents, belowMinimum };
}

function ceilDiv(a: bigint, b: bigint): number {
  return Number((a + b - 1n) / b);
}

/** The assembly decision an opt-out must cite: dated no later than today. */
export function checkOptOut(input: { decisionDate: string; reference: string }, today: string): void {
  if (input.decisionDate > today) {
    throw new AppError('budget.opt_out_decision_in_future', 'The assembly decision cannot be dated after today',
      { field: 'decisionDate', decisionDate: input.decisionDate, today });
  }
}
