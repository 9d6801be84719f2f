import type { Deps } from '../../platform/deps.ts';
import { deliverOnce } from './federation.delivery.ts';
import { DELIVER_QUEUE, FANOUT_QUEUE, fanOut, INBOX_QUEUE, MAINTENANCE_QUEUE, relayPending, releaseLapsedClaims } from './federation.outbox.ts';
import { processInboxActivity } from './federation.process.ts';
import { processOrHandOver } from './federation.drain.ts';
import * as repo from './federation.repo.ts';

/** Nonces live at least the window plus margin (10 min); purged after 15. */
const NONCE_RETENTION_MS = 15 * 60_000;
/** At most 4 concurrent deliveries per peer, across processes (pg-boss groups). */
const PER_PEER_CONCURRENCY = 4;

/**
 * Federation queues: fan-out, delivery (the handler schedules its own retries; pg-boss retries
 * only local bugs, then the dead-letter queue), inbox processing, and a maintenance schedule.
 */
export async function registerFederationJobs(deps: Deps): Promise<void> {
  const boss = deps.boss!;
  const polling = { pollingIntervalSeconds: deps.config.testMode ? 0.5 : 2 };
  for (const dlq of [`${DELIVER_QUEUE}.dlq`, `${INBOX_QUEUE}.dlq`]) await boss.createQueue(dlq);
  await boss.createQueue(FANOUT_QUEUE, { retryLimit: 5, retryBackoff: true });
  await boss.createQueue(DELIVER_QUEUE, { retryLimit: 3, expireInSeconds: 60, deadLetter: `${DELIVER_QUEUE}.dlq` });
  await boss.createQueue(INBOX_QUEUE, { retryLimit: 10, retryBackoff: true, deadLetter: `${INBOX_QUEUE}.dlq` });
  await boss.createQueue(MAINTENANCE_QUEUE);
  await boss.work<{ activityId: string }>(FANOUT_QUEUE, polling, async (jobs) => {
    for (const j of jobs) await fanOut(deps, j.data.activityId);
  });
  await boss.work<{ deliveryId: string }>(DELIVER_QUEUE, { ...polling, localConcurrency: 2, groupConcurrency: PER_PEER_CONCURRENCY }, async (jobs) => {
    for (const j of jobs) await deliverOnce(deps, j.data.deliveryId);
  });
  await boss.work<{ activityId: string }>(INBOX_QUEUE, { ...polling, batchSize: 20 }, async (jobs) => {
    for (const j of jobs) await processInboxActivity(deps, j.data.activityId);
  });
  await boss.work(MAINTENANCE_QUEUE, async () => { await maintain(deps); });
  await boss.schedule(MAINTENANCE_QUEUE, '* * * * *');
}

/** Purges old nonces, fans out outbox rows written without a queue, releases lapsed delivery claims, re-queues unprocessed inbox rows. */
export async function maintain(deps: Deps): Promise<void> {
  const now = deps.clock.now();
  await repo.purgeNonces(deps.sql, new Date(now.getTime() - NONCE_RETENTION_MS));
  await relayPending(deps);
  await releaseLapsedClaims(deps);
  const stuck = await deps.sql<{ activityId: string }[]>`select activity_id as "activityId" from fed_inbox
    where state = 'received' and received_at < ${new Date(now.getTime() - 60_000)} order by received_at limit 1000`;
  for (const s of stuck) await processOrHandOver(deps, s.activityId);
}
