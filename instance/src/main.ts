import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { systemClock, TestClock } from './platform/clock.ts';
import { openDatabase, type Database } from './platform/db.ts';
import type { Deps } from './platform/deps.ts';
import type { App } from './platform/http.ts';
import { migrate } from './platform/migrate.ts';
import { startQueue } from './platform/queue.ts';
import { loadInstanceSecrets } from './modules/auth/auth.secrets.ts';
import { issueSetupTokenIfNeeded } from './modules/auth/setup.service.ts';
import { registerJobs } from './modules/jobs.ts';
import { buildServer } from './server.ts';

export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

export interface RunningInstance {
  app: App;
  deps: Deps;
  url: string;
  /** Printed once when no instance administrator exists yet. */
  setupToken: string | null;
  migrationsApplied: string[];
  stop(): Promise<void>;
}

/**
 * Composition root: database (URL or embedded) → migrations → pg-boss → HTTP server.
 * Owns the shutdown order: HTTP (finishing in-flight requests) → jobs → pool → embedded PostgreSQL.
 */
export async function startInstance(config: Config, logger: Logger): Promise<RunningInstance> {
  const db = await openDatabase(config, logger);
  let boss: Awaited<ReturnType<typeof startQueue>> | null = null;
  try {
    const { applied } = await migrate(db.sql);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    boss = await startQueue(db.url, logger.child({ module: 'jobs' }));
    const testClock = config.testMode ? new TestClock() : null;
    if (testClock) logger.warn('TEST MODE: the clock can be moved by the instance administrator');
    const deps: Deps = {
      sql: db.sql, boss, clock: testClock ?? systemClock, testClock, config, logger,
      secrets: await loadInstanceSecrets(db.sql, config), version: VERSION,
    };
    await registerJobs(deps);
    // The grid (libp2p, MCP) is loaded only when GRID_LISTEN is set: no idle memory otherwise.
    deps.grid = config.grid.listen ? await (await import('./modules/grid/grid.p2p.ts')).startGrid(deps) : null;
    const app = await buildServer(deps);
    const address = await app.listen({ host: config.host, port: config.port });
    const setupToken = await issueSetupTokenIfNeeded(deps);
    const url = config.publicUrl ?? address;
    let stopping: Promise<void> | null = null;
    const stop = () => (stopping ??= (deps.grid?.stop() ?? Promise.resolve()).then(() => shutdown(app, boss!, db, config, logger)));
    return { app, deps, url, setupToken, migrationsApplied: applied, stop };
  } catch (e) {
    await boss?.stop({ graceful: false }).catch(() => {});
    await db.close();
    throw e;
  }
}

export async function shutdown(app: App, boss: NonNullable<Deps["boss"]>, db: Pick<Database, "close">, config: Pick<Config, "shutdownTimeoutMs">, logger: Logger): Promise<void> {
  logger.info('shutting down: finishing in-flight requests');
  const timer = setTimeout(() => logger.warn('shutdown is taking long; still waiting for in-flight work'), config.shutdownTimeoutMs);
  try {
    await app.close();
    logger.debug('http closed');
    await boss.stop({ graceful: true, timeout: config.shutdownTimeoutMs });
    logger.debug('jobs stopped');
    await db.close();
  } finally {
    clearTimeout(timer);
  }
  logger.info('stopped');
}
