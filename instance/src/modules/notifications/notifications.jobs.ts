import { join } from 'node:path';
import type { Deps } from '../../platform/deps.ts';
import { WEBHOOK_QUEUE, WEBHOOK_RETRY, type WebhookJob } from './notifications.service.ts';
import { KEY_FILE } from './secret-box.ts';
import { orphanPendingDeliveries } from './webhooks.repo.ts';
import { deliverOnce, sealClearSecrets } from './webhooks.service.ts';

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
  if (deps.config.env === 'production' && !deps.config.secretsKey) {
    deps.logger.warn(`SECRETS_KEY is unset: webhook secrets are sealed with the key in ${join(deps.config.dataDir, KEY_FILE)}; `
      + 'keep that file with your backups, and set SECRETS_KEY when several hosts share the database');
  }
  const sealed = await sealClearSecrets(deps);
  if (sealed > 0) deps.logger.info({ sealed }, 'webhook secrets stored in clear are now encrypted');
  // The sweep: at start-up, then every 5 minutes (a schedule on pg-boss, so one instance runs it).
  if (!(await boss.getQueue(SWEEP_QUEUE))) await boss.createQueue(SWEEP_QUEUE);
  await boss.work(SWEEP_QUEUE, { pollingIntervalSeconds: deps.config.testMode ? 0.5 : 30 }, async () => { await sweepPendingDeliveries(deps); });
  await boss.schedule(SWEEP_QUEUE, '*/5 * * * *');
  await sweepPendingDeliveries(deps);
}

export const SWEEP_QUEUE = 'webhook.sweep';
const SWEEP_BATCH = 1000;

/**
 * Webhook deliveries recorded while no job queue ran (a command-line process, a publisher given no
 * pg-boss) or whose job was lost get a job. Safe to repeat: the worker sends only a pending delivery.
 */
export async function sweepPendingDeliveries(deps: Pick<Deps, 'sql' | 'boss' | 'logger'>): Promise<number> {
  const orphans = await orphanPendingDeliveries(deps.sql, SWEEP_BATCH);
  for (const d of orphans) {
    const job: WebhookJob = { organizationId: d.organizationId, deliveryId: d.id };
    await deps.boss!.send(WEBHOOK_QUEUE, job, { ...WEBHOOK_RETRY });
  }
  if (orphans.length > 0) deps.logger.info({ queued: orphans.length }, 'webhook deliveries without a job were queued');
  return orphans.length;
}
