import { AppError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';

/**
 * Rules of notifications, live events and webhooks. Pure: no I/O.
 * An event is published by another module inside its transaction; its payload holds ids and
 * figures, never personal contact data (the event reaches webhooks outside the instance).
 */

export type Recipients = readonly string[] | 'organization-admins' | 'none';

export interface EventInput {
  organizationId: string;
  type: string;
  payload: Record<string, unknown>;
  recipients: Recipients;
}

/** The event as it travels: on pg_notify, on the WebSocket and as a webhook body. */
export interface LiveEvent {
  id: string;
  type: string;
  organizationId: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

export const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
/**
 * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; the whole notification
 * (organization id + event) must stay under it, so the event payload is capped well below.
 */
export const MAX_PAYLOAD_BYTES = 6000;
/** Keys that would carry contact data: refused anywhere in a payload. */
export const CONTACT_KEYS: ReadonlySet<string> = new Set(['email', 'phone', 'mobile', 'street', 'address', 'postalcode',
  'city', 'firstname', 'lastname', 'birthdate']);


function contactKeyIn(v: unknown): string | null {
  if (Array.isArray(v)) {
    for (const x of v) { const k = contactKeyIn(x); if (k) return k; }
    return null;
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (CONTACT_KEYS.has(k.toLowerCase().replace(/[_-]/g, ''))) return k;
      const inner = contactKeyIn(x);
      if (inner) return inner;
    }
  }
  return null;
}

/** Checks an event before it is written: programming errors of the publishing module surface as 422. */
export function checkEvent(e: EventInput): void {
  if (!isUuid(e.organizationId)) throw new AppError('notification.invalid_event', 'organizationId must be a uuid', { field: 'organizationId' });
  if (!EVENT_TYPE.test(e.type) || e.type.length > 100) {
    throw new AppError('notification.invalid_event', 'type must be dotted lower-case words, e.g. reminder.approved', { field: 'type' });
  }
  if (e.payload === null || typeof e.payload !== 'object' || Array.isArray(e.payload)) {
    throw new AppError('notification.invalid_event', 'payload must be an object', { field: 'payload' });
  }
  const key = contactKeyIn(e.payload);
  if (key) throw new AppError('notification.invalid_event', `payload must not carry contact data (key ${key})`, { field: `payload.${key}` });
  if (new TextEncoder().encode(JSON.stringify(e.payload)).length > MAX_PAYLOAD_BYTES) {
    throw new AppError('notification.invalid_event', `payload is over ${MAX_PAYLOAD_BYTES} bytes`, { field: 'payload' });
  }
  if (Array.isArray(e.recipients) && !e.recipients.every((u) => typeof u === 'string' && isUuid(u))) {
    throw new AppError('notification.invalid_event', 'recipients must be user ids', { field: 'recipients' });
  }
}

/** Whether a webhook subscribed to these types receives this event (`*`: every event). */
export function subscribes(eventTypes: readonly string[], type: string): boolean {
  return eventTypes.includes('*') || eventTypes.includes(type);
}

/** The text signed for a delivery: `<unix seconds>.<raw body>` (the scheme receivers verify). */
export function signedText(unixSeconds: number, body: string): string {
  return `${unixSeconds}.${body}`;
}

/** The `X-KoproGo-Signature` header value, from the hex HMAC of `signedText`. */
export function signatureHeader(unixSeconds: number, hexMac: string): string {
  return `t=${unixSeconds},v1=${hexMac}`;
}

/** A receiver's 2xx is a delivery; anything else (3xx too: redirects are not followed) is retried. */
export const isDelivered = (statusCode: number | null) => statusCode !== null && statusCode >= 200 && statusCode < 300;

/** After `attempt` (1-based), with `retryLimit` retries allowed, is there another try? */
export const willRetry = (attempt: number, retryLimit: number) => attempt <= retryLimit;

/**
 * Reads a `koprogo_events` notification; anything malformed is ignored (null), never forwarded.
 */
export function parseEventMessage(text: string): LiveEvent | null {
  let v: unknown;
  try { v = JSON.parse(text); } catch { return null; }
  if (v === null || typeof v !== 'object') return null;
  const e = v as Partial<LiveEvent>;
  if (typeof e.id !== 'string' || typeof e.type !== 'string' || typeof e.organizationId !== 'string'
    || typeof e.occurredAt !== 'string' || e.payload === null || typeof e.payload !== 'object') return null;
  return { id: e.id, type: e.type, organizationId: e.organizationId, occurredAt: e.occurredAt, payload: e.payload };
}

/** The first WebSocket message must be `{ "type": "auth", "token": "…" }`. */
export function parseAuthMessage(text: string): string | null {
  let v: unknown;
  try { v = JSON.parse(text); } catch { return null; }
  if (v === null || typeof v !== 'object') return null;
  const m = v as { type?: unknown; token?: unknown };
  return m.type === 'auth' && typeof m.token === 'string' && m.token.length > 0 && m.token.length <= 4096 ? m.token : null;
}
