import type { Logger } from 'pino';
import type { Pool } from '../../platform/db.ts';
import { parseEventMessage, type LiveEvent } from './notifications.domain.ts';

export const EVENTS_CHANNEL = 'koprogo_events';

type Subscriber = (event: LiveEvent) => void;

/**
 * One `LISTEN koprogo_events` per application (postgres.js keeps it on its own connection and
 * re-listens after a reconnect), fanned out in memory to the subscribers of each organization.
 * Started on the first subscription, stopped when the application closes.
 */
export class EventHub {
  readonly #sql: Pool;
  readonly #logger: Logger;
  readonly #byOrg = new Map<string, Set<Subscriber>>();
  #listening: Promise<{ unlisten(): Promise<void> }> | null = null;

  constructor(sql: Pool, logger: Logger) {
    this.#sql = sql;
    this.#logger = logger;
  }

  /** Resolves once the listener is in place, so an event committed afterwards reaches `fn`. */
  async subscribe(organizationId: string, fn: Subscriber): Promise<() => void> {
    let set = this.#byOrg.get(organizationId);
    if (!set) this.#byOrg.set(organizationId, set = new Set());
    set.add(fn);
    const unsubscribe = () => {
      set.delete(fn);
      if (set.size === 0 && this.#byOrg.get(organizationId) === set) this.#byOrg.delete(organizationId);
    };
    try {
      await this.#start();
    } catch (e) {
      unsubscribe();
      throw e;
    }
    return unsubscribe;
  }

  subscriberCount(organizationId: string): number {
    return this.#byOrg.get(organizationId)?.size ?? 0;
  }

  #start() {
    this.#listening ??= this.#sql.listen(EVENTS_CHANNEL, (text) => this.#dispatch(text)).catch((e: unknown) => {
      this.#listening = null;
      throw e;
    });
    return this.#listening;
  }

  #dispatch(text: string): void {
    const event = parseEventMessage(text);
    if (!event) {
      this.#logger.warn('ignored a malformed koprogo_events notification');
      return;
    }
    for (const fn of this.#byOrg.get(event.organizationId) ?? []) {
      try { fn(event); } catch (err) { this.#logger.warn({ err }, 'a live-event subscriber failed'); }
    }
  }

  async close(): Promise<void> {
    const l = this.#listening;
    this.#listening = null;
    this.#byOrg.clear();
    if (l) await (await l.catch(() => null))?.unlisten().catch(() => {});
  }
}
