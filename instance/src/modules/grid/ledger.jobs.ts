import type { Deps } from '../../platform/deps.ts';
import { LEGAL_TIME_ZONE } from '../../platform/clock.ts';
import { periodOfDate, previousPeriod } from './ledger.domain.ts';
import { closePeriod } from './ledger.service.ts';
import { unclosedPeriodsBefore } from './ledger.repo.ts';

export const LEDGER_CLOSE_QUEUE = 'grid-ledger.close';
/** Every day at 03:15 in Brussels: a close is idempotent, so a daily pass closes each month once and catches up after downtime. */
export const LEDGER_CLOSE_CRON = '15 3 * * *';

/**
 * Closes every ended period still open: the previous month (even with no work, so each month has its
 * record) and any earlier month with work but no close. Reads the injected clock, never the cron's time.
 */
export async function runLedgerClose(deps: Pick<Deps, 'sql' | 'clock' | 'logger'>): Promise<string[]> {
  const current = periodOfDate(deps.clock.today());
  const periods = [...new Set([...await unclosedPeriodsBefore(deps.sql, current), previousPeriod(current)])].sort();
  const closed: string[] = [];
  for (const period of periods) {
    const { close, created } = await closePeriod(deps, { period, by: null });
    if (created) {
      closed.push(period);
      deps.logger.info({ period, revenueCents: close.revenueCents, devCents: close.devCents, solCents: close.solCents }, 'grid ledger period closed');
    }
  }
  return closed;
}

/** The monthly close queue and its schedule (called at start-up by modules/jobs.ts). */
export async function registerLedgerJobs(deps: Deps): Promise<void> {
  const boss = deps.boss!;
  if (!(await boss.getQueue(LEDGER_CLOSE_QUEUE))) await boss.createQueue(LEDGER_CLOSE_QUEUE, { retryLimit: 3, retryDelay: 60, retryBackoff: true });
  await boss.schedule(LEDGER_CLOSE_QUEUE, LEDGER_CLOSE_CRON, null, { tz: LEGAL_TIME_ZONE, missed: 'once' });
  await boss.work(LEDGER_CLOSE_QUEUE, { pollingIntervalSeconds: deps.testClock ? 0.5 : 30 }, async () => {
    await runLedgerClose(deps);
  });
}
