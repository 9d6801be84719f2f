import type { Db } from '../../platform/db.ts';
import type { Clock } from '../../platform/clock.ts';
import { ASSEMBLY_CHANNEL } from './live.hub.ts';
import { ackOrRefusal, type VoteAck, type VoteInput } from './voting.service.ts';
import { castBallots, type BatchBallot } from './voting.repo.ts';

/**
 * Group commit of live ballots: while one batch is being written, new ballots wait, then go
 * together in the next statement (one transaction, one WAL flush for all of them). A voter who
 * sends twice in the same window has the second ballot written in the following batch, so a batch
 * never touches the same (resolution, owner) twice and the later vote wins, as it would one by one.
 */

interface Pending { org: string; meetingId: string; ballot: BatchBallot; input: VoteInput; resolve: (a: VoteAck) => void; reject: (e: unknown) => void }

export const MAX_BATCH = 500;

export class BallotQueue {
  readonly #sql: Db;
  readonly #clock: Clock;
  #queue: Pending[] = [];
  #running = false;

  constructor(sql: Db, clock: Clock) {
    this.#sql = sql;
    this.#clock = clock;
  }

  cast(org: string, meetingId: string, itemId: string, input: VoteInput, asHolder: string): Promise<VoteAck> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ org, meetingId, input, resolve, reject,
        ballot: { itemId, personId: input.personId, choice: input.choice, clientVoteId: input.clientVoteId ?? null, asHolder } });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#take();
        await this.#write(batch);
      }
    } finally {
      this.#running = false;
    }
  }

  /** The oldest ballots of one meeting, at most one per (resolution, owner), at most MAX_BATCH. */
  #take(): Pending[] {
    const first = this.#queue[0]!;
    const seen = new Set<string>();
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of this.#queue) {
      const key = `${p.ballot.itemId}/${p.ballot.personId}`;
      if (batch.length < MAX_BATCH && p.org === first.org && p.meetingId === first.meetingId && !seen.has(key)) {
        seen.add(key);
        batch.push(p);
      } else {
        seen.add(key); // a later ballot of the same owner must not overtake this one
        rest.push(p);
      }
    }
    this.#queue = rest;
    return batch;
  }

  async #write(batch: Pending[]): Promise<void> {
    const { org, meetingId } = batch[0]!;
    try {
      const outcomes = await castBallots(this.#sql, org, meetingId, batch.map((p) => p.ballot), 'live', this.#clock.now(), ASSEMBLY_CHANNEL);
      batch.forEach((p, i) => {
        try { p.resolve(ackOrRefusal(outcomes[i]!, p.ballot.itemId, p.input, p.ballot.asHolder)); } catch (e) { p.reject(e); }
      });
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }
}
