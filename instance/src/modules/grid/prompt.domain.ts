import { CONVOCATION_TEMPLATE_VERSION, convocationTemplate } from './convocation-templates.domain.ts';
import {
  CONVOCATION_LEGAL_MENTIONS, convocationRequired, LEGAL_MENTIONS, REMINDER_REQUIRED, type DraftLocale, type ReminderLevel,
} from './placeholders.domain.ts';
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

// ── Convocations ─────────────────────────────────────────────────────────────
export interface ConvocationPromptInput { locale: DraftLocale; tone: 'neutral' | 'friendly' | 'firm'; agendaCount: number }

/** What a convocation draft must carry: date, time, place, every agenda item, and the legal mentions. */
export function convocationPlaceholders(agendaCount: number): string[] {
  return [...convocationRequired(agendaCount), 'OWNER_NAME', ...CONVOCATION_LEGAL_MENTIONS];
}

/**
 * The prompt of a convocation (grid-design §6): the meeting's date, time, place and agenda titles are
 * never in it, only their placeholders; the number of agenda items is the one fact it holds (it is
 * what {{AGENDA_1}}..{{AGENDA_n}} already show). Pure.
 */
export function convocationPrompt(p: ConvocationPromptInput): string {
  const example = convocationTemplate(p.locale, p.agendaCount);
  // The agenda as a range, not n names: the prompt stays short however long the agenda (the context lists them all).
  const agenda = p.agendaCount === 1 ? '{{AGENDA_1}}' : `{{AGENDA_1}} to {{AGENDA_${p.agendaCount}}}, each one`;
  const names = [...convocationPlaceholders(p.agendaCount).filter((n) => !n.startsWith('AGENDA_')).map((n) => `{{${n}}}`), agenda].join(', ');
  return [
    `Write the cover letter of a convocation to a general assembly of a Belgian co-ownership in ${LANGUAGE_NAME[p.locale]}, from the syndic to an owner, tone: ${p.tone}.`,
    `Use these placeholders exactly as written, never real values: ${names}.`,
    'Put each agenda placeholder on its own line; write no agenda item, digit, date, time or place yourself: only placeholders carry facts.',
    'Answer with JSON {"subject": string, "body": string}.',
    `Example subject: ${example.subject}`,
  ].join('\n');
}

/** The prompt and required placeholders of a draft, whichever its type (the dispatcher's view). */
export function promptOfDraft(d: { documentType: 'reminder' | 'convocation'; level: ReminderLevel | null; locale: DraftLocale;
  tone: 'neutral' | 'friendly' | 'firm'; agendaCount: number | null }): { prompt: string; required: string[]; templateVersion: string } {
  if (d.documentType === 'convocation') {
    const agendaCount = d.agendaCount ?? 1;
    return { prompt: convocationPrompt({ locale: d.locale, tone: d.tone, agendaCount }), required: convocationPlaceholders(agendaCount),
      templateVersion: CONVOCATION_TEMPLATE_VERSION };
  }
  const level = d.level ?? 'Gentle';
  return { prompt: reminderPrompt({ level, locale: d.locale, tone: d.tone }), required: reminderPlaceholders(level), templateVersion: TEMPLATE_VERSION };
}
