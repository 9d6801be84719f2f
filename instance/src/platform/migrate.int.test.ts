import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../../test/support/global-db.ts';
import { connect, type Pool } from './db.ts';
import { migrate, MigrationError, readMigrations } from './migrate.ts';

const adminUrl = inject('adminDatabaseUrl');
const admin = connect(adminUrl, 1);
const pools: Pool[] = [];
afterAll(async () => {
  for (const p of pools) await p.end({ timeout: 1 });
  await admin.end();
});

async function emptyDatabase(): Promise<Pool> {
  const name = `m_${randomBytes(5).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
  const sql = connect(withDatabase(adminUrl, name), 4);
  pools.push(sql);
  return sql;
}

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'koprogo-mig-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('migrations', () => {
  it('applies the real migrations to an empty database, then has nothing to do', async () => {
    const sql = await emptyDatabase();
    const first = await migrate(sql);
    expect(first.applied.length).toBe(readMigrations().length);
    expect((await migrate(sql)).applied).toEqual([]);
    const rows = await sql`select version, checksum from schema_migrations order by version`;
    expect(rows.map((r) => r.checksum)).toEqual(readMigrations().map((m) => m.checksum));
  });

  it('refuses an applied migration that was edited, naming it', async () => {
    const sql = await emptyDatabase();
    await migrate(sql, readMigrations(dirWith({ '0001_first.sql': 'create table a (id int);' })));
    const edited = readMigrations(dirWith({ '0001_first.sql': 'create table a (id bigint);' }));
    await expect(migrate(sql, edited)).rejects.toThrow(MigrationError);
    await expect(migrate(sql, edited)).rejects.toThrow(/0001_first\.sql was edited after it was applied/);
  });

  it('refuses a gap or a bad file name', () => {
    expect(() => readMigrations(dirWith({ '0001_a.sql': '', '0003_c.sql': '' }))).toThrow(/gap/);
    expect(() => readMigrations(dirWith({ '1_a.sql': '' }))).toThrow(/Bad migration file name/);
  });

  it('applies nothing of a failing file (one transaction)', async () => {
    const sql = await emptyDatabase();
    const files = readMigrations(dirWith({ '0001_ok.sql': 'create table ok (id int);', '0002_bad.sql': 'create table bad (id nope);' }));
    await expect(migrate(sql, files)).rejects.toThrow(/nope/);
    const [t] = await sql`select to_regclass('ok') as t`;
    expect(t!.t).toBeNull();
  });

  it('lets two instances start at once: one applies, the other waits and finds nothing', async () => {
    const sql = await emptyDatabase();
    const files = readMigrations(dirWith({ '0001_slow.sql': 'select pg_sleep(0.3); create table s (id int);' }));
    const [a, b] = await Promise.all([migrate(sql, files), migrate(sql, files)]);
    expect([a.applied.length, b.applied.length].sort()).toEqual([0, 1]);
  });
});
