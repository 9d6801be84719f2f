import { AppError } from '../../platform/errors.ts';
import { legalValue } from '../../jurisdictions/be.ts';
import { balanceOn, type Payment } from './interest.domain.ts';
import { addDays, maxDate, nthWorkingDayAfter, type WorkingDayOptions } from './working-days.domain.ts';

/**
 * The reminder ladder for an owner's overdue receivable (rules doc §7.1): Gentle → Formal →
 * FinalNotice → LegalAction, one level at a time, never skipped. Pure rules; every delay comes
 * from the BE pack:
 *   Gentle      ≥ D + max(collection.gentle.delayDays, collection.gentle.legalMinDelayDays)
 *   Formal      ≥ T1 = grace start + collection.graceDays, the grace starting
 *                 collection.graceStart.electronic calendar days after an electronic Gentle, or on
 *                 the collection.graceStart.post-th working day after a posted one (R30)
 *   FinalNotice ≥ Formal + collection.formalToFinalDays
 *   LegalAction ≥ FinalNotice + collection.finalNotice.deadlineDays + 1 (the day after the deadline,
 *                 counted from sending; product choice)
 * A debt whose principal is settled stops the ladder; a disputed debt or a payment plan pauses it.
 */
export const LEVELS = ['Gentle', 'Formal', 'FinalNotice', 'LegalAction'] as const;
export type Level = (typeof LEVELS)[number];

