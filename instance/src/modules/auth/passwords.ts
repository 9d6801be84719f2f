import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * argon2id password hashes in the PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash),
 * computed by Node's own crypto (no native add-on). Parameters follow OWASP's argon2id
 * minimum (19 MiB, 2 passes, 1 lane).
 */
const argon2Async = promisify(argon2);

export interface Argon2Params { memoryKiB: number; passes: number; parallelism: number }
export const DEFAULT_PARAMS: Argon2Params = { memoryKiB: 19_456, passes: 2, parallelism: 1 };

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: Argon2Params = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, params, 32);
  return `$argon2id$v=19$m=${params.memoryKiB},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(hash)}`;
}

export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const actual = await derive(password, Buffer.from(m[4]!, 'base64'),
    { memoryKiB: Number(m[1]), passes: Number(m[2]), parallelism: Number(m[3]) }, expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A valid hash of a random secret: verifying against it costs the same as a real account. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

function derive(password: string, salt: Buffer, p: Argon2Params, tagLength: number): Promise<Buffer> {
  return argon2Async('argon2id', {
    message: Buffer.from(password.normalize('NFC'), 'utf8'),
    nonce: salt, parallelism: p.parallelism, tagLength, memory: p.memoryKiB, passes: p.passes,
  }) as Promise<Buffer>;
}
