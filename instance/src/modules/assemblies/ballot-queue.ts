import type { Db } from '../../platform/db.ts';
import type { Clock } from '../../platform/clock.ts';
import { ASSEMBLY_CHANNEL } from './live.hub.ts';
import { ackOrRefusal, type VoteAck, type VoteInput } from './voting.service.ts';
import { castBallots, type BatchBallot } from './voting.repo.ts';

/**
 * Group commit of live ballots: arriving ballots are written together, one statement (one
 * transaction, one WAL flush) per batch, with up to MAX_PARALLEL batches in flight on the pool.
 * Order per owner is kept: a ballot waits while an earlier ballot of the same owner on the same
 * resolution is queued before it or still being written, so the later vote always wins, and a
 * batch never touches the same (resolution, owner) twice.
 */

interface Pending { org: string; meetingId: string; key: string; ballot: BatchBallot; input: VoteInput;
  resolve: (a: VoteAck) => void; reject: (e: unknown) => void }

export const MAX_BATCH = 250;
export const MAX_PARALLEL = 4;

export class BallotQueue {
  readonly #sql: Db;
  readonly #clock: Clock;
  #queue: Pending[] = [];
  readonly #writing = new Set<string>();
  #inFlight = 0;

  constructor(sql: Db, clock: Clock) {
    this.#sql = sql;
    this.#clock = clock;
  }

  cast(org: string, meetingId: string, itemId: string, input: VoteInput, asHolder: string): Promise<VoteAck> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ org, meetingId, key: `${itemId}/${input.personId}`, input, resolve, reject,
        ballot: { itemId, personId: input.personId, choice: input.choice, clientVoteId: input.clientVoteId ?? null, asHolder } });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < MAX_PARALLEL && this.#queue.length > 0) {
      const batch = this.#take();
      if (batch.length === 0) return; // everything queued waits for a ballot being written
      this.#inFlight++;
      for (const p of batch) this.#writing.add(p.key);
      void this.#write(batch).finally(() => {
        this.#inFlight--;
        for (const p of batch) this.#writing.delete(p.key);
        this.#pump();
      });
    }
  }

  /** The oldest writable ballots of the first meeting in line: one per (resolution, owner), at most MAX_BATCH. */
  #take(): Pending[] {
    const first = this.#queue.find((p) => !this.#writing.has(p.key));
    if (!first) return [];
    const blocked = new Set(this.#writing);
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of this.#queue) {
      if (batch.length < MAX_BATCH && p.org === first.org && p.meetingId === first.meetingId && !blocked.has(p.key)) batch.push(p);
      else rest.push(p);
      blocked.add(p.key); // a later ballot of the same owner must not overtake this one
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
