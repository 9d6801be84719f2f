import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from './config.ts';
import { TestClock } from './platform/clock.ts';
import { connect } from './platform/db.ts';
import { startQueue } from './platform/queue.ts';
import { loadInstanceSecrets } from './modules/auth/auth.secrets.ts';
import { buildServer } from './server.ts';
import { shutdown } from './main.ts';
import { createTestDb } from '../test/support/test-db.ts';

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then stops the queue and the pool; /ready proves the queue answered', async () => {
    const db = await createTestDb();
    const sql = connect(db.url, 4);
    const logger = pino({ level: 'silent' });
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const boss = await startQueue(db.url, logger);
    const clock = new TestClock();
    const app = await buildServer({ sql, boss, clock, testClock: null, config, logger, secrets: await loadInstanceSecrets(sql, config), version: 't' });
    app.get('/slow-test-route', async () => {
      await new Promise((r) => setTimeout(r, 400));
      return { done: true };
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const ready = await fetch(`${address}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: { ok: true }, queue: { ok: true } });

    const inFlight = fetch(`${address}/slow-test-route`);
    await new Promise((r) => setTimeout(r, 100));
    const closing = shutdown(app, boss, { close: () => sql.end({ timeout: 5 }) }, config, logger);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`${address}/health`)).rejects.toThrow();
    await expect(sql`select 1`).rejects.toThrow();
  });

  it('reports not_ready (503) when the queue is not running', async () => {
    const db = await createTestDb();
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const app = await buildServer({ sql: db.sql, boss: null, clock: new TestClock(), testClock: null, config, logger: pino({ level: 'silent' }),
      secrets: await loadInstanceSecrets(db.sql, config), version: 't' });
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'not_ready', database: { ok: true }, queue: { ok: false } });
    await app.close();
  });
});
