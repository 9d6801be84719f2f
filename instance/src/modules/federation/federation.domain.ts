/**
 * Federation rules that need no I/O: our public URLs, origin binding, small-cell suppression, the
 * continuity statement a rotated key is signed over, and the per-peer token bucket.
 */

export interface Origin { base: string; host: string; actorId: string; inboxUrl: string }

/** Our public origin: PUBLIC_URL, or the address we listen on. Every id we mint starts with it. */
export function originOf(publicUrl: string | undefined, host: string, port: number): Origin {
  const base = (publicUrl ?? `http://${host}:${port}`).replace(/\/+$/, '');
  return { base, host: new URL(base).host, actorId: `${base}/fed/actor`, inboxUrl: `${base}/fed/inbox` };
}

export const hostOf = (url: string): string | null => {
  try { return new URL(url).host; } catch { return null; }
};

/** Origin binding: the activity's id and actor live on the host whose key signed the request. */
export function originBound(activity: { id: string; actor: string }, signerHost: string): boolean {
  return hostOf(activity.id) === signerHost && hostOf(activity.actor) === signerHost;
}

/** Counts below 10 are not published (small-cell suppression). */
export const SMALL_CELL = 10;
export const suppressSmall = (n: number): number | null => (n < SMALL_CELL ? null : n);

/** What both the previous and the new key sign when a key is rotated. */
export function continuityStatement(actorId: string, newKeyId: string, newPublicKey: string, previousKeyId: string): string {
  return `copro-fed/1 key-continuity\n${actorId}\n${previousKeyId}\n${newKeyId}\n${newPublicKey}`;
}

export function monthKeyId(actorId: string, at: Date, suffix: string): string {
  return `${actorId}#ed25519-${at.toISOString().slice(0, 7)}-${suffix}`;
}

/** A token bucket per key (peer host or client address): `rate` tokens per second, up to `burst`. */
export class TokenBuckets {
  readonly rate: number;
  readonly burst: number;
  #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(rate: number, burst: number) {
    this.rate = rate;
    this.burst = burst;
  }

  /** Takes one token; returns 0 when allowed, else the seconds to wait. */
  take(key: string, nowMs: number): number {
    const b = this.#buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    const tokens = Math.min(this.burst, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * this.rate);
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: nowMs });
      return 0;
    }
    this.#buckets.set(key, { tokens, at: nowMs });
    if (this.#buckets.size > 10_000) this.#buckets.delete(this.#buckets.keys().next().value!);
    return Math.max(1, Math.ceil((1 - tokens) / this.rate));
  }
}

/** Which activities a receiver accepts (published in the instance document). */
export const SUPPORTED_ACTIVITIES = ['Create{copro:StatsBulletin}', 'Update{Service}', 'Block{Service}', 'Offer{copro:BuildingTransfer}', 'Accept{copro:BuildingTransfer}'];
