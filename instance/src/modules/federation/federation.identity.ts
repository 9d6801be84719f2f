import { randomBytes, sign } from 'node:crypto';
import type { InstanceDocumentDto } from '@koprogo/protocols';
import { FED_CONTEXT } from '@koprogo/protocols';
import { fingerprint, generateEd25519, multibaseEd25519, privateKeyFromDer, publicJwk, type SigningIdentity } from '@koprogo/federation';
import type { Deps } from '../../platform/deps.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { decryptPrivateKey, encryptPrivateKey, requireSecret } from './federation.crypto.ts';
import { continuityStatement, monthKeyId, originOf, SUPPORTED_ACTIVITIES, type Origin } from './federation.domain.ts';
import * as repo from './federation.repo.ts';
import { enqueueActivity, newActivityId } from './federation.outbox.ts';

export type FedDeps = Pick<Deps, 'sql' | 'clock' | 'config' | 'logger' | 'boss' | 'version'>;

/** After a rotation the previous key stays valid this long (retry horizon ≈ 74 h, plus margin). */
export const PREVIOUS_KEY_GRACE_MS = 7 * 24 * 3_600_000;
const IDENTITY_LOCK = 7_305_611_009;

export const originFor = (deps: Pick<Deps, 'config'>): Origin => originOf(deps.config.publicUrl, deps.config.host, deps.config.port);

/**
 * Our keys, read at most every 10 s per process (each inbox answer is signed); changes made by this
 * process clear the cache at once. A rotation by the CLI is seen within 10 s; the previous key stays valid.
 */
const keyCache = new WeakMap<object, { at: number; keys: repo.OwnKeyRow[] }>();
const KEY_CACHE_MS = 10_000;
export const forgetOwnKeys = (deps: Pick<FedDeps, 'config'>) => keyCache.delete(deps.config);

