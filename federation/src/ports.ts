import type { KeyObject } from 'node:crypto';

/** A peer key as the receiver pinned it. The algorithm is always Ed25519 (profile copro-fed/1). */
export interface PinnedKey {
  keyId: string;
  peerHost: string;
  publicKey: KeyObject;
  state: 'active' | 'revoked' | 'expired' | 'quarantined';
}

export type KeyResolution =
  | { kind: 'key'; key: PinnedKey }
  | { kind: 'unknown_peer' }
  | { kind: 'blocked_peer' }
  | { kind: 'unknown_key' };

/** Port: finds the pinned key of an allow-listed peer. Must never fetch anything for an unknown host. */
export interface KeyDirectory {
  resolve(keyId: string, peerHost: string): Promise<KeyResolution>;
}

/** Port: remembers `(keyid, nonce)`; answers false when the pair was already seen (a replay). */
export interface NonceStore {
  remember(keyId: string, nonce: string, at: Date): Promise<boolean>;
}

/** Our own signing identity: the current key id (an URL with a fragment) and its private key. */
export interface SigningIdentity {
  keyId: string;
  privateKey: KeyObject;
}
