import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config.ts';

/**
 * Webhook signing secrets at rest: AES-256-GCM, 12-byte random IV, the row's identity as additional
 * data (a ciphertext copied onto another webhook does not decrypt). Stored as
 * `v1:<key id>:<iv>:<ciphertext>:<tag>` (base64url), where the key id (8 hex of SHA-256 of the key)
 * says which key sealed it, so a changed key fails with a clear message instead of garbage.
 *
 * The key: SECRETS_KEY (32 bytes, base64) when set; otherwise generated once into
 * `<KOPROGO_DATA_DIR>/secrets.key` (mode 0600) — never in the database, so a dump or a backup of
 * the database alone does not reveal the secrets. Production starts without SECRETS_KEY too (plain
 * `npm start` keeps working; a warning is logged), but several hosts on one database need the same key.
 */

export const KEY_FILE = 'secrets.key';
const PREFIX = 'v1';

const keys = new WeakMap<object, Buffer>();

/** The key for this configuration (read or generated once per process). */
export function secretsKeyOf(config: Pick<Config, 'secretsKey' | 'dataDir'>): Buffer {
  let key = keys.get(config);
  if (key) return key;
  if (config.secretsKey) key = Buffer.from(config.secretsKey, 'base64');
  else {
    const file = join(config.dataDir, KEY_FILE);
    mkdirSync(config.dataDir, { recursive: true });
    try {
      // 'wx': only the first process creates it; the others (and every restart) read that one.
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  }
  keys.set(config, key);
  return key;
}

export const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

export function isSealed(stored: string): boolean {
  return stored.startsWith(`${PREFIX}:`);
}

export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [PREFIX, keyId(key), iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(':');
}

export class SecretKeyMismatch extends Error {
  override name = 'SecretKeyMismatch';
}

/** The plaintext of a sealed secret; a legacy clear-text value (before 0010) is returned as it is. */
export function unseal(key: Buffer, stored: string, context: string): string {
  if (!isSealed(stored)) return stored;
  const [, id, iv, ct, tag] = stored.split(':');
  if (id !== keyId(key)) throw new SecretKeyMismatch(`sealed with key ${id}, the instance has key ${keyId(key)}: SECRETS_KEY or ${KEY_FILE} changed`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv!, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct!, 'base64url')), decipher.final()]).toString('utf8');
}

/** The additional data binding a webhook's sealed secret to its row. */
export const webhookContext = (organizationId: string, webhookId: string) => `webhook:${organizationId}:${webhookId}`;
