import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cleanup } from './cleanup.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface IdleRss {
  /** VmRSS of the instance's Node process, in MiB, after it has been idle for `idleMs`. */
  rssMiB: number;
  /** VmHWM: the peak resident set since the process started (start-up included), in MiB. */
  peakMiB: number;
  idleMs: number;
  startMs: number;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

/** The V8 flags of the root package.json's `start` script (e.g. --max-semi-space-size), .env reading left out. */
function startNodeFlags(): string[] {
  const start: string = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.start;
  return start.split(/\s+/).filter((w) => w.startsWith('--') && !w.startsWith('--env-file'));
}

/**
 * Starts the instance as `npm start` does (`node instance/src/cli.ts start`, on this same Node 24, but
 * without reading .env) on a fresh data dir with its embedded PostgreSQL, waits for GET /ready = 200,
 * waits `idleMs`, and reads the Node process's VmRSS. PostgreSQL runs in its own processes: not counted.
 */
export async function measureIdleRss(cleanup: Cleanup, opts: { idleMs?: number; startTimeoutMs?: number } = {}): Promise<IdleRss> {
  const idleMs = opts.idleMs ?? 2000;
  const dataDir = mkdtempSync(join(tmpdir(), 'koprogo-bench-rss-'));
  cleanup.defer(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  const [port, pgPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(DATABASE_URL|BENCH_DATABASE_URL|TEST_DATABASE_URL|KOPROGO_.*|PORT|HOST|NODE_ENV|LOG_.*)$/.test(k)) env[k] = v;
  }
  Object.assign(env, { KOPROGO_DATA_DIR: dataDir, PORT: String(port), KOPROGO_PG_PORT: String(pgPort), LOG_FORMAT: 'json' });
  const started = Date.now();
  const child = spawn(process.execPath, [...startNodeFlags(), 'instance/src/cli.ts', 'start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => { output = (output + d.toString()).slice(-4000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  cleanup.defer('stop the idle instance', () => stopInstance(child.pid!, exited, dataDir, () => child.exitCode !== null || child.signalCode !== null));

  const deadline = started + (opts.startTimeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the instance exited during start (code ${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`the instance was not ready after ${(deadline - started) / 1000} s:\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (status === 200) break;
    await sleep(200);
  }
  const startMs = Date.now() - started;
  await sleep(idleMs);
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const result = { rssMiB: round1(kib('VmRSS') / 1024), peakMiB: round1(kib('VmHWM') / 1024), idleMs, startMs };
  await stopInstance(child.pid!, exited, dataDir, () => child.exitCode !== null || child.signalCode !== null);
  return result;
}

/** SIGTERM (the instance stops HTTP, jobs, pool, then its PostgreSQL), then SIGKILL after 20 s and stop an orphaned postmaster. */
async function stopInstance(pid: number, exited: Promise<void>, dataDir: string, hasExited: () => boolean): Promise<void> {
  if (hasExited()) return;
  process.kill(pid, 'SIGTERM');
  const inTime = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
  if (inTime) return;
  process.kill(pid, 'SIGKILL');
  await Promise.race([exited, sleep(5000)]);
  const pidFile = join(dataDir, 'pgdata', 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pgPid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pgPid) { try { process.kill(pgPid, 'SIGINT'); } catch { /* already gone */ } }
    for (let i = 0; i < 200 && existsSync(pidFile); i++) await sleep(50);
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
