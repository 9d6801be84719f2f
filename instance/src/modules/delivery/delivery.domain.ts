import { emailConsentActive, type EmailConsent } from '../persons/persons.domain.ts';

/** Pure rules of delivery: channel choice, SMTP failure classes, the window-envelope address block. */

export const DELIVERY_PURPOSES = ['reminder', 'convocation', 'minutes', 'notice'] as const;
export type DeliveryPurpose = (typeof DELIVERY_PURPOSES)[number];
export type Channel = 'email' | 'post';
export type DeliveryStatus = 'queued' | 'sent' | 'failed' | 'bounced' | 'printed';

/** pg-boss retries of one e-mail (then the delivery is marked failed). */
export const SEND_RETRY_LIMIT = 5;

/**
 * E-mail only when the person has an address AND an active written acceptance of e-mail on `date`
 * (C. civ. 3.87 §3, rules doc §4 R02); otherwise post. The same rule for every purpose: the
 * acceptance is the owner's choice of channel, a reminder by e-mail without it would be weaker evidence.
 */
export function chooseChannel(p: { email: string | null; consent: EmailConsent | null }, date: string): Channel {
  return p.email && emailConsentActive(p.consent, date) ? 'email' : 'post';
}

/** An SMTP rejection with a 5xx reply is permanent (RFC 5321 §4.2.1): no retry. */
export function isPermanentSmtpFailure(err: unknown): boolean {
  const code = smtpReplyOf(err).code;
  return code !== null && code >= 500 && code <= 599;
}

/** The reply code and the command it answered (nodemailer's `responseCode` / `command`), when the server answered. */
export function smtpReplyOf(err: unknown): { code: number | null; command: string | null } {
  const e = err as { responseCode?: unknown; command?: unknown } | null;
  const code = typeof e?.responseCode === 'number' && e.responseCode >= 200 && e.responseCode <= 599 ? e.responseCode : null;
  const command = typeof e?.command === 'string' ? e.command.slice(0, 40) : null;
  return { code, command };
}

/**
 * What one failed send means. A 5xx answer to RCPT TO or DATA is the recipient's server refusing
 * this message (unknown mailbox, rejected content): a bounce, final, never retried blindly. A 5xx
 * to anything else (MAIL FROM, AUTH) is our own setup being refused: the delivery fails and the
 * operator retries it once fixed. A 4xx or no answer at all (connection refused, timeout) is
 * temporary: retried with backoff, and failed after the last retry.
 */
export type FailureClass = 'bounced' | 'failed' | 'retry';
export function classifySmtpFailure(err: unknown, lastAttempt: boolean): FailureClass {
  const { code, command } = smtpReplyOf(err);
  if (code !== null && code >= 500) return command === 'RCPT TO' || command === 'DATA' ? 'bounced' : 'failed';
  return lastAttempt ? 'failed' : 'retry';
}

/** A bounce can be recorded on an e-mail that left (sent) or that the server refused (failed); never twice. */
export function canBounce(status: DeliveryStatus, channel: Channel): boolean {
  return channel === 'email' && (status === 'sent' || status === 'failed');
}

/** The text kept in last_error: the SMTP reply when there is one, bounded. */
export function errorText(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; message?: string } | null;
  const text = e?.response ?? e?.message ?? String(err);
  return text.slice(0, 1000);
}

/** One can send while queued only; a failed delivery goes back to queued through an explicit retry. */
export function canRetry(status: DeliveryStatus, channel: Channel): boolean {
  return status === 'failed' && channel === 'email';
}

export interface PostalAddress { name: string; street: string; postalCode: string; city: string; country: string }

export const MM = 72 / 25.4;
/**
 * Address block for a right-hand window envelope, Belgian C5/6 (114 × 229 mm) or DL (110 × 220 mm),
 * A4 folded in three (99 mm panels). The common window is 100 × 45 mm, 20 mm from the right edge and
 * 15 mm from the bottom of the envelope. With the sheet centred sideways (≈ 9.5 mm play on C5/6) and
 * up to ≈ 15 mm vertical play, the block is kept 5 mm inside the window on every side:
 * left edge 110 mm from the sheet's left edge, first line 57 mm from its top, at most 5 lines of
 * 11 pt (≈ 4.9 mm each, 25 mm in all), 80 mm wide (ends at 190 mm). Sender line above it in 7 pt.
 * Coordinates below are in millimetres from the top-left corner of the A4 page (210 × 297 mm).
 */
export const WINDOW_BLOCK = { leftMm: 110, topMm: 57, widthMm: 80, lineMm: 4.9, maxLines: 5, fontSize: 11 } as const;

/** The lines printed in the window: name, street, postal code + city, country when not Belgium. */
export function addressLines(a: PostalAddress): string[] {
  const lines = [a.name, a.street, `${a.postalCode} ${a.city}`];
  if (a.country !== 'BE') lines.push(countryName(a.country));
  return lines.slice(0, WINDOW_BLOCK.maxLines);
}

const COUNTRIES: Record<string, string> = { NL: 'PAYS-BAS', FR: 'FRANCE', DE: 'ALLEMAGNE', LU: 'LUXEMBOURG' };
function countryName(code: string): string {
  return COUNTRIES[code] ?? code;
}
