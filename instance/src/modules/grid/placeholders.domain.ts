/**
 * Placeholders of AI drafts (grid-design §6): nodes see these names, never the values. The instance
 * substitutes the values after verification, on approval. Pure.
 */

export type DraftLocale = 'fr' | 'nl' | 'de' | 'en';
export type ReminderLevel = 'Gentle' | 'Formal' | 'FinalNotice' | 'LegalAction';
export type DocumentType = 'reminder' | 'convocation';

/** Every placeholder a reminder may carry. */
export const REMINDER_PLACEHOLDERS = [
  'OWNER_NAME', 'OWNER_ADDRESS', 'LOT', 'BUILDING', 'AMOUNT_DUE', 'DUE_DATE', 'DAYS_OVERDUE', 'IBAN', 'PAYMENT_REF',
  // The legal mentions of Book XIX (belgian-rules §7): creditor and its enterprise number, the charge, the
  // indemnity announced or claimed, the payment deadline.
  'CREDITOR', 'ENTERPRISE_NUMBER', 'CHARGE', 'INDEMNITY', 'DEADLINE_DATE',
] as const;
export type ReminderPlaceholder = (typeof REMINDER_PLACEHOLDERS)[number];

/** A reminder always carries the amount, the due date and the payment reference (grid-design §7.5). */
export const REMINDER_REQUIRED: readonly ReminderPlaceholder[] = ['AMOUNT_DUE', 'DUE_DATE', 'PAYMENT_REF'];

/**
 * The mentions each level must carry (belgian-rules §7.1, R29). When the model's text lacks one, the
 * template's legal frame is appended and the draft is flagged `legal_mentions_added`.
 */
export const LEGAL_MENTIONS: Readonly<Record<ReminderLevel, readonly ReminderPlaceholder[]>> = {
  Gentle: ['CREDITOR', 'ENTERPRISE_NUMBER', 'CHARGE', 'INDEMNITY', 'DEADLINE_DATE'],
  Formal: ['CREDITOR', 'ENTERPRISE_NUMBER', 'INDEMNITY', 'DEADLINE_DATE'],
  FinalNotice: ['CREDITOR', 'ENTERPRISE_NUMBER', 'DEADLINE_DATE'],
  LegalAction: ['CREDITOR', 'ENTERPRISE_NUMBER'],
};

/**
 * A convocation's placeholders (grid-design §6): date, time and place of the meeting, its kind, and the
 * agenda items `AGENDA_1..n` (the model writes framing prose only, never an agenda title). The legal
 * mentions (belgian-rules §2: how to consult the documents, the proxy, remote participation) are
 * placeholders too, filled on the instance with its own wording.
 */
export const CONVOCATION_PLACEHOLDERS = ['OWNER_NAME', 'BUILDING', 'AG_KIND', 'AG_DATE', 'AG_TIME', 'AG_PLACE',
  'DOCUMENTS_INFO', 'PROXY_INFO', 'REMOTE_PARTICIPATION'] as const;
export const CONVOCATION_REQUIRED: readonly string[] = ['AG_DATE', 'AG_TIME', 'AG_PLACE'];
/** Appended as the template's legal frame when a node's text lacks one of them (flag `legal_mentions_added`). */
export const CONVOCATION_LEGAL_MENTIONS: readonly string[] = ['DOCUMENTS_INFO', 'PROXY_INFO', 'REMOTE_PARTICIPATION'];
/** At most 99 agenda items become placeholders (`AGENDA_1`..`AGENDA_99`). */
export const AGENDA_MAX = 99;
const AGENDA = /^AGENDA_([1-9][0-9]?)$/;

export const agendaPlaceholders = (count: number): string[] => Array.from({ length: count }, (_, i) => `AGENDA_${i + 1}`);

/** Date, time, place and every agenda item of the meeting (grid-design §7.5). */
export const convocationRequired = (agendaCount: number): string[] => [...CONVOCATION_REQUIRED, ...agendaPlaceholders(agendaCount)];

export function isKnownPlaceholder(type: DocumentType, name: string): boolean {
  if (type === 'reminder') return (REMINDER_PLACEHOLDERS as readonly string[]).includes(name);
  return (CONVOCATION_PLACEHOLDERS as readonly string[]).includes(name) || AGENDA.test(name);
}

export const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;

/** The names used in `text`, in order of appearance (with repeats). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Text with every well-formed placeholder removed: what is left must hold no braces and no facts. */
export function withoutPlaceholders(text: string): string {
  return text.replace(PLACEHOLDER, ' ');
}

/** Replaces each placeholder by its value; a placeholder with no value is left as it is (and reported). */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(PLACEHOLDER, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) { missing.push(name); return whole; }
    return v;
  });
  return { text: out, missing };
}
