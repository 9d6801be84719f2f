/**
 * Delivery policy (design §6.3–6.6), pure: the retry curve, how an answer is classified, and
 * the per-peer circuit breaker.
 */
export const MAX_RETRIES = 16;

/** Delay before retry n (0…15): n⁴ + 15 s + jitter in [0, 0.5·n⁴] (Mastodon's curve), in ms. */
export function retryDelayMs(n: number, random: () => number = Math.random): number {
  const base = n ** 4;
  return Math.round((base + 15 + random() * 0.5 * base) * 1000);
}

export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'permanent'; reason: string }
  | { kind: 'resign_once'; reason: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number; countsForCircuit: boolean };

const PERMANENT = new Set([400, 403, 404, 409, 410, 413, 415, 422]);
const RESIGN = /^(clock_skew|key_[a-z_]+|replayed)$/;

/** Classifies an inbox answer (or a network error: status 0). 409 = equivocation: never resent as is. */
export function classifyAnswer(status: number, reason: string | undefined, retryAfter: string | undefined): Outcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (PERMANENT.has(status)) return { kind: 'permanent', reason: reason ?? `http_${status}` };
  if (status === 401 && reason && RESIGN.test(reason)) return { kind: 'resign_once', reason };
  if (status === 429) {
    const secs = Number(retryAfter);
    return { kind: 'retry', reason: 'rate_limited', countsForCircuit: false, ...(Number.isFinite(secs) && secs > 0 ? { retryAfterMs: Math.min(secs, 3600) * 1000 } : {}) };
  }
  return { kind: 'retry', reason: status === 0 ? (reason ?? 'network') : (reason ?? `http_${status}`), countsForCircuit: true };
}

export interface CircuitState {
  state: 'closed' | 'open' | 'half_open';
  failures: number;
  firstFailureAt: number | null;
  openedAt: number | null;
}

export const CIRCUIT_THRESHOLD = 5;
export const CIRCUIT_WINDOW_MS = 10 * 60_000;
export const CIRCUIT_COOL_OFF_MS = 30 * 60_000;

export const closedCircuit = (): CircuitState => ({ state: 'closed', failures: 0, firstFailureAt: null, openedAt: null });

/** Whether a delivery may be attempted now (an open circuit allows one trial after the cool-off). */
export function mayAttempt(c: CircuitState, now: number): boolean {
  if (c.state === 'closed' || c.state === 'half_open') return true;
  return c.openedAt !== null && now - c.openedAt >= CIRCUIT_COOL_OFF_MS;
}

export function afterSuccess(): CircuitState {
  return closedCircuit();
}

/** Opens after 5 consecutive failures within 10 min; a failed half-open trial re-opens at once. */
export function afterFailure(c: CircuitState, now: number): CircuitState {
  if (c.state !== 'closed') return { state: 'open', failures: c.failures + 1, firstFailureAt: c.firstFailureAt, openedAt: now };
  const fresh = c.firstFailureAt === null || now - c.firstFailureAt > CIRCUIT_WINDOW_MS;
  const failures = fresh ? 1 : c.failures + 1;
  const firstFailureAt = fresh ? now : c.firstFailureAt;
  return failures >= CIRCUIT_THRESHOLD
    ? { state: 'open', failures, firstFailureAt, openedAt: now }
    : { state: 'closed', failures, firstFailureAt, openedAt: null };
}
