import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Clock, TestClock } from './clock.ts';
import type { Pool } from './db.ts';

/** What use cases and routes receive: ports, the clock and config. Passed down, never imported as globals. */
export interface Deps {
  sql: Pool;
  boss: PgBoss | null;
  clock: Clock;
  /** Present only in test mode (KOPROGO_TEST_MODE=true). */
  testClock: TestClock | null;
  config: Config;
  logger: Logger;
  secrets: { jwtKey: Uint8Array };
  version: string;
  /** The running edge grid (libp2p node + dispatcher); null or absent when GRID_LISTEN is unset. */
  grid?: import('../modules/grid/grid.runtime.ts').GridRuntime | null;
}
