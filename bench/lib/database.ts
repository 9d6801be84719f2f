import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { connect } from '../../instance/src/platform/db.ts';
import { startEmbeddedPg } from '../../instance/src/platform/embedded-pg.ts';
import type { Cleanup } from './cleanup.ts';

export interface BenchDatabase {
  /** URL of a fresh, empty database that the bench may migrate and fill. */
  url: string;
  /** `select version()`. */
  version: string;
  /** Where it runs: "embedded (temp dir)" or "BENCH_DATABASE_URL (scratch database …)". */
  origin: string;
}

/**
 * A fresh database for one benchmark: a scratch database on BENCH_DATABASE_URL / DATABASE_URL when set
 * (created here, dropped at clean-up), otherwise a real embedded PostgreSQL in a temp dir (stopped
 * and removed at clean-up). Its default settings are kept: no durability shortcuts.
 */
export async function openBenchDatabase(cleanup: Cleanup, label: string): Promise<BenchDatabase> {
  const serverUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
  if (serverUrl) return scratchDatabase(serverUrl, cleanup, label);
  const dir = mkdtempSync(join(tmpdir(), `koprogo-bench-${label}-`));
  cleanup.defer(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const pg = await startEmbeddedPg({ dataDir: dir, port: 0, logger: pino({ level: 'silent' }) });
  cleanup.defer('stop embedded PostgreSQL', () => pg.stop());
  return { url: pg.url, version: await serverVersion(pg.url), origin: 'embedded PostgreSQL in a temp dir' };
}

async function scratchDatabase(serverUrl: string, cleanup: Cleanup, label: string): Promise<BenchDatabase> {
  const name = `koprogo_bench_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = connect(serverUrl, 1);
  cleanup.defer('close admin connection', () => admin.end({ timeout: 1 }));
  await admin.unsafe(`create database ${name}`);
  cleanup.defer(`drop database ${name}`, async () => { await admin.unsafe(`drop database if exists ${name} with (force)`); });
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  return { url, version: await serverVersion(url), origin: `scratch database ${name} on BENCH_DATABASE_URL/DATABASE_URL` };
}

async function serverVersion(url: string): Promise<string> {
  const sql = connect(url, 1);
  try {
    const [row] = await sql<{ version: string }[]>`select version()`;
    return row!.version;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
