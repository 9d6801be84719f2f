import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Envelope for our private signing keys: AES-256-GCM with a key derived (HKDF-SHA256) from
 * FEDERATION_KEY_SECRET. Stored as iv (12) | tag (16) | ciphertext.
 */
export function encryptPrivateKey(der: Buffer, secret: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(secret), iv);
  const body = Buffer.concat([cipher.update(der), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function decryptPrivateKey(blob: Buffer, secret: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', wrappingKey(secret), blob.subarray(0, 12));
    decipher.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
  } catch (e) {
    throw new AppError('federation.key_secret_wrong', 'The federation private key cannot be decrypted: FEDERATION_KEY_SECRET changed?', undefined, { cause: e });
  }
}

const wrappingKey = (secret: string) => Buffer.from(hkdfSync('sha256', secret, 'koprogo-federation', 'private-key-wrap/v1', 32));

const cache = new WeakMap<object, string | null>();

/**
 * FEDERATION_KEY_SECRET, or outside production a secret generated once and kept in the database
 * (convenient, but then the database alone decrypts the key). Null in production without it:
 * federation is off.
 */
export async function federationSecret(deps: { sql: Db; config: Config }): Promise<string | null> {
  if (deps.config.federation.keySecret) return deps.config.federation.keySecret;
  if (deps.config.env === 'production') return null;
  if (cache.has(deps.config)) return cache.get(deps.config)!;
  await deps.sql`insert into instance_secrets (name, value) values ('federation_key_secret', ${randomBytes(48).toString('base64url')})
    on conflict (name) do nothing`;
  const [row] = await deps.sql<{ value: string }[]>`select value from instance_secrets where name = 'federation_key_secret'`;
  cache.set(deps.config, row!.value);
  return row!.value;
}

export async function requireSecret(deps: { sql: Db; config: Config }): Promise<string> {
  const s = await federationSecret(deps);
  if (!s) throw new AppError('federation.disabled', 'Federation is off: set FEDERATION_KEY_SECRET (see docs/federation.md)');
  return s;
}
