import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { connect } from '../../src/platform/db.ts';
import { startEmbeddedPg, type EmbeddedPg } from '../../src/platform/embedded-pg.ts';
import { migrate } from '../../src/platform/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

/**
 * One PostgreSQL server per run (TEST_DATABASE_URL, or an embedded one with durability off),
 * one migrated template database; each int test file clones it (see test-db.ts).
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedPg | null = null;
  let dir: string | null = null;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    dir = mkdtempSync(join(tmpdir(), 'koprogo-test-pg-'));
    embedded = await startEmbeddedPg({
      dataDir: dir, port: 0, logger: pino({ level: 'silent' }),
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    adminUrl = embedded.url;
  }
  const template = `koprogo_tpl_${process.pid}`;
  const admin = connect(adminUrl, 1);
  await admin.unsafe(`drop database if exists ${template} with (force)`);
  await admin.unsafe(`create database ${template}`);
  const tpl = connect(withDatabase(adminUrl, template), 1);
  await migrate(tpl);
  await tpl.end();
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', template);
  return async () => {
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.end();
    await embedded?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
