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
  #operations = 0;

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

  /**
   * Checks the limits and counts the attempt as a failure before the password is even verified,
   * so parallel guesses cannot all slip under the limit. Returns the seconds to wait (0: go on).
   */
  begin(account: string, address: string): number {
    if (++this.#operations % 1000 === 0) this.#sweep();
    const wait = this.retryAfter(account, address);
    if (wait > 0) return wait;
    this.#push(`a:${account}`);
    this.#push(`ip:${address}`);
    return 0;
  }

  /** How long to delay the answer to a failed attempt (ms): longer with each recent failure. */
  failureDelay(account: string, address: string): number {
    const n = Math.max(this.#recent(`a:${account}`).length, this.#recent(`ip:${address}`).length);
    return Math.min(100 * 2 ** Math.min(Math.max(n, 1) - 1, 5), 2_000);
  }

  /** A successful login clears the account's failures and takes back its attempt from the address. */
  succeed(account: string, address: string): void {
    this.#failures.delete(`a:${account}`);
    this.#recent(`ip:${address}`).pop();
  }

  /** Counts without checking (tests and the delay curve). */
  fail(account: string, address: string): number {
    this.#push(`a:${account}`);
    this.#push(`ip:${address}`);
    return this.failureDelay(account, address);
  }

  /** Drops every key whose failures have all left the window, so random names cannot grow the map. */
  #sweep(): void {
    for (const key of [...this.#failures.keys()]) this.#recent(key);
  }

  get trackedKeys(): number {
    return this.#failures.size;
  }

  #recent(key: string): number[] {
    const since = this.#clock.now().getTime() - this.#limits.windowSeconds * 1000;
    const kept = (this.#failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length) this.#failures.set(key, kept);
    else this.#failures.delete(key);
    return kept;
  }

  #push(key: string): void {
    const list = this.#recent(key);
    list.push(this.#clock.now().getTime());
    this.#failures.set(key, list);
  }

  #wait(key: string, max: number): number {
    const list = this.#recent(key);
    if (list.length < max) return 0;
    const oldestCounted = list[list.length - max]!;
    const until = oldestCounted + this.#limits.windowSeconds * 1000;
    return Math.max(1, Math.ceil((until - this.#clock.now().getTime()) / 1000));
  }
}
