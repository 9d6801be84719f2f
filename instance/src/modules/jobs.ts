import type { Deps } from '../platform/deps.ts';
import { registerDeliveryJobs } from './delivery/delivery.jobs.ts';
import { registerNotificationJobs } from './notifications/notifications.jobs.ts';
import { registerReminderJobs } from './reminders/reminders.jobs.ts';
import { registerAssemblyJobs } from './assemblies/assemblies.jobs.ts';
import { registerLedgerJobs } from './grid/ledger.jobs.ts';
import { registerGridJobs } from './grid/grid.jobs.ts';
import { registerFederationJobs } from './federation/federation.jobs.ts';

/** Every pg-boss queue and worker of the instance. Needs `deps.boss`; called once at start-up. */
export async function registerJobs(deps: Deps): Promise<void> {
  if (!deps.boss) throw new Error('registerJobs needs a started pg-boss');
  await registerDeliveryJobs(deps);
  await registerNotificationJobs(deps);
  await registerReminderJobs(deps);
  await registerAssemblyJobs(deps);
  await registerLedgerJobs(deps);
  await registerGridJobs(deps);
  await registerFederationJobs(deps);
}
