import type { Logger } from 'pino';
import type { Db, Pool } from '../../platform/db.ts';

/**
 * Live fan-out of a meeting (resolution opened/closed, ballots recorded) through PostgreSQL
 * LISTEN/NOTIFY on `koprogo_assembly`: sent inside the use case's transaction, so subscribers hear
 * only committed changes, on whichever instance process they are connected to.
 */

export const ASSEMBLY_CHANNEL = 'koprogo_assembly';

export interface LiveNotice { organizationId: string; meetingId: string; message: Record<string, unknown> & { type: string } }

export async function publishLive(tx: Db, notice: LiveNotice): Promise<void> {
  await tx`select pg_notify(${ASSEMBLY_CHANNEL}, ${JSON.stringify(notice)})`;
}

type Subscriber = (notice: LiveNotice) => void;

function parseNotice(text: string): LiveNotice | null {
  try {
    const v = JSON.parse(text) as Partial<LiveNotice>;
    return typeof v.organizationId === 'string' && typeof v.meetingId === 'string' && v.message && typeof v.message.type === 'string'
      ? (v as LiveNotice) : null;
  } catch {
    return null;
  }
}

/** One LISTEN per application, fanned out in memory to the sockets of each meeting. */
export class MeetingHub {
  readonly #sql: Pool;
  readonly #logger: Logger;
  readonly #byMeeting = new Map<string, Set<Subscriber>>();
  /** Subscribers that also want every recorded ballot (the chair's view); voters do not get them. */
  readonly #ballotWatchers = new Map<string, Set<Subscriber>>();
  #listening: Promise<{ unlisten(): Promise<void> }> | null = null;

  constructor(sql: Pool, logger: Logger) {
    this.#sql = sql;
    this.#logger = logger;
  }

  /** Resolves once the listener is in place, so a change committed afterwards reaches `fn`. */
  async subscribe(organizationId: string, meetingId: string, fn: Subscriber, opts: { ballots: boolean }): Promise<() => void> {
    const key = `${organizationId}/${meetingId}`;
    const sets = opts.ballots ? [this.#byMeeting, this.#ballotWatchers] : [this.#byMeeting];
    const added = sets.map((map) => {
      let set = map.get(key);
      if (!set) map.set(key, set = new Set());
      set.add(fn);
      return [map, set] as const;
    });
    const unsubscribe = () => {
      for (const [map, set] of added) {
        set.delete(fn);
        if (set.size === 0 && map.get(key) === set) map.delete(key);
      }
    };
    try {
      this.#listening ??= this.#sql.listen(ASSEMBLY_CHANNEL, (text) => this.#dispatch(text)).catch((e: unknown) => {
        this.#listening = null;
        throw e;
      });
      await this.#listening;
    } catch (e) {
      unsubscribe();
      throw e;
    }
    return unsubscribe;
  }

  #dispatch(text: string): void {
    const notice = parseNotice(text);
    if (!notice) {
      this.#logger.warn('ignored a malformed koprogo_assembly notification');
      return;
    }
    // A ballot goes to the chair's view only: with 1,000 voters connected, not a million callbacks per vote round.
    const map = notice.message.type === 'vote.recorded' ? this.#ballotWatchers : this.#byMeeting;
    for (const fn of map.get(`${notice.organizationId}/${notice.meetingId}`) ?? []) {
      try { fn(notice); } catch (err) { this.#logger.warn({ err }, 'a meeting subscriber failed'); }
    }
  }

  async close(): Promise<void> {
    const l = this.#listening;
    this.#listening = null;
    this.#byMeeting.clear();
    this.#ballotWatchers.clear();
    if (l) await (await l.catch(() => null))?.unlisten().catch(() => {});
  }
}
