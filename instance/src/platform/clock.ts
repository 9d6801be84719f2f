import { AppError } from './errors.ts';

/** The one source of "now". Every rule that depends on today reads it. */
export interface Clock {
  now(): Date;
  /** Today's date (UTC) as YYYY-MM-DD. */
  today(): string;
}

/**
 * The calendar date of an instant in the jurisdiction's time zone: Belgian legal delays count in
 * Belgian days, so at 00:30 in Brussels it is already tomorrow there while UTC says yesterday.
 */
export const LEGAL_TIME_ZONE = 'Europe/Brussels';
const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: LEGAL_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
export const isoDate = (d: Date) => dateFormat.format(d); // en-CA formats as YYYY-MM-DD

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
