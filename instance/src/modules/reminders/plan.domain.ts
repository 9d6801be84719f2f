import { breakdown, type Breakdown } from './breakdown.domain.ts';
import { checkFee } from './fees.domain.ts';
import { LEVELS, nextAllowed, type Channel, type Debt, type Level, type NextStep, type SentReminder } from './ladder.domain.ts';

/**
 * What a reminder run and a send decide for one debt, from its facts, its sent history and the
 * building's settings. Pure glue between the stored rows and the ladder/fees/interest rules.
 */

export interface LadderSettings {
  consumerSafe: boolean;
  /** The building's fee per later level, cents (Gentle is always free). */
  fees: { Formal: number; FinalNotice: number; LegalAction: number };
  /** Real postage of an ordinary letter, and of a registered one (FinalNotice). */
  postageCents: number;
  registeredPostageCents: number;
  clauseRateBp: number | null;
}

export type DeliveryChannel = 'email' | 'post';

/** The ladder's channel for a delivery channel: e-mail is the electronic way of Book XIX. */
export const ladderChannel = (c: DeliveryChannel): Channel => (c === 'email' ? 'electronic' : 'post');

/** A FinalNotice (mise en demeure) goes by registered letter (rules doc §7.1): flagged, with a tracking number later. */
export const isRegisteredMail = (level: Level): boolean => level === 'FinalNotice';

/**
 * The channel a reminder at `level` goes by: a registered letter (FinalNotice, rules doc §7.1 L3)
 * always goes by post, whatever the owner's e-mail acceptance (e-registered mail is not supported);
 * the other levels by the owner's channel.
 */
export const channelFor = (level: Level, ownerChannel: Channel): Channel => (isRegisteredMail(level) ? 'post' : ownerChannel);

/**
 * The fee and postage a reminder carries: Gentle nothing (R29); LegalAction nothing in
 * consumer-safe mode (amicable-stage costs are not charged); otherwise the building's fee for the
 * level, plus the real postage when it goes by post (registered postage for FinalNotice).
 */
export function chargesFor(level: Level, channel: Channel, s: LadderSettings): { feeCents: number; postageCents: number } {
  if (level === 'Gentle' || (level === 'LegalAction' && s.consumerSafe)) return { feeCents: 0, postageCents: 0 };
  const postageCents = channel === 'post' ? (isRegisteredMail(level) ? s.registeredPostageCents : s.postageCents) : 0;
  return { feeCents: s.fees[level], postageCents };
}

/** Refuses settings whose fees break the caps in the given mode (`reminder.fee_too_high`…). */
export function checkSettings(s: LadderSettings): void {
  for (const level of ['Formal', 'FinalNotice', 'LegalAction'] as const) {
    if (level === 'LegalAction' && s.consumerSafe) {
      if (s.fees.LegalAction > 0) checkFee(level, { channel: 'electronic', feeCents: s.fees.LegalAction, postageCents: 0 }, true);
      continue;
    }
    checkFee(level, { channel: 'post', ...chargesFor(level, 'post', s) }, s.consumerSafe);
  }
}

/** The amounts of a reminder at `level` on `date`, by `channel`, with the building's settings. */
export function amountsFor(level: Level, date: string, debt: Debt, history: readonly SentReminder[], channel: Channel,
  s: LadderSettings): Breakdown {
  return breakdown({
    level, date, debt, history, channel, consumerSafe: s.consumerSafe, ...chargesFor(level, channel, s), clauseRateBp: s.clauseRateBp,
  });
}

export type RunDecision =
  | { kind: 'draft'; level: Level; channel: Channel; amounts: Breakdown }
  | { kind: 'none'; step: NextStep };

/**
 * As of `asOf`: the next level's draft when it is due, or why there is none (not yet due, paused,
 * settled, ladder complete). `pending` is the level of a draft or approved reminder already there:
 * a run never drafts past it.
 */
export function runDecision(debt: Debt, history: readonly SentReminder[], asOf: string, channel: Channel, s: LadderSettings): RunDecision {
  const step = nextAllowed({ debt, history, asOf, channel, consumerSafe: s.consumerSafe });
  if (step.kind !== 'next' || !step.due) return { kind: 'none', step };
  const levelChannel = channelFor(step.level, channel);
  return { kind: 'draft', level: step.level, channel: levelChannel, amounts: amountsFor(step.level, asOf, debt, history, levelChannel, s) };
}

/** Sent reminders as the ladder reads them: in level order (the ladder's prefix). */
export function historyOf(sent: readonly (SentReminder & { level: Level })[]): SentReminder[] {
  return [...sent].sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
}