/** Our keys; the first one is created (and encrypted) on first use. */
export async function ensureIdentity(deps: FedDeps): Promise<repo.OwnKeyRow[]> {
  const cached = keyCache.get(deps.config);
  if (cached && Date.now() - cached.at < KEY_CACHE_MS) return cached.keys;
  const keys = await repo.listOwnKeys(deps.sql);
  if (keys.length > 0) {
    keyCache.set(deps.config, { at: Date.now(), keys });
    return keys;
  }
  const secret = await requireSecret(deps);
  await deps.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${IDENTITY_LOCK})`;
    if ((await repo.listOwnKeys(tx)).length > 0) return;
    const at = deps.clock.now();
    await insertNewKey(tx, deps, secret, at, at);
    deps.logger.info('federation identity created');
  });
  return repo.listOwnKeys(deps.sql);
}

async function insertNewKey(tx: Db, deps: FedDeps, secret: string, at: Date, signingFrom: Date) {
  const pair = generateEd25519();
  const keyId = monthKeyId(originFor(deps).actorId, at, randomBytes(3).toString('hex'));
  await repo.insertOwnKey(tx, { keyId, publicKey: pair.publicKeyRaw, privateKeyEnc: encryptPrivateKey(pair.privateKeyDer, secret), validFrom: at, signingFrom }, at);
  return { keyId, pair };
}

const usable = (k: repo.OwnKeyRow, now: Date) => !k.revokedAt && (!k.expiresAt || k.expiresAt > now);

/**
 * The key we sign with now: the newest usable key whose signing time has come; right after a
 * revocation, the newest usable key even if announced for later.
 */
export function pickSigningKey(keys: repo.OwnKeyRow[], now: Date): repo.OwnKeyRow | null {
  const live = keys.filter((k) => usable(k, now));
  const due = live.filter((k) => k.signingFrom <= now);
  return due.at(-1) ?? live.at(-1) ?? null;
}

const decrypted = new Map<string, SigningIdentity>();

/**
 * Our current signing key; `preferKeyId` (still usable) wins: a rotation is announced with the
 * previous key, which peers already pin.
 */
export async function signingIdentity(deps: FedDeps, preferKeyId?: string): Promise<SigningIdentity> {
  const keys = await ensureIdentity(deps);
  const now = deps.clock.now();
  const preferred = preferKeyId ? keys.find((k) => k.keyId === preferKeyId && usable(k, now)) : undefined;
  const key = preferred ?? pickSigningKey(keys, now);
  if (!key) throw new AppError('federation.no_signing_key', 'No usable federation key: rotate the key (koprogo federation rotate-key)');
  const cacheKey = `${key.keyId} ${key.publicKey}`;
  let id = decrypted.get(cacheKey);
  if (!id) {
    id = { keyId: key.keyId, privateKey: privateKeyFromDer(decryptPrivateKey(key.privateKeyEnc, await requireSecret(deps))) };
    decrypted.set(cacheKey, id);
  }
  return id;
}

export async function instanceDocument(deps: FedDeps): Promise<InstanceDocumentDto> {
  const o = originFor(deps);
  const keys = await ensureIdentity(deps);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    '@context': [...FED_CONTEXT],
    id: o.actorId,
    type: 'Service',
    name: deps.config.federation.name,
    country: deps.config.federation.country,
    cooperative: deps.config.federation.cooperative,
    inbox: o.inboxUrl,
    assertionMethod: keys.map((k) => ({
      id: k.keyId, type: 'Multikey' as const, controller: o.actorId, publicKeyMultibase: multibaseEd25519(k.publicKey),
      publicKeyJwk: publicJwk(k.publicKey, k.keyId), fingerprint: fingerprint(k.publicKey),
      validFrom: k.validFrom.toISOString(), signingFrom: k.signingFrom.toISOString(), expires: iso(k.expiresAt), revoked: iso(k.revokedAt),
    })),
    software: { name: 'koprogo', version: deps.version },
    protocol: 'copro-fed/1',
    supportedActivities: SUPPORTED_ACTIVITIES,
  };
}

/**
 * Rotation: a new key, published at once and announced to every peer with a continuity proof
 * signed by the current key and by the new one; it signs after `overlapHours`, and the previous
 * key stays valid a week beyond that.
 */
export async function rotateKey(deps: FedDeps, overlapHours: number): Promise<{ keyId: string; signingFrom: Date; activityId: string }> {
  const secret = await requireSecret(deps);
  const current = await signingIdentity(deps);
  return deps.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${IDENTITY_LOCK})`;
    const at = deps.clock.now();
    const signingFrom = new Date(at.getTime() + overlapHours * 3_600_000);
    const { keyId, pair } = await insertNewKey(tx, deps, secret, at, signingFrom);
    await repo.expireOwnKeysBefore(tx, signingFrom, new Date(signingFrom.getTime() + PREVIOUS_KEY_GRACE_MS));
    const o = originFor(deps);
    const statement = Buffer.from(continuityStatement(o.actorId, keyId, pair.publicKeyRaw, current.keyId));
    const byPrevious = sign(null, statement, current.privateKey).toString('base64url');
    const byNew = sign(null, statement, privateKeyFromDer(pair.privateKeyDer)).toString('base64url');
    const activityId = await enqueueActivity(tx, deps, {
      '@context': [...FED_CONTEXT], id: newActivityId(o), type: 'Update', actor: o.actorId, published: at.toISOString(),
      object: { type: 'Service', id: o.actorId, 'copro:keyAdded': { id: keyId, publicKey: pair.publicKeyRaw, validFrom: at.toISOString(),
        signingFrom: signingFrom.toISOString(), continuity: { previousKeyId: current.keyId, byPrevious, byNew } } },
    });
    return { keyId, signingFrom, activityId };
  }).finally(() => forgetOwnKeys(deps));
}

/** Revokes one of our keys at once and tells every peer (the announcement is signed by another key). */
export async function revokeOwnKey(deps: FedDeps, keyId: string, reason: string): Promise<string> {
  const keys = await ensureIdentity(deps);
  const now = deps.clock.now();
  if (!keys.some((k) => k.keyId === keyId)) throw new AppError('fed_key.not_found', 'No such key of this instance', { keyId });
  if (!keys.some((k) => k.keyId !== keyId && usable(k, now))) {
    throw new AppError('fed_key.last_usable', 'Rotate first: revoking the only usable key would leave nothing to sign the revocation with');
  }
  return deps.sql.begin(async (tx) => {
    if (!(await repo.revokeOwnKey(tx, keyId, now))) throw new AppError('fed_key.already_revoked', 'This key is already revoked');
    const o = originFor(deps);
    return enqueueActivity(tx, deps, {
      '@context': [...FED_CONTEXT], id: newActivityId(o), type: 'Update', actor: o.actorId, published: now.toISOString(),
      object: { type: 'Service', id: o.actorId, 'copro:keyRevoked': { id: keyId, revoked: now.toISOString(), reason } },
    });
  }).finally(() => forgetOwnKeys(deps)) as Promise<string>;
}
