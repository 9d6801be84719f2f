import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** An Ed25519 key pair as stored: raw 32-byte public key (base64url) and PKCS#8 DER private key. */
export interface Ed25519KeyPair { publicKeyRaw: string; privateKeyDer: Buffer }

export function generateEd25519(): Ed25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKeyRaw: rawPublicKey(publicKey), privateKeyDer: privateKey.export({ format: 'der', type: 'pkcs8' }) };
}

export function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return jwk.x;
}

const publicKeys = new Map<string, KeyObject>();

/** KeyObjects are immutable: the few peer keys are imported once (bounded cache). */
export function publicKeyFromRaw(raw: string): KeyObject {
  const cached = publicKeys.get(raw);
  if (cached) return cached;
  if (!/^[A-Za-z0-9_-]{43}$/.test(raw)) throw new Error('an Ed25519 public key is 32 bytes in base64url (43 characters)');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
  if (publicKeys.size >= 1000) publicKeys.clear();
  publicKeys.set(raw, key);
  return key;
}

export function privateKeyFromDer(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/**
 * What administrators compare out of band before pinning a peer: `SHA256:` + base64url of the
 * SHA-256 of the raw public key (like OpenSSH fingerprints).
 */
export function fingerprint(publicKeyRaw: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(publicKeyRaw, 'base64url')).digest('base64url')}`;
}

/** JWK form published in the instance document. */
export function publicJwk(publicKeyRaw: string, kid: string) {
  return { kty: 'OKP', crv: 'Ed25519', x: publicKeyRaw, kid, alg: 'EdDSA', use: 'sig' } as const;
}

/** FEP-521a Multikey form (`z` + base58btc of 0xed01 + key). */
export function multibaseEd25519(publicKeyRaw: string): string {
  return `z${base58(Buffer.concat([Buffer.from([0xed, 0x01]), Buffer.from(publicKeyRaw, 'base64url')]))}`;
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) { out = B58[Number(n % 58n)]! + out; n /= 58n; }
  for (const b of bytes) { if (b === 0) out = `1${out}`; else break; }
  return out;
}
