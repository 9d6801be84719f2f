import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PrivateKey } from '@libp2p/interface';
import { canonicalJson, gridSigningString, type GridSigningPurpose } from '@koprogo/protocols';

/**
 * Hashing and Ed25519 signatures of grid payloads (grid-design §3, §8): `prefix + canonicalJson(payload)`,
 * base64url signatures. A node's signature verifies from its peer-id string alone (the id embeds the key).
 * The same rules as the edge node's grid-signing.ts; the instance does not import the edge node's internals.
 */
const encoder = new TextEncoder();

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(typeof data === 'string' ? encoder.encode(data) : data).digest('hex');
}

export const canonicalSha256 = (value: unknown): string => sha256Hex(canonicalJson(value));

export async function signGrid(key: PrivateKey, purpose: GridSigningPurpose, payload: unknown): Promise<string> {
  return Buffer.from(await key.sign(encoder.encode(gridSigningString(purpose, payload)))).toString('base64url');
}

/** True only for `peerId`'s valid Ed25519 signature of the payload; false on any malformed input. */
export async function verifyGrid(peerId: string, purpose: GridSigningPurpose, payload: unknown, signature: string): Promise<boolean> {
  try {
    const { peerIdFromString } = await import('@libp2p/peer-id'); // loaded on first use (idle memory)
    const publicKey = peerIdFromString(peerId).publicKey;
    if (!publicKey || publicKey.type !== 'Ed25519') return false;
    const sig = Buffer.from(signature, 'base64url');
    if (sig.byteLength !== 64) return false;
    return await publicKey.verify(encoder.encode(gridSigningString(purpose, payload)), sig);
  } catch {
    return false;
  }
}

/**
 * The instance's persistent grid identity: an Ed25519 libp2p key (protobuf, mode 0600) in the data
 * directory, created on first use. Its peer id is what enrolled nodes dial (`/p2p/<id>`).
 */
export async function loadOrCreateGridKey(path: string): Promise<PrivateKey> {
  const { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } = await import('@libp2p/crypto/keys');
  try {
    return privateKeyFromProtobuf(new Uint8Array(await readFile(path)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const key = await generateKeyPair('Ed25519');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return key;
}

export async function peerIdOfKey(key: PrivateKey): Promise<string> {
  const { peerIdFromPrivateKey } = await import('@libp2p/peer-id');
  return peerIdFromPrivateKey(key).toString();
}
