import { addDays } from './working-days.domain.ts';
import { announcedIndemnityCents, checkFee, indemnityAllowedCents } from './fees.domain.ts';
import { balanceOn, lateInterest, type InterestSegment } from './interest.domain.ts';
import { checkDebt, checkHistory, debtT1, type Channel, type Debt, type Level, type SentReminder } from './ladder.domain.ts';
import type { WorkingDayOptions } from './working-days.domain.ts';

/**
 * The amounts of a reminder at `level` on `date`, all integer cents (what the letter shows):
 *   total = principal + fee + postage + indemnity + interest + earlierCharges
 * - principal: the principal still due on `date` (payments dated ≤ date deducted);
 * - fee / postage: as configured by the building, checked by `checkFee` (Gentle: 0, R29);
 * - indemnity: the one flat indemnity, claimed at its cap by the first reminder allowed to claim it
 *   (see `indemnityAllowedCents`), 0 when already claimed; Gentle only ANNOUNCES it;
 * - interest: late interest from its start to `date` (exclusive), see `lateInterest`; 0 on Gentle.
 *   Start: T1 in consumer-safe mode (no interest before Gentle is sent), the day after the due date
 *   otherwise (whether interest may run from the due date is to verify);
 * - earlierCharges: fees, postage and indemnity claimed by earlier reminders, still owed (payments
 *   are applied to the principal, so these stay due; allocation article to verify).
 * Interest is recomputed to date on each reminder, never added to an earlier reminder's interest.
 */
export interface BreakdownInput extends WorkingDayOptions {
  level: Level;
  date: string;
  debt: Debt;
  history: readonly SentReminder[];
  channel: Channel;
  consumerSafe: boolean;
  /** The building's fee for this level; default 0. */
  feeCents?: number | undefined;
  /** Real postage of a posted letter; default 0. */
  postageCents?: number | undefined;
  /** Contractual rate (statutes / ROI), basis points; none → legal civil rate. */
  clauseRateBp?: number | null | undefined;
}

export interface Breakdown {
  level: Level;
  date: string;
  principalCents: number;
  feeCents: number;
  postageCents: number;
  indemnityCents: number;
  /** The indemnity announced by the Gentle reminder (mandatory mention); 0 on other levels. */
  announcedIndemnityCents: number;
  interestCents: number;
  earlierChargesCents: number;
  totalCents: number;
  /** T1 of the debt (for Gentle: if sent on `date` by `channel`); null when unknown. */
  t1: string | null;
  interestFrom: string | null;
  interestSegments: InterestSegment[];
}

export function breakdown(input: BreakdownInput): Breakdown {
  const { level, date, debt, history, consumerSafe } = input;
  checkDebt(debt);
  checkHistory(history);
  const feeCents = input.feeCents ?? 0;
  const postageCents = input.postageCents ?? 0;
  checkFee(level, { channel: input.channel, feeCents, postageCents }, consumerSafe);

  const principalCents = balanceOn(debt.principalCents, debt.payments, date);
  const gentle = level === 'Gentle';
  const t1 = gentle ? debtT1([{ level, sentOn: date, channel: input.channel }], input) : debtT1(history, input);
  const interestFrom = gentle ? null : consumerSafe ? t1 : addDays(debt.dueDate, 1);
  const interest = interestFrom === null || date <= interestFrom
    ? { cents: 0, segments: [] }
    : lateInterest({
      principalCents: debt.principalCents, payments: debt.payments, from: interestFrom, to: date,
      clauseRateBp: input.clauseRateBp, consumerSafe,
    });
  const indemnityCents = indemnityAllowedCents({ ...input, level, date, debt, history, consumerSafe });
  const earlierChargesCents = history.reduce((a, r) => a + (r.feeCents ?? 0) + (r.postageCents ?? 0) + (r.indemnityCents ?? 0), 0);
  const parts = { principalCents, feeCents, postageCents, indemnityCents, interestCents: interest.cents, earlierChargesCents };
  return {
    level, date, ...parts,
    announcedIndemnityCents: gentle ? announcedIndemnityCents(debt, date) : 0,
    totalCents: Object.values(parts).reduce((a, b) => a + b, 0),
    t1,
    interestFrom,
    interestSegments: interest.segments,
  };
}
