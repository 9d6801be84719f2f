import { AppError } from '../../platform/errors.ts';
import { legalValue } from '../../jurisdictions/be.ts';
import { indemnityCapCents } from '../../jurisdictions/indemnity.ts';
import { balanceOn } from './interest.domain.ts';
import { debtT1, type Channel, type Debt, type Level, type SentReminder } from './ladder.domain.ts';
import type { WorkingDayOptions } from './working-days.domain.ts';

/**
 * Fees and flat damages of a reminder (rules doc §7, R29–R31):
 * - Gentle (the first reminder) is free: fee `collection.firstReminder.feeCents` (0), no postage
 *   charged, no indemnity, no interest (R29). This holds in both modes (product choice).
 * - Formal and FinalNotice: fee ≤ `collection.laterReminder.maxFeeCents` plus the real postage of a
 *   posted letter (R30: 7.50 € + postage accepted, 10.00 € refused). No postage on an electronic one.
 * - LegalAction: amicable-stage costs are never charged to the owner in consumer-safe mode: fee 0.
 * - One flat indemnity per debt, at most `indemnityCapCents(balance)` (`collection.indemnity.brackets`),
 *   the balance being the principal still due on the day it is claimed (to verify in the rules doc);
 *   a partial payment before the claim lowers the cap (R31). In consumer-safe mode it runs from T1 only.
 */
export interface ReminderCharges {
  channel: Channel;
  feeCents: number;
  postageCents: number;
}

/** The largest fee (without postage) a reminder at `level` may carry. */
export function maxFeeCents(level: Level, consumerSafe: boolean): number {
  if (level === 'Gentle') return legalValue('collection.firstReminder.feeCents');
  if (level === 'LegalAction' && consumerSafe) return 0;
  return legalValue('collection.laterReminder.maxFeeCents');
}

/** Throws `reminder.first_reminder_not_free`, `reminder.fee_too_high` or `reminder.postage_not_allowed`. */
export function checkFee(level: Level, charges: ReminderCharges, consumerSafe: boolean): void {
  for (const field of ['feeCents', 'postageCents'] as const) {
    if (!Number.isSafeInteger(charges[field]) || charges[field] < 0) {
      throw new AppError('reminder.invalid_amount', `${field} must be a whole number of cents ≥ 0`, { field });
    }
  }
  if (level === 'Gentle') {
    if (charges.feeCents > maxFeeCents(level, consumerSafe) || charges.postageCents > 0) {
      throw new AppError('reminder.first_reminder_not_free', 'The first reminder is free: no fee, no postage',
        { field: charges.feeCents > 0 ? 'feeCents' : 'postageCents', maxFeeCents: maxFeeCents(level, consumerSafe) });
    }
    return;
  }
  const max = maxFeeCents(level, consumerSafe);
  if (charges.feeCents > max) {
    throw new AppError('reminder.fee_too_high', `A ${level} reminder may carry at most ${max} cents plus postage`,
      { field: 'feeCents', maxFeeCents: max });
  }
  if (charges.channel === 'electronic' && charges.postageCents > 0) {
    throw new AppError('reminder.postage_not_allowed', 'No postage on an electronic reminder', { field: 'postageCents' });
  }
  if (level === 'LegalAction' && consumerSafe && charges.postageCents > 0) {
    throw new AppError('reminder.fee_too_high', 'Amicable-stage costs are not charged to the owner', { field: 'postageCents', maxFeeCents: 0 });
  }
}

/** Was the one indemnity of the debt claimed already? */
export const indemnityClaimed = (history: readonly SentReminder[]): boolean => history.some((r) => (r.indemnityCents ?? 0) > 0);

export interface IndemnityInput extends WorkingDayOptions {
  level: Level;
  date: string;
  debt: Debt;
  history: readonly SentReminder[];
  consumerSafe: boolean;
}

/** The indemnity the Gentle reminder must announce: the cap on the balance that day (0 if settled). */
export function announcedIndemnityCents(debt: Debt, date: string): number {
  const balance = balanceOn(debt.principalCents, debt.payments, date);
  return balance === 0 ? 0 : indemnityCapCents(balance);
}

/**
 * The largest indemnity a reminder at `level` on `date` may claim: 0 for Gentle, 0 once claimed,
 * 0 before T1 in consumer-safe mode, 0 on a settled debt; else the cap on the balance that day.
 */
export function indemnityAllowedCents(input: IndemnityInput): number {
  const { level, date, debt, history } = input;
  if (level === 'Gentle' || indemnityClaimed(history)) return 0;
  if (input.consumerSafe) {
    const t1 = debtT1(history, input);
    if (t1 === null || date < t1) return 0;
  }
  return announcedIndemnityCents(debt, date);
}

/** Throws `reminder.indemnity_already_claimed` (R31: one per debt) or `reminder.indemnity_too_high`. */
export function checkIndemnity(claimedCents: number, input: IndemnityInput): void {
  if (!Number.isSafeInteger(claimedCents) || claimedCents < 0) {
    throw new AppError('reminder.invalid_amount', 'The indemnity must be a whole number of cents ≥ 0', { field: 'indemnityCents' });
  }
  if (claimedCents === 0) return;
  if (indemnityClaimed(input.history)) {
    throw new AppError('reminder.indemnity_already_claimed', 'One flat indemnity per debt: it was claimed already', { field: 'indemnityCents' });
  }
  const max = indemnityAllowedCents(input);
  if (claimedCents > max) {
    throw new AppError('reminder.indemnity_too_high', `The indemnity may not exceed ${max} cents here`, { field: 'indemnityCents', maxCents: max });
  }
}
