import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface InstanceProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

export async function freePort(): Promise<number> {
  return new Promise((done) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

/** Runs `koprogo <args>` as a real process on the Node that runs the tests (24, from node_modules). */
export function runCli(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['instance/src/cli.ts', ...args], { cwd: repoRoot, env: { ...cleanEnv(), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdin.end(input ?? '');
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

/** Starts `koprogo start` and waits for the "running at" line (or fails with what it printed). */
export async function startInstanceProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<InstanceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['instance/src/cli.ts', 'start'], {
    cwd: repoRoot, env: { ...cleanEnv(), LOG_FORMAT: 'json', LOG_LEVEL: 'info', PORT: String(port), ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { err += d; });
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? -1)));
  const deadline = Date.now() + timeoutMs;
  while (!/is running at (\S+)/.test(out)) {
    if (child.exitCode !== null) throw new Error(`instance exited early (${child.exitCode}):\n${out}\n${err}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`instance did not start:\n${out}\n${err}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /is running at (\S+)/.exec(out)![1]!;
  return { child, url, stdout: () => out, stderr: () => err, exited };
}

/** The environment minus anything that would point the child at another database. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !['DATABASE_URL', 'TEST_DATABASE_URL', 'KOPROGO_DATA_DIR', 'PORT', 'HOST', 'NODE_ENV', 'KOPROGO_TEST_MODE'].includes(k)) env[k] = v;
  }
  return env;
}
