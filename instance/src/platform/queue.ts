import { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';

/** pg-boss on the same database, with its own small `pg` pool. Later issues add queues. */
export async function startQueue(url: string, logger: Logger): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, max: 3, application_name: 'koprogo-jobs' });
  boss.on('error', (err: Error) => logger.error({ err }, 'pg-boss error'));
  await boss.start();
  return boss;
}

/** A round trip through pg-boss's own tables, for /ready. */
export async function queueAnswers(boss: PgBoss): Promise<boolean> {
  await boss.getQueues();
  return true;
}
