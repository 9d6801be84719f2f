import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDENTITY_FILE, loadIdentity, loadOrCreateIdentity } from './identity.ts';
import { EdgeState } from './state.ts';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'koprogo-edge-id-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('node identity', () => {
  it('creates a 68-byte Ed25519 protobuf with mode 0600 in a 0700 directory, and reuses it on restart', async () => {
    const state = new EdgeState(join(dir, 'data'));
    const first = await loadOrCreateIdentity(state);
    expect(first.created).toBe(true);
    expect(first.peerId).toMatch(/^12D3KooW/);
    const file = state.path(IDENTITY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(state.dir)).mode & 0o777).toBe(0o700);
    expect((await readFile(file)).byteLength).toBe(68);
    const again = await loadOrCreateIdentity(new EdgeState(join(dir, 'data')));
    expect(again).toMatchObject({ created: false, peerId: first.peerId });
  });

  it('refuses a key file others can read', async () => {
    const state = new EdgeState(dir);
    await loadOrCreateIdentity(state);
    await chmod(state.path(IDENTITY_FILE), 0o644);
    await expect(loadIdentity(state)).rejects.toThrow(/chmod 600/);
  });

  it('has no identity before init', async () => {
    expect(await loadIdentity(new EdgeState(dir))).toBeNull();
  });
});
