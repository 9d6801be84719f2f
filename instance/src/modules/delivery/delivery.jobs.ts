import type { Deps } from '../../platform/deps.ts';
import { SEND_RETRY_LIMIT } from './delivery.domain.ts';
import { enqueueSend, SEND_QUEUE, sendDelivery, type SendJob } from './delivery.mail.ts';
import { queuedEmails } from './delivery.repo.ts';

/**
 * Creates the delivery queues and their workers on pg-boss (called at start-up by modules/jobs.ts).
 * `delivery.send`: one job per e-mail (job id = delivery id), 5 retries with exponential backoff
 * (1 s, 2 s, 4 s … capped at 10 min). In test mode the worker polls every 0.5 s instead of 2 s.
 */
export async function registerDeliveryJobs(deps: Deps): Promise<void> {
  const boss = deps.boss!;
  if (!(await boss.getQueue(SEND_QUEUE))) {
    await boss.createQueue(SEND_QUEUE, { retryLimit: SEND_RETRY_LIMIT, retryBackoff: true, retryDelay: 1, retryDelayMax: 600 });
  }
  await boss.work<SendJob>(SEND_QUEUE, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: deps.testClock ? 0.5 : 2 },
    async (jobs) => {
      for (const job of jobs) {
        const outcome = await sendDelivery(deps, job.data, job.retryCount >= SEND_RETRY_LIMIT);
        deps.logger.info({ deliveryId: job.data.deliveryId, outcome, retryCount: job.retryCount }, 'delivery.send');
      }
    });
  // E-mails queued while no worker ran (or whose job was lost) get their job; an existing job id is left alone.
  for (const d of await queuedEmails(deps.sql)) await enqueueSend(boss, null, { organizationId: d.organizationId, deliveryId: d.id }, d.id);
}
