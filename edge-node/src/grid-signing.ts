import { createHash } from 'node:crypto';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { canonicalJson, gridSigningString, type GridSigningPurpose } from '@koprogo/protocols';

/**
 * Signing and hashing of grid payloads (grid-design §3, §8), shared by the node and the instance.
 * Signatures are Ed25519 over UTF-8 `prefix + canonicalJson(payload)`, base64url without padding; a
 * node's signature verifies from its peer-id string alone, since an Ed25519 peer id embeds the key.
 */
const encoder = new TextEncoder();

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(typeof data === 'string' ? encoder.encode(data) : data).digest('hex');
}

/** SHA-256 of `canonicalJson(value)`: `promptSha256` (tool arguments) and `outputSha256` (draft). */
export function canonicalSha256(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

export async function signGridPayload(key: PrivateKey, purpose: GridSigningPurpose, payload: unknown): Promise<string> {
  const signature = await key.sign(encoder.encode(gridSigningString(purpose, payload)));
  return Buffer.from(signature).toString('base64url');
}

/** True only if `signature` is `peerId`'s Ed25519 signature of the payload; false for any malformed input. */
export async function verifyGridSignature(peerId: string, purpose: GridSigningPurpose, payload: unknown, signature: string): Promise<boolean> {
  try {
    const publicKey = peerIdFromString(peerId).publicKey;
    if (publicKey == null || publicKey.type !== 'Ed25519') return false;
    const sig = Buffer.from(signature, 'base64url');
    if (sig.byteLength !== 64) return false;
    return await publicKey.verify(encoder.encode(gridSigningString(purpose, payload)), sig);
  } catch {
    return false;
  }
}
