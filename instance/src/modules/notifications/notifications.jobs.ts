import type { Deps } from '../../platform/deps.ts';
import { WEBHOOK_QUEUE, WEBHOOK_RETRY, type WebhookJob } from './notifications.service.ts';
import { deliverOnce } from './webhooks.service.ts';

/**
 * Creates the notification queues (webhooks) and their workers on pg-boss (called at start-up by modules/jobs.ts).
 * In test mode the worker polls every 0.5 s (pg-boss's minimum) instead of 2 s, so retries show up quickly.
 */
export async function registerNotificationJobs(deps: Deps): Promise<void> {
  const boss = deps.boss!;
  await boss.createQueue(WEBHOOK_QUEUE, { ...WEBHOOK_RETRY });
  await boss.work<WebhookJob>(WEBHOOK_QUEUE, { pollingIntervalSeconds: deps.config.testMode ? 0.5 : 2 }, async (jobs) => {
    for (const job of jobs) await deliverOnce(deps, job.data, job.retryCount);
  });
}
