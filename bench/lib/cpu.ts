import { readFileSync } from 'node:fs';
import type { Pool } from '../../instance/src/platform/db.ts';

/** Linux reports utime/stime in clock ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

export interface CpuSnapshot {
  /** CPU time of this process's main thread (the servers under test; autocannon runs in a worker). */
  mainMs: number;
  /** CPU time of each PostgreSQL backend serving this database, when they run on this machine. */
  backends: Map<number, number>;
}

function threadMs(path: string): number | null {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

function isLocalPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}

export async function cpuSnapshot(sql: Pool): Promise<CpuSnapshot> {
  const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity
    where datname = current_database() and backend_type = 'client backend'`;
  const backends = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = isLocalPostgres(pid) ? threadMs(`/proc/${pid}/stat`) : null;
    if (ms !== null) backends.set(pid, ms);
  }
  return { mainMs: threadMs(`/proc/self/task/${process.pid}/stat`) ?? 0, backends };
}

export interface CpuPerRequest {
  /** Milliseconds of CPU per completed request, in the servers' thread and in PostgreSQL (null: not on this machine). */
  serverMs: number;
  postgresMs: number | null;
}

export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuPerRequest | null {
  if (requests <= 0) return null;
  let pg = 0;
  for (const [pid, ms] of after.backends) pg += ms - (before.backends.get(pid) ?? 0);
  const round3 = (n: number) => Math.round(n * 1000) / 1000;
  return {
    serverMs: round3((after.mainMs - before.mainMs) / requests),
    postgresMs: after.backends.size ? round3(pg / requests) : null,
  };
}
