import { legalValue } from '../../jurisdictions/be.ts';
import { indemnityCapCents } from '../../jurisdictions/indemnity.ts';
import { formatEnterpriseNumber } from '../buildings/enterprise-number.domain.ts';
import { formatAmount, formatDate, formatIban, WORDS } from '../calls/call-pdf.domain.ts';
import { formatStructuredCommunication } from '../money/structured-communication.domain.ts';
import { addDays, daysBetween } from '../reminders/working-days.domain.ts';
import type { DraftLocale, ReminderLevel, ReminderPlaceholder } from './placeholders.domain.ts';

/**
 * The real values of a reminder's placeholders, computed on the instance from its own data and filled in
 * only after verification, on approval (grid-design §6). They never reach a node. Pure.
 */
export interface ReminderFacts {
  personName: string; street: string | null; postalCode: string | null; city: string | null; lots: string[];
  buildingName: string; enterpriseNumber: string | null; iban: string | null; fund: 'ordinary' | 'working_capital' | 'reserve';
  periodLabel: string; dueDate: string; communication: string; amountCents: number; paidCents: number;
}

const NONE = '—';

/**
 * Deadline given by the letter: the 14-day grace of Book XIX for Gentle and Formal (collection.graceDays),
 * the final-notice deadline for FinalNotice (collection.finalNotice.deadlineDays); counted from `today`.
 */
export function deadlineDate(level: ReminderLevel, today: string): string {
  const days = level === 'FinalNotice' ? legalValue('collection.finalNotice.deadlineDays') : legalValue('collection.graceDays');
  return addDays(today, days);
}

export function reminderValues(f: ReminderFacts, level: ReminderLevel, locale: DraftLocale, today: string): Record<ReminderPlaceholder, string> {
  const openCents = Math.max(0, f.amountCents - f.paidCents);
  const words = WORDS[locale];
  return {
    OWNER_NAME: f.personName,
    OWNER_ADDRESS: f.street ? `${f.street}, ${f.postalCode} ${f.city}` : NONE,
    LOT: f.lots.length ? f.lots.join(', ') : NONE,
    BUILDING: f.buildingName,
    AMOUNT_DUE: formatAmount(openCents, locale),
    DUE_DATE: formatDate(f.dueDate, locale),
    DAYS_OVERDUE: String(Math.max(0, daysBetween(f.dueDate, today))),
    IBAN: f.iban ? formatIban(f.iban) : NONE,
    PAYMENT_REF: formatStructuredCommunication(f.communication),
    CREDITOR: `${words.association} ${f.buildingName}`,
    ENTERPRISE_NUMBER: f.enterpriseNumber ? formatEnterpriseNumber(f.enterpriseNumber) : NONE,
    CHARGE: `${words.fund[f.fund]} ${f.periodLabel}`,
    // The cap on today's balance: what Gentle announces and the most a later level may claim (R31).
    INDEMNITY: formatAmount(openCents === 0 ? 0 : indemnityCapCents(openCents, today), locale),
    DEADLINE_DATE: formatDate(deadlineDate(level, today), locale),
  };
}
