import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';

/** Numbered SQL migrations, forward only, applied in one transaction under an advisory lock. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const MIGRATION_LOCK = 7_305_611_001; // app constant for pg_advisory_xact_lock

export interface MigrationFile { version: number; name: string; checksum: string; sql: string }

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  return files.map((file, i) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new MigrationError(`Bad migration file name "${file}": expected NNNN_snake_name.sql`);
    const version = Number(m[1]);
    if (version !== i + 1) throw new MigrationError(`Migration numbering gap: expected ${String(i + 1).padStart(4, '0')}, found ${file}`);
    const sql = readFileSync(`${dir}/${file}`, 'utf8');
    return { version, name: m[2]!, checksum: createHash('sha256').update(sql).digest('hex'), sql };
  });
}

export interface MigrateResult { applied: string[]; current: number }

export async function migrate(sql: Sql, files = readMigrations()): Promise<MigrateResult> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`create table if not exists schema_migrations (version int primary key, name text not null,
             checksum text not null, applied_at timestamptz not null default now())`;
    const applied = await tx<{ version: number; name: string; checksum: string }[]>`
      select version, name, checksum from schema_migrations order by version`;
    for (const row of applied) {
      const file = files.find((f) => f.version === row.version);
      if (!file) throw new MigrationError(`Applied migration ${row.version} (${row.name}) is missing from ${MIGRATIONS_DIR}: this code is older than the database`);
      if (file.checksum !== row.checksum) {
        throw new MigrationError(`Migration ${String(row.version).padStart(4, '0')}_${row.name}.sql was edited after it was applied ` +
          '(checksum differs). Restore the original file and add a new migration instead.');
      }
    }
    const pending = files.filter((f) => !applied.some((a) => a.version === f.version));
    for (const f of pending) {
      await tx.unsafe(f.sql);
      await tx`insert into schema_migrations (version, name, checksum) values (${f.version}, ${f.name}, ${f.checksum})`;
    }
    return { applied: pending.map((f) => `${String(f.version).padStart(4, '0')}_${f.name}`), current: files.length };
  }) as Promise<MigrateResult>;
}