export const CHANNELS = ['electronic', 'post'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DEBT_STATUSES = ['open', 'disputed', 'paymentPlan'] as const;
export type DebtStatus = (typeof DEBT_STATUSES)[number];

/** An owner's receivable (a call for funds falling due), never a supplier invoice. */
export interface Debt {
  dueDate: string;
  /** Amount called, integer cents > 0. */
  principalCents: number;
  /** Payments applied to this debt (reduce the principal). */
  payments?: readonly Payment[] | undefined;
  /** Default 'open'. */
  status?: DebtStatus | undefined;
}

/** A reminder already sent on the debt (history is the ladder's prefix, in order). */
export interface SentReminder {
  level: Level;
  sentOn: string;
  channel: Channel;
  feeCents?: number | undefined;
  postageCents?: number | undefined;
  /** The flat indemnity claimed by this reminder, if any (one per debt). */
  indemnityCents?: number | undefined;
}

export type NextStep =
  | {
    kind: 'next';
    level: Level;
    earliestDate: string;
    /** earliestDate ≤ asOf: the reminder may be drafted now. */
    due: boolean;
    /** T1 of the debt: known once Gentle is sent; for Gentle, projected if sent by `channel` on max(asOf, earliestDate). */
    t1: string | null;
  }
  | { kind: 'stopped'; reason: 'paid' }
  | { kind: 'paused'; reason: 'disputed' | 'paymentPlan' }
  | { kind: 'complete' };

export interface NextAllowedInput extends WorkingDayOptions {
  debt: Debt;
  history: readonly SentReminder[];
  asOf: string;
  /** Channel of the next reminder (used to project T1 for Gentle). Default 'electronic'. */
  channel?: Channel | undefined;
  /** Timing is the same either way; kept for the callers' symmetry with `breakdown`. */
  consumerSafe?: boolean | undefined;
}

export const levelIndex = (level: Level): number => LEVELS.indexOf(level);

/** First day of the 14-day grace after a reminder sent on `sentOn` by `channel` (R30). */
export function graceStart(sentOn: string, channel: Channel, options: WorkingDayOptions = {}): string {
  return channel === 'post'
    ? nthWorkingDayAfter(sentOn, legalValue('collection.graceStart.post'), options)
    : addDays(sentOn, legalValue('collection.graceStart.electronic'));
}

/** T1: the day after the grace period, the first day damages may run (R30). */
export function t1Of(sentOn: string, channel: Channel, options: WorkingDayOptions = {}): string {
  return addDays(graceStart(sentOn, channel, options), legalValue('collection.graceDays'));
}

/** T1 of the debt from its history (the Gentle reminder), or null before Gentle is sent. */
export function debtT1(history: readonly SentReminder[], options: WorkingDayOptions = {}): string | null {
  const gentle = history.find((r) => r.level === 'Gentle');
  return gentle ? t1Of(gentle.sentOn, gentle.channel, options) : null;
}

/** Earliest date for the level that follows `history` (which must be the ladder's prefix). */
export function earliestDateFor(level: Level, debt: Debt, history: readonly SentReminder[], options: WorkingDayOptions = {}): string {
  const previous = history.at(-1);
  switch (level) {
    case 'Gentle':
      return addDays(debt.dueDate, Math.max(legalValue('collection.gentle.delayDays'), legalValue('collection.gentle.legalMinDelayDays')));
    case 'Formal':
      return debtT1(history, options)!;
    case 'FinalNotice':
      return addDays(previous!.sentOn, legalValue('collection.formalToFinalDays'));
    case 'LegalAction':
      return addDays(previous!.sentOn, legalValue('collection.finalNotice.deadlineDays') + 1);
  }
}

/** The next level of the ladder and its earliest date, or why there is none. */
export function nextAllowed(input: NextAllowedInput): NextStep {
  const { debt, history, asOf } = input;
  checkDebt(debt);
  checkHistory(history);
  if (balanceOn(debt.principalCents, debt.payments, asOf) === 0) return { kind: 'stopped', reason: 'paid' };
  const status = debt.status ?? 'open';
  if (status !== 'open') return { kind: 'paused', reason: status };
  if (history.length === LEVELS.length) return { kind: 'complete' };
  const level = LEVELS[history.length]!;
  const earliestDate = earliestDateFor(level, debt, history, input);
  const t1 = level === 'Gentle'
    ? t1Of(maxDate(asOf, earliestDate), input.channel ?? 'electronic', input)
    : debtT1(history, input);
  return { kind: 'next', level, earliestDate, due: earliestDate <= asOf, t1 };
}

/**
 * Refuses to approve a reminder at `level` on `date` when it breaks the ladder:
 * `reminder.level_skipped` (details.field 'level', expectedLevel), `reminder.already_sent` (the
 * level was reached already), `reminder.debt_settled`, `reminder.ladder_paused` (disputed or
 * payment plan), `reminder.too_early` (details.field 'date', earliestDate).
 */
export function checkApproval(level: Level, date: string, history: readonly SentReminder[], debt: Debt, options: WorkingDayOptions = {}): void {
  if (!LEVELS.includes(level)) {
    throw new AppError('reminder.invalid_level', `Unknown reminder level ${JSON.stringify(level)}`, { field: 'level', value: level });
  }
  const step = nextAllowed({ debt, history, asOf: date, ...options });
  const expected = history.length;
  if (levelIndex(level) < expected) {
    throw new AppError('reminder.already_sent', `A ${level} reminder was already sent on this debt`, { field: 'level', level });
  }
  if (levelIndex(level) > expected) {
    throw new AppError('reminder.level_skipped', `${level} would skip ${LEVELS[expected]}: no level may be skipped`,
      { field: 'level', level, expectedLevel: LEVELS[expected] });
  }
  if (step.kind === 'stopped') {
    throw new AppError('reminder.debt_settled', 'The debt is settled: the ladder stops', { field: 'debt', reason: step.reason });
  }
  if (step.kind === 'paused') {
    throw new AppError('reminder.ladder_paused', `The ladder is paused (${step.reason})`, { field: 'status', reason: step.reason });
  }
  if (step.kind === 'next' && date < step.earliestDate) {
    throw new AppError('reminder.too_early', `A ${level} reminder may not be sent before ${step.earliestDate}`,
      { field: 'date', level, earliestDate: step.earliestDate });
  }
}

export function checkDebt(debt: Debt): void {
  if (!Number.isSafeInteger(debt.principalCents) || debt.principalCents <= 0) {
    throw new AppError('reminder.invalid_amount', 'The principal must be a positive whole number of cents', { field: 'principalCents' });
  }
  addDays(debt.dueDate, 0); // validates the date
  if (debt.status !== undefined && !DEBT_STATUSES.includes(debt.status)) {
    throw new AppError('reminder.invalid_status', `Unknown debt status ${JSON.stringify(debt.status)}`, { field: 'status' });
  }
}

/** The history must be the ladder's prefix: Gentle, Formal… each once, in order, dates not going back. */
export function checkHistory(history: readonly SentReminder[]): void {
  history.forEach((r, i) => {
    if (r.level !== LEVELS[i]) {
      throw new AppError('reminder.invalid_history', `Reminder ${i + 1} should be ${LEVELS[i]}, not ${r.level}`, { field: 'history', index: i });
    }
    if (!CHANNELS.includes(r.channel)) {
      throw new AppError('reminder.invalid_history', `Unknown channel ${JSON.stringify(r.channel)}`, { field: 'history', index: i });
    }
    addDays(r.sentOn, 0);
    if (i > 0 && r.sentOn < history[i - 1]!.sentOn) {
      throw new AppError('reminder.invalid_history', 'Reminders must be in date order', { field: 'history', index: i });
    }
  });
}
