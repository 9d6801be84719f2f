import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startInstanceProcess } from './support/instance-process.ts';

/**
 * The instance as an operator runs it: `koprogo start` on the embedded PostgreSQL, kept data,
 * crash recovery, clean stop. Real processes, real PostgreSQL.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'koprogo-e2e-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { KOPROGO_DATA_DIR: dataDir, KOPROGO_PG_PORT: '0' };
const PASSWORD = 'operator-password-123';

const postmasterPid = () => {
  const f = join(dataDir, 'pgdata', 'postmaster.pid');
  return existsSync(f) ? Number(readFileSync(f, 'utf8').split('\n')[0]) : null;
};
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe('instance lifecycle on the embedded PostgreSQL', () => {
  it('starts from nothing, prints the setup token, answers /health and /ready, and stops cleanly on SIGTERM', async () => {
    const inst = await startInstanceProcess(env);
    expect(inst.stdout()).toMatch(/one-time setup token/);
    const token = /"token":"(setup_[^"]+)"/.exec(inst.stdout())![1]!;
    expect((await fetch(`${inst.url}/health`)).status).toBe(200);
    const ready = await fetch(`${inst.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: { ok: true }, queue: { ok: true } });
    const setup = await fetch(`${inst.url}/api/v1/setup`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, email: 'op@example.org', password: PASSWORD, displayName: 'Operator' }),
    });
    expect(setup.status).toBe(201);
    // Logs are JSON lines through pino, with no password in them.
    expect(inst.stdout() + inst.stderr()).not.toContain(PASSWORD);
    const pgPid = postmasterPid()!;
    expect(alive(pgPid)).toBe(true);
    inst.child.kill('SIGTERM');
    expect(await inst.exited).toBe(0);
    expect(alive(pgPid)).toBe(false);
  });

  it('keeps the data across restarts and prints no setup token once an admin exists', async () => {
    const inst = await startInstanceProcess(env);
    expect(inst.stdout()).not.toMatch(/setup token/);
    const login = await fetch(`${inst.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'op@example.org', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    inst.child.kill('SIGINT');
    expect(await inst.exited).toBe(0);
  });

  it('recovers after the instance was killed with SIGKILL (orphaned PostgreSQL)', async () => {
    const first = await startInstanceProcess(env);
    const pgPid = postmasterPid()!;
    first.child.kill('SIGKILL');
    await first.exited;
    expect(alive(pgPid)).toBe(true); // the postmaster survived its parent
    const second = await startInstanceProcess(env);
    expect(alive(pgPid)).toBe(false); // the orphan was stopped, a new server runs
    expect((await fetch(`${second.url}/ready`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('starts over a stale pid file left by a dead server', async () => {
    writeFileSync(join(dataDir, 'pgdata', 'postmaster.pid'), `999999\n${join(dataDir, 'pgdata')}\n0\n5432\n`);
    const inst = await startInstanceProcess(env);
    expect((await fetch(`${inst.url}/ready`)).status).toBe(200);
    inst.child.kill('SIGTERM');
    expect(await inst.exited).toBe(0);
  });

  it('migrates and creates an admin from the CLI, attaching to a running instance', async () => {
    const inst = await startInstanceProcess(env);
    const migrate = await runCli(['migrate'], env);
    expect(migrate.stderr).toBe('');
    expect(migrate.stdout).toMatch(/Nothing to apply\.\nDatabase schema at version \d+\./);
    const admin = await runCli(['create-admin', '--email', 'second@example.org', '--name', 'Second'], env, 'second-password-123\n');
    expect(admin.code).toBe(0);
    expect(admin.stdout).toMatch(/Instance administrator second@example\.org created/);
    const dup = await runCli(['create-admin', '--email', 'second@example.org'], env, 'second-password-123\n');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const seeded = await runCli(['seed-demo', '--admin-email', 'second@example.org'], env);
    expect(seeded.stdout).toMatch(/2 buildings, \d+ lots/);
    inst.child.kill('SIGTERM');
    expect(await inst.exited).toBe(0);
  });

  it('runs on an external PostgreSQL given by DATABASE_URL, starting none of its own', async () => {
    const embedded = await startInstanceProcess(env);
    const pid = readFileSync(join(dataDir, 'pgdata', 'postmaster.pid'), 'utf8').split('\n');
    const password = readFileSync(join(dataDir, 'pg-password'), 'utf8').trim();
    const url = `postgres://koprogo:${password}@127.0.0.1:${pid[3]}/postgres`;
    const otherDir = mkdtempSync(join(tmpdir(), 'koprogo-ext-'));
    const external = await startInstanceProcess({ KOPROGO_DATA_DIR: otherDir, DATABASE_URL: url });
    expect(await (await fetch(`${external.url}/ready`)).json()).toMatchObject({ status: 'ready' });
    // Same database: the administrator created through the first instance logs in through the second.
    const login = await fetch(`${external.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'op@example.org', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    expect(existsSync(join(otherDir, 'pgdata'))).toBe(false);
    external.child.kill('SIGTERM');
    expect(await external.exited).toBe(0);
    embedded.child.kill('SIGTERM');
    expect(await embedded.exited).toBe(0);
    rmSync(otherDir, { recursive: true, force: true });
  });

  it('stops start-up with a message naming a bad variable', async () => {
    const res = await runCli(['start'], { ...env, PORT: 'eighty' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/PORT="eighty"/);
  });

  it('uses DATABASE_URL when set and starts no embedded server', async () => {
    const other = mkdtempSync(join(tmpdir(), 'koprogo-nodb-'));
    const res = await runCli(['migrate'], { KOPROGO_DATA_DIR: other, DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none' });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/ECONNREFUSED|connect/i);
    expect(existsSync(join(other, 'pgdata'))).toBe(false);
    rmSync(other, { recursive: true, force: true });
  });

  it('prints helpful --help for every command', async () => {
    const top = await runCli(['--help'], {});
    for (const cmd of ['start', 'migrate', 'create-admin', 'seed-demo']) expect(top.stdout).toContain(cmd);
    expect(top.stdout).toContain('DATABASE_URL');
    for (const cmd of ['start', 'migrate', 'create-admin', 'seed-demo']) {
      const r = await runCli([cmd, '--help'], {});
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: koprogo/);
    }
  });
});

describe('as an unprivileged user', () => {
  it('runs the embedded PostgreSQL for a normal (non-root) user too', async () => {
    const { execFileSync } = await import('node:child_process');
    const userDir = mkdtempSync(join(tmpdir(), 'koprogo-user-'));
    let args = [process.execPath, 'instance/src/cli.ts', 'migrate'];
    if (process.getuid?.() === 0) {
      // As root, run the same command as an ordinary account (created for the test if needed).
      try { execFileSync('id', ['koprogo-e2e'], { stdio: 'ignore' }); } catch { execFileSync('useradd', ['--system', '--no-create-home', 'koprogo-e2e']); }
      execFileSync('chown', ['koprogo-e2e', userDir]);
      args = ['runuser', '-u', 'koprogo-e2e', '--', ...args];
    }
    const { spawnSync } = await import('node:child_process');
    const res = spawnSync(args[0]!, args.slice(1), {
      cwd: new URL('../', import.meta.url).pathname, encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', KOPROGO_DATA_DIR: join(userDir, 'data'), KOPROGO_PG_PORT: '0' },
    });
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/Applied \d+ migration\(s\)/);
    const owner = execFileSync('stat', ['-c', '%U', join(userDir, 'data', 'pgdata')], { encoding: 'utf8' }).trim();
    expect(owner).toBe(process.getuid?.() === 0 ? 'koprogo-e2e' : execFileSync('id', ['-un'], { encoding: 'utf8' }).trim());
    rmSync(userDir, { recursive: true, force: true });
  });
});
