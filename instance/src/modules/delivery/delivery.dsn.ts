import { AppError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';

/**
 * A small, strict reader of delivery status notifications (RFC 3464): a `multipart/report;
 * report-type=delivery-status` message whose `message/delivery-status` part holds per-message
 * fields (Original-Envelope-Id…) and one block per recipient (Final-Recipient, Action, Status,
 * Diagnostic-Code). Pure, no I/O. It reads only what it needs to match a bounce to our delivery:
 * the envelope id we set (ENVID = delivery id) or, in the returned message, our
 * `X-KoproGo-Delivery` header or `Message-ID: <deliveryId@koprogo>`.
 */

export interface DsnRecipient {
  finalRecipient: string | null;
  originalRecipient: string | null;
  action: string;
  status: string;
  diagnostic: string | null;
}
export interface Dsn { deliveryId: string | null; recipients: DsnRecipient[] }

const invalid = (message: string) => new AppError('delivery.dsn_invalid', message);

/** Splits a header block into (lower-case name, unfolded value) pairs, in order. */
export function headerFields(block: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && out.length > 0) out[out.length - 1]![1] += ` ${line.trim()}`;
    else {
      const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
      if (m) out.push([m[1]!.toLowerCase(), m[2]!.trim()]);
    }
  }
  return out;
}
const field = (fields: Array<[string, string]>, name: string) => fields.find(([n]) => n === name)?.[1] ?? null;

function splitHead(entity: string): { head: string; body: string } {
  const m = /\r?\n\r?\n/.exec(entity);
  return m ? { head: entity.slice(0, m.index), body: entity.slice(m.index + m[0].length) } : { head: entity, body: '' };
}

/** A Content-Type parameter (quoted or not). */
function param(contentType: string, name: string): string | null {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function decodeBody(fields: Array<[string, string]>, body: string): string {
  const cte = (field(fields, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === '7bit' || cte === '8bit' || cte === 'binary') return body;
  throw invalid(`Unsupported transfer encoding of the delivery-status part: ${cte}`);
}

/** `rfc822; alice@example.test` → `alice@example.test` (other address types are kept as they are). */
function addressOf(v: string | null): string | null {
  if (!v) return null;
  const m = /^\s*rfc822\s*;\s*<?([^>\s]+)>?\s*$/i.exec(v);
  return (m ? m[1]! : v).toLowerCase();
}

/** Our delivery id in the returned message or its headers, if any. */
function deliveryIdInReturnedMessage(text: string): string | null {
  const header = /^X-KoproGo-Delivery:[ \t]*([0-9a-f-]{36})[ \t]*$/im.exec(text);
  if (header && isUuid(header[1]!)) return header[1]!;
  const messageId = /^Message-ID:[ \t]*<([0-9a-f-]{36})@koprogo>/im.exec(text);
  return messageId && isUuid(messageId[1]!) ? messageId[1]! : null;
}

export function parseDsn(raw: string): Dsn {
  const top = splitHead(raw);
  const topFields = headerFields(top.head);
  const contentType = field(topFields, 'content-type') ?? '';
  if (!/^multipart\/report\b/i.test(contentType) || (param(contentType, 'report-type') ?? '').toLowerCase() !== 'delivery-status') {
    throw invalid('Not a delivery status notification: expected Content-Type multipart/report; report-type=delivery-status');
  }
  const boundary = param(contentType, 'boundary');
  if (!boundary) throw invalid('The multipart/report has no boundary');
  const delimiter = `--${boundary}`;
  const parts = top.body.split(new RegExp(`\\r?\\n?${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`)).slice(1, -1);
  let status: string | null = null;
  let returned = '';
  for (const part of parts) {
    const { head, body } = splitHead(part);
    const fields = headerFields(head);
    const type = (field(fields, 'content-type') ?? 'text/plain').toLowerCase();
    if (type.startsWith('message/delivery-status') || type.startsWith('message/global-delivery-status')) {
      if (status !== null) throw invalid('More than one delivery-status part');
      status = decodeBody(fields, body);
    } else if (type.startsWith('message/rfc822') || type.startsWith('text/rfc822-headers') || type.startsWith('message/global')) {
      returned += body;
    }
  }
  if (status === null) throw invalid('No message/delivery-status part');
  const blocks = status.split(/\r?\n[ \t]*\r?\n/).map((b) => b.trim()).filter(Boolean).map(headerFields);
  const [perMessage, ...perRecipient] = blocks;
  if (!perMessage || perRecipient.length === 0) throw invalid('The delivery-status part has no recipient block');
  const recipients = perRecipient.map((f): DsnRecipient => {
    const action = (field(f, 'action') ?? '').toLowerCase();
    const st = (field(f, 'status') ?? '').split(/\s/)[0]!;
    if (!['failed', 'delayed', 'delivered', 'relayed', 'expanded'].includes(action)) throw invalid(`Bad Action field: "${action}"`);
    if (!/^[245]\.\d{1,3}\.\d{1,3}$/.test(st)) throw invalid(`Bad Status field: "${st}"`);
    return { finalRecipient: addressOf(field(f, 'final-recipient')), originalRecipient: addressOf(field(f, 'original-recipient')),
      action, status: st, diagnostic: field(f, 'diagnostic-code')?.slice(0, 500) ?? null };
  });
  if (recipients.some((r) => r.finalRecipient === null)) throw invalid('A recipient block has no Final-Recipient');
  const envid = field(perMessage, 'original-envelope-id');
  const deliveryId = envid && isUuid(envid) ? envid : deliveryIdInReturnedMessage(returned);
  return { deliveryId, recipients };
}

/** The recipient block that reports a permanent failure for `email`, if any. */
export function permanentFailureFor(dsn: Dsn, email: string): DsnRecipient | null {
  const addr = email.toLowerCase();
  return dsn.recipients.find((r) => (r.finalRecipient === addr || r.originalRecipient === addr)
    && r.action === 'failed' && r.status.startsWith('5.')) ?? null;
}
