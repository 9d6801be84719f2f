import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { KEY_FILE, keyId, seal, SecretKeyMismatch, secretsKeyOf, unseal, webhookContext } from './secret-box.ts';
import { checkWebhookUrl, hostOf } from './webhooks.address.ts';

describe('webhook address ranges', () => {
  it('reads the host as the connection will (WHATWG numeric forms, brackets, trailing dot)', () => {
    expect(hostOf('http://2130706433/')).toBe('127.0.0.1');
    expect(hostOf('http://0x7f.0.0.1/')).toBe('127.0.0.1');
    expect(hostOf('http://[::FFFF:127.0.0.1]:8080/')).toBe('::ffff:7f00:1');
    expect(hostOf('http://Example.TEST./x')).toBe('example.test');
  });

  it('checks every resolved address at creation, accepts an unresolvable name, and lets the switch allow all', async () => {
    const resolve = async (h: string) => ({ 'two.test': ['8.8.8.8', '192.168.1.10'], 'pub.test': ['8.8.8.8'] } as Record<string, string[]>)[h]
      ?? Promise.reject(new Error('ENOTFOUND'));
    await expect(checkWebhookUrl('https://two.test/x', false, resolve)).rejects.toMatchObject({ code: 'webhook.private_address', details: { address: '192.168.1.10' } });
    await expect(checkWebhookUrl('https://pub.test/x', false, resolve)).resolves.toBeUndefined();
    await expect(checkWebhookUrl('https://nowhere.test/x', false, resolve)).resolves.toBeUndefined();
    await expect(checkWebhookUrl('http://127.0.0.1/x', true, resolve)).resolves.toBeUndefined();
  });
});

describe('secret box', () => {
  it('round-trips, binds a ciphertext to its row, and names a key change', () => {
    const key = randomBytes(32);
    const ctx = webhookContext('o', 'w1');
    const sealed = seal(key, 'whsec_abc', ctx);
    expect(sealed).not.toContain('whsec_abc');
    expect(seal(key, 'whsec_abc', ctx)).not.toBe(sealed); // a fresh IV each time
    expect(unseal(key, sealed, ctx)).toBe('whsec_abc');
    expect(unseal(key, 'whsec_legacy', ctx)).toBe('whsec_legacy');
    expect(() => unseal(key, sealed, webhookContext('o', 'w2'))).toThrow();
    expect(() => unseal(randomBytes(32), sealed, ctx)).toThrow(SecretKeyMismatch);
  });
});

describe('configuration of webhooks and secrets', () => {
  const cfg = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env }, { stdoutIsTty: false });
  it('refuses private targets unless switched on, and takes only a 32-byte base64 SECRETS_KEY', () => {
    expect(cfg({}).webhooks.allowPrivateAddresses).toBe(false);
    expect(cfg({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }).webhooks.allowPrivateAddresses).toBe(true);
    const good = randomBytes(32).toString('base64');
    expect(cfg({ SECRETS_KEY: good }).secretsKey).toBe(good);
    for (const bad of [randomBytes(16).toString('base64'), 'not base64 at all!', `${good}x`]) {
      expect(() => cfg({ SECRETS_KEY: bad }), bad).toThrow(/SECRETS_KEY/);
    }
  });

  it('uses SECRETS_KEY when set, else generates one key file (0600) that every later start reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'koprogo-key-'));
    try {
      const first = secretsKeyOf(cfg({ KOPROGO_DATA_DIR: dir }));
      expect(first).toHaveLength(32);
      expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
      expect(keyId(secretsKeyOf(cfg({ KOPROGO_DATA_DIR: dir })))).toBe(keyId(first));
      const given = randomBytes(32);
      expect(secretsKeyOf(cfg({ KOPROGO_DATA_DIR: dir, SECRETS_KEY: given.toString('base64') })).equals(given)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
