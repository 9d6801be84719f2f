import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, startInstanceProcess, type InstanceProcess } from './support/instance-process.ts';

/**
 * The README's "First steps with curl" block, run as written (bash, curl, jq) against a freshly
 * started instance: the docs cannot drift from the API without this test failing.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'koprogo-readme-'));
let inst: InstanceProcess | null = null;
afterAll(async () => {
  inst?.child.kill('SIGTERM');
  await inst?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

function readmeBlock(heading: string): string {
  const text = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = text.slice(text.indexOf(`## ${heading}`));
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error(`no sh block under "${heading}"`);
  return m[1]!;
}

describe('README first steps', () => {
  it('works as written on a fresh instance', async () => {
    inst = await startInstanceProcess({ KOPROGO_DATA_DIR: dataDir, KOPROGO_PG_PORT: '0' });
    // Step 1 of the README: the setup command the instance printed, with the README's example credentials.
    const printed = /curl -X POST (\S+) -H 'content-type: application\/json' \\\n\s+-d '([^']+)'/.exec(inst.stdout());
    expect(printed).not.toBeNull();
    const setup = await fetch(printed![1]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: printed![2]! });
    expect(setup.status).toBe(201);

    const script = readmeBlock('First steps with curl').replace('B=http://127.0.0.1:3000/api/v1', `B=${inst.url}/api/v1`);
    expect(script).toContain(`B=${inst.url}/api/v1`);
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // The last command prints the register as of 2026-06-30: lot A1 held in full by Marie Dubois.
    const register = JSON.parse(run.stdout.slice(run.stdout.lastIndexOf('{"items"')));
    const a1 = register.items.find((l: { number: string }) => l.number === 'A1');
    expect(a1.holders).toEqual([expect.objectContaining({ name: 'Marie Dubois', right: 'full' })]);
    expect(register.building).toMatchObject({ totalShares: 1000, sharesAllocated: 1000, complete: true });
  });
});
