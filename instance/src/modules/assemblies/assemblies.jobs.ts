import type { Deps } from '../../platform/deps.ts';
import { flagOverdueMinutes } from './minutes.service.ts';

/** Every morning, minutes not sent within 30 days of their meeting are flagged to the organization's admins (R17). */
export const MINUTES_DEADLINE_QUEUE = 'assemblies.minutes-deadline';

export async function registerAssemblyJobs(deps: Deps): Promise<void> {
  const boss = deps.boss!;
  await boss.createQueue(MINUTES_DEADLINE_QUEUE);
  await boss.schedule(MINUTES_DEADLINE_QUEUE, '15 6 * * *', {}, { tz: 'Europe/Brussels' });
  await boss.work(MINUTES_DEADLINE_QUEUE, { pollingIntervalSeconds: deps.config.testMode ? 0.5 : 2 }, async () => {
    const flagged = await flagOverdueMinutes(deps);
    if (flagged > 0) deps.logger.info({ flagged }, 'minutes past their sending deadline flagged');
  });
}
