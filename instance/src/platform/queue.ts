import { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Db } from './db.ts';

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

/**
 * pg-boss's `db` option over a postgres.js transaction: a job sent with it is written by the
 * caller's transaction, so it exists only if the business change commits.
 */
export function inTransaction(tx: Db) {
  return { executeSql: async (text: string, values?: unknown[]) => ({ rows: await tx.unsafe(text, (values ?? []) as never[]) }) };
}
