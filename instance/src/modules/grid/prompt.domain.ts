import { LEGAL_MENTIONS, REMINDER_REQUIRED, type DraftLocale, type ReminderLevel } from './placeholders.domain.ts';
import { reminderTemplate, TEMPLATE_VERSION } from './templates.domain.ts';

/**
 * The prompt a node receives for a reminder (grid-design §6): built from an allow-list only — locale,
 * tone, document type, reminder rank, template version — and placeholder names. It never holds a value
 * from the database: no name, address, amount, date, IBAN or reference. Pure.
 */
export const LEVEL_RANK: Readonly<Record<ReminderLevel, number>> = { Gentle: 1, Formal: 2, FinalNotice: 3, LegalAction: 4 };

const LANGUAGE_NAME: Readonly<Record<DraftLocale, string>> = { fr: 'French', nl: 'Dutch', de: 'German', en: 'English' };
const LEVEL_NAME: Readonly<Record<ReminderLevel, string>> = {
  Gentle: 'a first, courteous payment reminder', Formal: 'a second, formal payment reminder',
  FinalNotice: 'a formal notice (last warning before legal action)', LegalAction: 'a letter announcing that legal action starts',
};

export interface ReminderPromptInput { level: ReminderLevel; locale: DraftLocale; tone: 'neutral' | 'friendly' | 'firm' }

export function reminderPlaceholders(level: ReminderLevel): string[] {
  return [...new Set([...REMINDER_REQUIRED, 'OWNER_NAME', ...LEGAL_MENTIONS[level]])];
}

export function reminderPrompt(p: ReminderPromptInput): string {
  // A short prompt (grid-design §11: under about 400 tokens; time to first token dominates on a Pi). The
  // legal frame is the instance's job (verify.domain.ts appends it), so the model writes the framing prose only.
  const example = reminderTemplate(p.level, p.locale);
  const names = reminderPlaceholders(p.level).map((n) => `{{${n}}}`).join(', ');
  return [
    `Write ${LEVEL_NAME[p.level]} in ${LANGUAGE_NAME[p.locale]} from a Belgian co-ownership syndic to an owner, tone: ${p.tone}.`,
    `Use these placeholders exactly as written, never real values: ${names}.`,
    'Write no digits, amounts, dates, account numbers or references yourself: only placeholders carry facts.',
    'Answer with JSON {"subject": string, "body": string}.',
    `Example subject: ${example.subject}`,
  ].join('\n');
}

export const PROMPT_TEMPLATE_ID = `${TEMPLATE_VERSION}`;
