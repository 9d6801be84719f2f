import { convocationFrame } from './convocation-templates.domain.ts';
import {
  CONVOCATION_LEGAL_MENTIONS, convocationRequired, isKnownPlaceholder, LEGAL_MENTIONS, placeholdersIn, REMINDER_REQUIRED, withoutPlaceholders,
  type DocumentType, type DraftLocale, type ReminderLevel,
} from './placeholders.domain.ts';
import { legalFrame } from './templates.domain.ts';

/**
 * Verification of a draft written by a node (grid-design §7, items 2–5), cheapest first. Pure.
 * A rejection names its fault; the dispatcher retries on another node, then falls back to the template.
 */

export const SUBJECT_MAX = 200;
export const BODY_MIN = 40;
export const BODY_MAX = 4000;

/** `agendaCount`: a convocation's agenda items when it was asked for (its {{AGENDA_1..n}}). */
export interface DraftSpec { documentType: DocumentType; level: ReminderLevel | null; locale: DraftLocale; agendaCount?: number | null }

export type Verdict =
  | { ok: true; subject: string; body: string; flags: string[] }
  | { ok: false; fault: string; detail: string };

const reject = (fault: string, detail: string): Verdict => ({ ok: false, fault, detail });

/**
 * Legal references a template may quote (their digits are not facts): "art. 3.87 §3", "XIX.2".
 * Everything else with a digit outside a placeholder is an invented amount, date, IBAN, reference or
 * percentage, and a hard reject.
 */
const WHITELISTED_NUMBERS = [/\bart(?:icle)?\.?\s*\d+(?:\.\d+)*(?:\s*§\s*\d+)?/gi, /\bXIX\.\d+\b/g];

/** Words that are frequent in one language and rare in the others (a cheap language check). */
const STOP_WORDS: Readonly<Record<DraftLocale, readonly string[]>> = {
  fr: ['le', 'la', 'les', 'de', 'des', 'du', 'un', 'une', 'et', 'est', 'vous', 'nous', 'votre', 'pour', 'avec', 'sur', 'pas', 'que', 'au'],
  nl: ['de', 'het', 'een', 'en', 'van', 'is', 'u', 'uw', 'wij', 'we', 'op', 'met', 'voor', 'niet', 'dat', 'te', 'zijn', 'bij'],
  de: ['der', 'die', 'das', 'und', 'ist', 'sie', 'ihr', 'wir', 'mit', 'für', 'nicht', 'den', 'dem', 'zu', 'auf', 'bitte', 'ein', 'eine'],
  en: ['the', 'and', 'is', 'you', 'your', 'we', 'of', 'to', 'for', 'with', 'on', 'not', 'a', 'an', 'this', 'please', 'by', 'be'],
};

/** The locale whose stop words are most frequent in `text`, and how many were found for `locale`. */
export function languageScore(text: string, locale: DraftLocale): { best: DraftLocale; hits: number } {
  const words = text.toLowerCase().split(/[^\p{L}]+/u).filter(Boolean);
  const count = (l: DraftLocale) => words.filter((w) => STOP_WORDS[l].includes(w)).length;
  const scores = (Object.keys(STOP_WORDS) as DraftLocale[]).map((l) => [l, count(l)] as const);
  const best = scores.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return { best, hits: count(locale) };
}

/** Digits left once placeholders and whitelisted legal references are removed. */
export function strayNumbers(text: string): string[] {
  let rest = withoutPlaceholders(text);
  for (const w of WHITELISTED_NUMBERS) rest = rest.replace(w, ' ');
  return [...rest.matchAll(/[0-9][0-9.,/\s-]*/g)].map((m) => m[0].trim());
}

/** An agenda placeholder past the meeting's last item (an invented agenda item). */
const beyondAgenda = (name: string, spec: DraftSpec) =>
  spec.documentType === 'convocation' && /^AGENDA_/.test(name) && Number(name.slice(7)) > (spec.agendaCount ?? 0);

function requiredOf(spec: DraftSpec): readonly string[] {
  return spec.documentType === 'reminder' ? REMINDER_REQUIRED : convocationRequired(spec.agendaCount ?? 0);
}

/** Checks a `{subject, body}` draft; on success returns it with the legal frame appended when needed. */
export function verifyDraft(draft: { subject: unknown; body: unknown }, spec: DraftSpec): Verdict {
  if (typeof draft.subject !== 'string' || typeof draft.body !== 'string') return reject('schema', 'subject and body must be strings');
  const subject = draft.subject.trim();
  const body = draft.body.trim();
  if (subject.length < 1 || subject.length > SUBJECT_MAX) return reject('length', `subject of 1 to ${SUBJECT_MAX} characters`);
  if (body.length < BODY_MIN || body.length > BODY_MAX) return reject('length', `body of ${BODY_MIN} to ${BODY_MAX} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(subject + body)) return reject('content', 'control characters');
  for (const text of [subject, body]) {
    if (/[{}]/.test(withoutPlaceholders(text))) return reject('placeholder_malformed', 'a brace outside a well-formed {{NAME}} placeholder');
    const unknown = placeholdersIn(text).filter((p) => !isKnownPlaceholder(spec.documentType, p) || beyondAgenda(p, spec));
    if (unknown.length) return reject('placeholder_unknown', `unknown placeholder ${unknown[0]}`);
    const numbers = strayNumbers(text);
    if (numbers.length) return reject('number_outside_placeholder', `"${numbers[0]}" is not a placeholder`);
    if (/@|https?:\/\/|www\./i.test(text)) return reject('content', 'addresses and links are not allowed');
  }
  const used = new Set([...placeholdersIn(subject), ...placeholdersIn(body)]);
  const missing = requiredOf(spec).filter((p) => !used.has(p));
  if (missing.length) return reject('placeholder_missing', `missing {{${missing[0]}}}`);
  const lang = languageScore(`${subject} ${body}`, spec.locale);
  if (lang.hits < 3 || lang.best !== spec.locale) return reject('language', `not written in ${spec.locale}`);
  const flags: string[] = [];
  let finalBody = body;
  if (spec.documentType === 'reminder' && spec.level) {
    const lacking = LEGAL_MENTIONS[spec.level].filter((p) => !used.has(p));
    if (lacking.length) {
      finalBody = `${body}\n\n${legalFrame(spec.level, spec.locale)}`;
      flags.push('legal_mentions_added');
    }
  }
  if (spec.documentType === 'convocation') {
    const lacking = CONVOCATION_LEGAL_MENTIONS.filter((p) => !used.has(p));
    if (lacking.length) {
      finalBody = `${body}\n\n${convocationFrame(spec.locale)}`;
      flags.push('legal_mentions_added');
    }
  }
  if (finalBody.length > BODY_MAX + 1000) return reject('length', 'body too long with its legal frame');
  return { ok: true, subject, body: finalBody, flags };
}

/**
 * The facts of a verified draft, for comparing a redundant run (grid-design §7.7): the placeholder
 * multiset. Two honest runs of one job agree on it even when their wording differs.
 */
export function factsOf(draft: { subject: string; body: string }): string {
  return [...placeholdersIn(draft.subject), ...placeholdersIn(draft.body)].sort().join(',');
}
