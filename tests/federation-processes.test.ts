import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli, startInstanceProcess, type InstanceProcess } from './support/instance-process.ts';

/**
 * Two `koprogo start` processes, each with its own embedded PostgreSQL, peered through the CLI
 * with fingerprints exchanged "out of band" (here: read from each other's `federation identity`),
 * then a statistics bulletin published on one arrives at the other over real HTTP.
 */
const PASSWORD = 'a-long-operator-password';
const started: Array<{ inst: InstanceProcess; dir: string }> = [];
afterAll(async () => {
  for (const s of started) {
    s.inst.child.kill('SIGTERM');
    await s.inst.exited;
    rmSync(s.dir, { recursive: true, force: true });
  }
});

async function start(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `koprogo-fed-${name}-`));
  const port = await freePort();
  const env = { KOPROGO_DATA_DIR: dir, KOPROGO_PG_PORT: '0', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`,
    FEDERATION_NAME: name, FEDERATION_KEY_SECRET: `secret-of-${name}-`.padEnd(40, 'x'), FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' };
  const inst = await startInstanceProcess(env);
  started.push({ inst, dir });
  await expect.poll(() => /"token":"(setup_[^"]+)"/.test(inst.stdout()), { timeout: 10_000, interval: 50 }).toBe(true);
  const token = /"token":"(setup_[^"]+)"/.exec(inst.stdout())![1]!;
  const setup = await fetch(`${inst.url}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, email: `op@${name.toLowerCase()}.example`, password: PASSWORD, displayName: 'Operator' }) });
  expect(setup.status).toBe(201);
  const login = await fetch(`${inst.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `op@${name.toLowerCase()}.example`, password: PASSWORD }) });
  const auth = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
  const cli = (...args: string[]) => runCli(['federation', ...args], env);
  return { inst, env, auth, cli, url: inst.url };
}

describe('federation between two instance processes', () => {
  it('peers through the CLI and delivers a bulletin over HTTP', async () => {
    const a = await start('Alpha');
    const b = await start('Beta');
    const fingerprintOf = async (i: typeof a) => {
      const r = await i.cli('identity');
      expect(r.code, r.stderr).toBe(0);
      return /(SHA256:[A-Za-z0-9_-]{43})/.exec(r.stdout)![1]!;
    };
    const [fpA, fpB] = [await fingerprintOf(a), await fingerprintOf(b)];
    expect((await a.cli('add', b.url, '--fingerprint', fpA)).code).toBe(1); // A's own fingerprint is not B's key
    const addB = await a.cli('add', b.url, '--fingerprint', fpB);
    expect(addB.code, addB.stderr).toBe(0);
    expect((await b.cli('add', a.url, '--fingerprint', fpA)).code).toBe(0);
    expect((await a.cli('peers')).stdout).toContain(`127.0.0.1:${new URL(b.url).port}  allowed`);

    const pub = await fetch(`${a.url}/api/v1/federation/stats`, { method: 'POST', headers: { ...a.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ period: '2026-10' }) });
    expect(pub.status).toBe(201);
    await expect.poll(async () => ((await (await fetch(`${b.url}/api/v1/federation/stats?period=2026-10`, { headers: b.auth })).json()) as { instances?: Array<{ host: string }> }).instances?.map((i) => i.host),
      { timeout: 20_000, interval: 200 }).toEqual([new URL(a.url).host]);
    await expect.poll(async () => (await a.cli('outbox', '--state', 'delivered')).stdout, { timeout: 20_000, interval: 500 }).toMatch(/delivered\s+127\.0\.0\.1/);
  });
});
