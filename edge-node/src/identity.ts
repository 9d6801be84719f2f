import { chmod, open, readFile, stat } from 'node:fs/promises';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { EdgeState } from './state.ts';

/**
 * The node identity (grid-design §3): a persistent Ed25519 libp2p key stored as its 68-byte protobuf in
 * `identity.key`, mode 0600. The peer id derived from it is the node id; losing the file means
 * enrolling again as a new node.
 */
export const IDENTITY_FILE = 'identity.key';

export interface Identity {
  privateKey: PrivateKey;
  peerId: string;
  created: boolean;
}

export async function loadIdentity(state: EdgeState): Promise<Identity | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(state.path(IDENTITY_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const mode = (await stat(state.path(IDENTITY_FILE))).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`${state.path(IDENTITY_FILE)} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${state.path(IDENTITY_FILE)}`);
  }
  const privateKey = privateKeyFromProtobuf(bytes);
  if (privateKey.type !== 'Ed25519') throw new Error(`${state.path(IDENTITY_FILE)} does not hold an Ed25519 key`);
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), created: false };
}

/** Loads the identity, or creates it (exclusive create, so two processes never write two keys). */
export async function loadOrCreateIdentity(state: EdgeState): Promise<Identity> {
  const existing = await loadIdentity(state);
  if (existing) return existing;
  await state.ensure();
  const privateKey = await generateKeyPair('Ed25519');
  const handle = await open(state.path(IDENTITY_FILE), 'wx', 0o600);
  try {
    await handle.writeFile(privateKeyToProtobuf(privateKey));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(state.path(IDENTITY_FILE), 0o600); // the umask cannot widen it, but be explicit
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), created: true };
}
