import type { Clock } from '../../platform/clock.ts';

/**
 * Counts failed logins per account and per address in a sliding window. Over the limit, login
 * answers 429 whatever the password, for existing and unknown accounts alike; each failure
 * also waits a little longer before answering (slowing guessing without revealing anything).
 */
export interface ThrottleLimits { maxFailuresPerAccount: number; maxFailuresPerAddress: number; windowSeconds: number }

export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #limits: ThrottleLimits;
  readonly #clock: Clock;

  constructor(limits: ThrottleLimits, clock: Clock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Seconds until a new attempt is allowed, or 0 when allowed now. */
  retryAfter(account: string, address: string): number {
    return Math.max(
      this.#wait(`a:${account}`, this.#limits.maxFailuresPerAccount),
      this.#wait(`ip:${address}`, this.#limits.maxFailuresPerAddress),
    );
  }

  /** Records a failure and returns how long to delay the answer (ms). */
  fail(account: string, address: string): number {
    const n = Math.max(this.#push(`a:${account}`), this.#push(`ip:${address}`));
    return Math.min(100 * 2 ** Math.min(n - 1, 5), 2_000);
  }

  succeed(account: string): void {
    this.#failures.delete(`a:${account}`);
  }

  #recent(key: string): number[] {
    const since = this.#clock.now().getTime() - this.#limits.windowSeconds * 1000;
    const kept = (this.#failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length) this.#failures.set(key, kept);
    else this.#failures.delete(key);
    return kept;
  }

  #push(key: string): number {
    const list = this.#recent(key);
    list.push(this.#clock.now().getTime());
    this.#failures.set(key, list);
    return list.length;
  }

  #wait(key: string, max: number): number {
    const list = this.#recent(key);
    if (list.length < max) return 0;
    const oldestCounted = list[list.length - max]!;
    const until = oldestCounted + this.#limits.windowSeconds * 1000;
    return Math.max(1, Math.ceil((until - this.#clock.now().getTime()) / 1000));
  }
}
