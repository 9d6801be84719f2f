import { afterAll } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.ts';
import { TestClock } from '../../src/platform/clock.ts';
import type { Deps } from '../../src/platform/deps.ts';
import type { App } from '../../src/platform/http.ts';
import { buildServer } from '../../src/server.ts';
import { registerJobs } from '../../src/modules/jobs.ts';
import { startQueue } from '../../src/platform/queue.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { loadInstanceSecrets } from '../../src/modules/auth/auth.secrets.ts';
import { createTestDb, type TestDb } from './test-db.ts';

export interface TestApp { app: App; deps: Deps; db: TestDb; clock: TestClock; logs: string[] }

/** A fully built instance on this file's own cloned database, driven with app.inject(). */
/**
 * With `withJobs`, a real pg-boss runs on this file's database and every queue and worker of the
 * instance is registered (modules/jobs.ts), as in production.
 */
export async function createTestApp(opts: { env?: Record<string, string>; captureLogs?: boolean; withJobs?: boolean } = {}): Promise<TestApp> {
  const db = await createTestDb();
  const config = loadConfig({ NODE_ENV: 'test', KOPROGO_TEST_MODE: 'true', LOG_LEVEL: 'silent', ...opts.env }, { stdoutIsTty: false });
  const clock = new TestClock();
  const logs: string[] = [];
  // With captureLogs, every line the instance logs (with the production redaction rules) is kept for assertions.
  const logger = opts.captureLogs
    ? createLogger({ logLevel: 'trace', logPretty: false }, { write: (line: string) => { logs.push(line); } })
    : pino({ level: 'silent' });
  const secrets = await loadInstanceSecrets(db.sql, config);
  const boss = opts.withJobs ? await startQueue(db.url, logger) : null;
  const deps: Deps = { sql: db.sql, boss, clock, testClock: clock, config, logger, secrets, version: 'test' };
  if (boss) {
    await registerJobs(deps);
    afterAll(() => boss.stop({ graceful: false, close: true }));
  }
  const app = await buildServer(deps);
  await app.ready();
  afterAll(() => app.close());
  return { app, deps, db, clock, logs };
}
