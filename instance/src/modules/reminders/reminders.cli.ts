import type { PgBoss } from 'pg-boss';
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Pool } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { runReminders } from './reminder-run.service.ts';
import type { RunRow } from './reminders.repo.ts';

/**
 * `koprogo reminders run --building <id> [--as-of <date>]`: the same use case as the daily job and
 * POST …/reminders/run, on the running instance's database. With a job queue (`boss`), e-mails of
 * automatically sent Gentle reminders are queued for the instance's delivery worker.
 */
export async function runRemindersFromCli(deps: { sql: Pool; clock: Clock; config: Config; boss: PgBoss | null;
  logger: { warn(o: object, m: string): void } }, opts: { building: string; asOf?: string | undefined }): Promise<RunRow> {
  if (!isUuid(opts.building)) throw new AppError('building.not_found', `No building with id ${opts.building}`);
  const [b] = await deps.sql<{ organizationId: string }[]>`select organization_id as "organizationId" from buildings where id = ${opts.building}`;
  if (!b) throw new AppError('building.not_found', `No building with id ${opts.building}`);
  const asOf = opts.asOf ?? deps.clock.today();
  return runReminders(deps, { organizationId: b.organizationId, actorUserId: null, requestId: null }, opts.building, asOf, 'cli');
}
