import { createHash, randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import type { Deps } from '../../platform/deps.ts';
import { LEGAL_TIME_ZONE } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { runReminders } from './reminder-run.service.ts';
import { allBuildings, unfinishedRuns, type RunRow } from './reminders.repo.ts';

/**
 * pg-boss jobs of the reminder ladder (registered by modules/jobs.ts):
 * - `reminders.daily`: scheduled every day at 06:15 Brussels time; fans out one `reminders.run`
 *   job per building "as of" `deps.clock.today()`, whose job id is derived from (building, date):
 *   a second fan-out the same day adds nothing.
 * - `reminders.run`: the run use case (idempotent, one transaction per debt); retried by pg-boss
 *   with backoff when it fails.
 * At start-up, runs left `running` (the instance was killed during them) get a fresh job: the run
 * completes after a crash without anyone repeating it.
 */
export const DAILY_QUEUE = 'reminders.daily';
export const RUN_QUEUE = 'reminders.run';
export const DAILY_CRON = '15 6 * * *';
const RUN_RETRY = { retryLimit: 5, retryBackoff: true, retryDelay: 5, retryDelayMax: 600 } as const;

export interface RunJob { organizationId: string; buildingId: string; asOf: string; trigger: RunRow['trigger'] }

/** A UUID derived from the building and the date: the same daily run is never queued twice. */
export function runJobId(buildingId: string, asOf: string): string {
  const h = createHash('sha256').update(`reminders.run:${buildingId}:${asOf}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function enqueueRun(boss: PgBoss, job: RunJob, id: string = runJobId(job.buildingId, job.asOf)): Promise<void> {
  await boss.send(RUN_QUEUE, job, { ...RUN_RETRY, id });
}

export async function registerReminderJobs(deps: Deps): Promise<void> {
  const boss = deps.boss!;
  const polling = { pollingIntervalSeconds: deps.config.testMode ? 0.5 : 2 };
  await boss.createQueue(RUN_QUEUE, { ...RUN_RETRY });
  await boss.createQueue(DAILY_QUEUE);
  await boss.work<RunJob>(RUN_QUEUE, { ...polling, batchSize: 1 }, async (jobs) => {
    for (const job of jobs) {
      const { organizationId, buildingId, asOf, trigger } = job.data;
      try {
        const run = await runReminders(deps, { organizationId, actorUserId: null, requestId: null }, buildingId, asOf, trigger);
        deps.logger.info({ buildingId, asOf, drafted: run.drafted, autoSent: run.autoSent, debtsSeen: run.debtsSeen }, 'reminders.run');
      } catch (e) {
        // A rule refused the run (recorded as failed on the run): retrying would refuse it again.
        if (!(e instanceof AppError)) throw e;
        deps.logger.warn({ buildingId, asOf, code: e.code }, 'reminders.run failed');
      }
    }
  });
  await boss.work(DAILY_QUEUE, polling, async () => {
    const asOf = deps.clock.today();
    const buildings = await allBuildings(deps.sql);
    for (const b of buildings) await enqueueRun(boss, { ...b, asOf, trigger: 'job' });
    deps.logger.info({ asOf, buildings: buildings.length }, 'reminders.daily');
  });
  await boss.schedule(DAILY_QUEUE, DAILY_CRON, {}, { tz: LEGAL_TIME_ZONE });
  for (const r of await unfinishedRuns(deps.sql)) {
    await enqueueRun(boss, { organizationId: r.organizationId, buildingId: r.buildingId, asOf: r.asOf, trigger: r.trigger }, randomUUID());
    deps.logger.warn({ buildingId: r.buildingId, asOf: r.asOf }, 'unfinished reminder run resumed');
  }
}
