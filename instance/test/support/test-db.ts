import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { connect, type Pool } from '../../src/platform/db.ts';
import { withDatabase } from './global-db.ts';

export interface TestDb { sql: Pool; url: string }

/** Clones the migrated template into a database of this test file's own, dropped after the file. */
export async function createTestDb(): Promise<TestDb> {
  const adminUrl = inject('adminDatabaseUrl');
  const template = inject('templateDatabase');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = connect(adminUrl, 1);
  await admin.unsafe(`create database ${name} template ${template}`);
  const url = withDatabase(adminUrl, name);
  const sql = connect(url, 5);
  afterAll(async () => {
    await sql.end({ timeout: 1 });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  return { sql, url };
}
