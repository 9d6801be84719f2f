import type { FedDeps } from './federation.identity.ts';
import { INBOX_QUEUE, nameUuid } from './federation.outbox.ts';
import { processBatch, processInboxActivity } from './federation.process.ts';

/**
 * The inbox table is the queue: an accepted activity is a `received` row, committed with its nonce.
 * Right after the commit the receiving process drains received rows in the background (debounced:
 * one drain at a time per instance). A row whose handler throws is marked `failed` and handed to the
 * `fed.inbox.process` job (retries with back-off, then its dead-letter queue). Rows left `received`
 * by a crash are swept by the maintenance job. Why not one job per activity: sending it cost about
 * 1.1 ms of CPU per activity (server and PostgreSQL), measured with bench/federation-inbox.bench.ts.
 */
const state = new WeakMap<object, { running: boolean; again: boolean }>();
const BATCH = 200;

export function kickInboxDrain(deps: FedDeps): void {
  const s = state.get(deps.config) ?? { running: false, again: false };
  state.set(deps.config, s);
  if (s.running) { s.again = true; return; }
  s.running = true;
  setImmediate(() => {
    drain(deps, s).catch((err: unknown) => deps.logger.warn({ err }, 'federation: inbox drain failed; maintenance will retry'))
      .finally(() => { s.running = false; });
  });
}

async function drain(deps: FedDeps, s: { again: boolean }): Promise<void> {
  for (;;) {
    s.again = false;
    const rows = await deps.sql<{ activityId: string }[]>`select activity_id as "activityId" from fed_inbox
      where state = 'received' order by received_at limit ${BATCH}`;
    const ids = rows.map((r) => r.activityId);
    try {
      await processBatch(deps, ids);
    } catch {
      for (const id of ids) await processOrHandOver(deps, id); // find the culprit row by row
    }
    if (rows.length < BATCH && !s.again) return;
  }
}

export async function processOrHandOver(deps: FedDeps, activityId: string): Promise<void> {
  try {
    await processInboxActivity(deps, activityId);
  } catch (err) {
    deps.logger.warn({ err, activityId }, 'federation: processing a received activity failed; handed to the job queue');
    await deps.sql`update fed_inbox set state = 'failed', error = ${String((err as Error).message).slice(0, 500)} where activity_id = ${activityId} and state = 'received'`;
    if (deps.boss) await deps.boss.send(INBOX_QUEUE, { activityId }, { id: nameUuid(`inbox ${activityId}`) });
  }
}
