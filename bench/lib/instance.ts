import { pino } from 'pino';
import { loadConfig } from '../../instance/src/config.ts';
import { loadInstanceSecrets } from '../../instance/src/modules/auth/auth.secrets.ts';
import { systemClock } from '../../instance/src/platform/clock.ts';
import { connect } from '../../instance/src/platform/db.ts';
import type { Deps } from '../../instance/src/platform/deps.ts';
import type { App } from '../../instance/src/platform/http.ts';
import { migrate } from '../../instance/src/platform/migrate.ts';
import { buildServer } from '../../instance/src/server.ts';
import type { Cleanup } from './cleanup.ts';
import { openBenchDatabase, type BenchDatabase } from './database.ts';

/**
 * An instance for a bench, as production runs it (no job queue): its own database, migrated, the
 * HTTP server listening on a loopback port. Everything is closed by the bench's cleanup.
 */
export async function startBenchInstance(cleanup: Cleanup, label: string): Promise<{ db: BenchDatabase; deps: Deps; app: App; base: string; port: number }> {
  const db = await openBenchDatabase(cleanup, label);
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: db.url, LOG_LEVEL: 'silent' }, { stdoutIsTty: false });
  const sql = connect(db.url, config.dbPoolMax);
  cleanup.defer('close the pool', () => sql.end({ timeout: 5 }));
  await migrate(sql);
  const deps: Deps = { sql, boss: null, clock: systemClock, testClock: null, config, logger: pino({ level: 'silent' }),
    secrets: await loadInstanceSecrets(sql, config), version: 'bench' };
  const app = await buildServer(deps);
  cleanup.defer('close the instance server', () => app.close());
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { db, deps, app, base, port };
}
