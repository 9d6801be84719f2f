import postgres, { type ISql, type Sql } from 'postgres';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { startEmbeddedPg, type EmbeddedPg } from './embedded-pg.ts';

/** A connection pool: can start transactions (`begin`) and be closed. */
export type Pool = Sql;
/** Anything that runs queries: the pool or a transaction. Repositories take this. */
export type Db = ISql;

export interface Database {
  sql: Pool;
  url: string;
  embedded: EmbeddedPg | null;
  close(): Promise<void>;
}

/**
 * int8 (bigint) columns hold amounts in cents: read them as JS numbers, refusing any value a
 * number cannot hold exactly (beyond ±2^53, i.e. ±90 trillion euros).
 */
const bigintAsNumber = {
  to: 20, from: [20],
  serialize: (v: number | bigint) => String(v),
  parse: (v: string) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${v} does not fit a JS number exactly`);
    return n;
  },
};

export function connect(url: string, max = 10): Pool {
  return postgres(url, {
    max,
    types: { bigint: bigintAsNumber },
    onnotice: () => {},
    transform: { undefined: null },
    // ISO dates whatever the server's default, so `date::text` is always YYYY-MM-DD.
    connection: { application_name: 'koprogo', DateStyle: 'ISO, YMD' },
  });
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL in the data dir. */
export async function openDatabase(config: Config, logger: Logger, opts: { attachToRunning?: boolean } = {}): Promise<Database> {
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPg({ dataDir: config.dataDir, port: config.embeddedPgPort,
      logger: logger.child({ module: 'embedded-pg' }), attachToRunning: opts.attachToRunning });
  const url = config.databaseUrl ?? embedded!.url;
  const sql = connect(url, config.dbPoolMax);
  try {
    await sql`select 1`;
  } catch (e) {
    await sql.end({ timeout: 0 });
    await embedded?.stop();
    throw new Error(`Cannot reach PostgreSQL: ${(e as Error).message}`, { cause: e });
  }
  return {
    sql, url, embedded,
    async close() {
      await sql.end({ timeout: 5 });
      await embedded?.stop();
    },
  };
}
