import { AppError } from './errors.ts';

/** The one source of "now". Every rule that depends on today reads it. */
export interface Clock {
  now(): Date;
  /** Today's date (UTC) as YYYY-MM-DD. */
  today(): string;
}

export const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export const systemClock: Clock = {
  now: () => new Date(),
  today: () => isoDate(new Date()),
};

/**
 * A movable clock for test mode, like Stripe's test clocks: it runs from an offset
 * (or stands frozen) and an admin may move it forward or backward.
 */
export class TestClock implements Clock {
  #offsetMs = 0;
  #frozenAt: number | null = null;

  now(): Date {
    return new Date(this.#frozenAt ?? Date.now() + this.#offsetMs);
  }
  today(): string {
    return isoDate(this.now());
  }
  set(at: Date, opts: { frozen?: boolean } = {}): void {
    if (Number.isNaN(at.getTime())) throw new AppError('clock.invalid_time', 'Not a valid time');
    if (opts.frozen) {
      this.#frozenAt = at.getTime();
    } else {
      this.#frozenAt = null;
      this.#offsetMs = at.getTime() - Date.now();
    }
  }
  advance(ms: number): void {
    if (this.#frozenAt !== null) this.#frozenAt += ms;
    else this.#offsetMs += ms;
  }
  reset(): void {
    this.#offsetMs = 0;
    this.#frozenAt = null;
  }
  get state() {
    return { now: this.now().toISOString(), frozen: this.#frozenAt !== null, offsetMs: this.#offsetMs };
  }
}
