import { sign as edSign } from 'node:crypto';
import { httpbis } from 'http-message-signatures';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateEd25519, privateKeyFromDer, publicKeyFromRaw, fingerprint } from './keys.ts';
import type { KeyDirectory, NonceStore, PinnedKey } from './ports.ts';
import { signReceipt, signRequest } from './sign.ts';
import { verifyReceipt, verifyRequest, type IncomingRequest } from './verify.ts';

const PEER = 'be.example';
const KEY_ID = `https://${PEER}/fed/actor#ed25519-2026-11`;
const pair = generateEd25519();
const other = generateEd25519();
const identity = { keyId: KEY_ID, privateKey: privateKeyFromDer(pair.privateKeyDer) };
const T0 = new Date('2026-11-25T10:00:00Z');
const URL_ = 'https://fr.example/fed/inbox';
const body = Buffer.from(JSON.stringify({ type: 'Create', id: 'https://be.example/fed/a/1' }));

let state: PinnedKey['state'];
let peerStatus: 'allowed' | 'blocked' | 'unknown';
let seen: Set<string>;
const keys: KeyDirectory = {
  resolve: async (keyId, host) => {
    if (peerStatus === 'unknown' || host !== PEER) return { kind: 'unknown_peer' };
    if (peerStatus === 'blocked') return { kind: 'blocked_peer' };
    if (keyId !== KEY_ID) return { kind: 'unknown_key' };
    return { kind: 'key', key: { keyId, peerHost: PEER, publicKey: publicKeyFromRaw(pair.publicKeyRaw), state } };
  },
};
const nonces: NonceStore = { remember: async (k, n) => (seen.has(`${k} ${n}`) ? false : (seen.add(`${k} ${n}`), true)) };

beforeEach(() => { state = 'active'; peerStatus = 'allowed'; seen = new Set(); });

async function signed(at = T0, opts: { payload?: Buffer; id?: typeof identity } = {}): Promise<IncomingRequest> {
  const headers = await signRequest({ method: 'POST', url: URL_, headers: {}, body: opts.payload ?? body }, opts.id ?? identity, at);
  return { method: 'POST', targetUri: URL_, headers, body: opts.payload ?? body };
}
const check = (req: IncomingRequest, now = T0) => verifyRequest(req, { keys, nonces, now });

describe('profile copro-fed/1: verifying a signed request', () => {
  it('accepts a well-signed request once, then refuses its replay', async () => {
    const req = await signed();
    expect(await check(req)).toMatchObject({ ok: true, keyId: KEY_ID, peerHost: PEER });
    expect(await check(req)).toEqual({ ok: false, status: 401, reason: 'replayed' });
  });

  it('leaves the nonce to the caller when asked, and returns it', async () => {
    const req = await signed();
    const r = await verifyRequest(req, { keys, nonces: 'checked-by-caller', now: T0 });
    expect(r).toMatchObject({ ok: true, nonce: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/) });
    expect(seen.size).toBe(0);
  });

  it('covers the profile components and parameters', async () => {
    const req = await signed();
    expect(req.headers['signature-input']).toMatch(/^sig1=\("@method" "@target-uri" "@authority" "content-type" "content-digest"\);created=\d+;expires=\d+;keyid="[^"]+";alg="ed25519";nonce="[A-Za-z0-9_-]{24}";tag="copro-fed\/1"$/);
    expect(req.headers['content-digest']).toMatch(/^sha-256=:[A-Za-z0-9+/]{43}=:$/);
  });

  it('refuses a tampered body (the digest is recomputed over the raw bytes)', async () => {
    const req = await signed();
    expect(await check({ ...req, body: Buffer.from(body.toString().replace('Create', 'Delete')) })).toMatchObject({ reason: 'digest_mismatch' });
  });

  it('refuses a body and digest both replaced (the signature covers the digest)', async () => {
    const req = await signed();
    const evil = Buffer.from('{"type":"Delete"}');
    const forged = await signed(T0, { payload: evil });
    expect(await check({ ...req, body: evil, headers: { ...req.headers, 'content-digest': forged.headers['content-digest'] } }))
      .toMatchObject({ reason: 'bad_signature' });
  });

  it('refuses a signature made with another key under the pinned keyid', async () => {
    const req = await signed(T0, { id: { keyId: KEY_ID, privateKey: privateKeyFromDer(other.privateKeyDer) } });
    expect(await check(req)).toMatchObject({ status: 401, reason: 'bad_signature' });
  });

  it('refuses unknown peers (401), blocked peers (403), unknown, revoked, expired and quarantined keys', async () => {
    const req = await signed();
    peerStatus = 'unknown';
    expect(await check(req)).toEqual({ ok: false, status: 401, reason: 'unknown_peer' });
    peerStatus = 'blocked';
    expect(await check(req)).toEqual({ ok: false, status: 403, reason: 'peer_blocked' });
    peerStatus = 'allowed';
    expect(await check(await signed(T0, { id: { ...identity, keyId: `${KEY_ID}x` } }))).toMatchObject({ reason: 'unknown_key' });
    for (const s of ['revoked', 'expired', 'quarantined'] as const) {
      state = s;
      expect(await check(req)).toMatchObject({ status: 401, reason: `key_${s}` });
    }
    expect(seen.size).toBe(0); // nothing remembered for refused requests
  });

  it('applies the window: 5 min in the past, 60 s in the future', async () => {
    const at = (s: number) => new Date(T0.getTime() + s * 1000);
    expect(await check(await signed(at(-299)))).toMatchObject({ ok: true });
    expect(await check(await signed(at(-301)))).toMatchObject({ reason: 'clock_skew' });
    expect(await check(await signed(at(59)))).toMatchObject({ ok: true });
    expect(await check(await signed(at(61)))).toMatchObject({ reason: 'clock_skew' });
  });

  it('refuses two signatures, another tag, another alg, missing coverage and garbage headers', async () => {
    const req = await signed();
    const two = { ...req, headers: { ...req.headers, 'signature-input': `${req.headers['signature-input']}, sig2=("@method");created=1`,
      signature: `${req.headers.signature}, sig2=:AAAA:` } };
    expect(await check(two)).toMatchObject({ reason: 'malformed_signature' });
    expect(await check({ ...req, headers: { ...req.headers, signature: undefined } })).toMatchObject({ reason: 'malformed_signature' });
    expect(await check({ ...req, headers: { ...req.headers, 'signature-input': 'sig1=("@method' } })).toMatchObject({ reason: 'malformed_signature' });

    const custom = async (params: Record<string, string>, fields = ['@method', '@target-uri', '@authority', 'content-type', 'content-digest']) => {
      const created = new Date(T0.getTime());
      const headers = { 'content-type': 'application/activity+json', 'content-digest': req.headers['content-digest']!, host: 'fr.example' };
      const s = await httpbis.signMessage({
        key: { id: KEY_ID, alg: params.alg ?? 'ed25519', sign: async (d) => edSign(null, d, identity.privateKey) },
        name: 'sig1', fields, params: ['created', 'expires', 'keyid', 'alg', 'nonce', 'tag'],
        paramValues: { created, expires: new Date(created.getTime() + 300_000), nonce: 'n'.repeat(24), tag: params.tag ?? 'copro-fed/1' },
      }, { method: 'POST', url: URL_, headers });
      return { method: 'POST', targetUri: URL_, headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), String(v)])), body };
    };
    expect(await check(await custom({ tag: 'other-protocol' }))).toMatchObject({ reason: 'bad_tag' });
    expect(await check(await custom({ alg: 'rsa-pss-sha512' }))).toMatchObject({ reason: 'alg_mismatch' });
    expect(await check(await custom({}, ['@method', '@target-uri', 'content-digest']))).toMatchObject({ reason: 'insufficient_coverage' });
    expect(await check(await custom({}))).toMatchObject({ ok: true });
  });

  it('binds the target: the same request replayed at another URL fails', async () => {
    const req = await signed();
    expect(await check({ ...req, targetUri: 'https://lu.example/fed/inbox' })).toMatchObject({ reason: 'bad_signature' });
  });

  it('gives administrators a stable fingerprint to compare', () => {
    expect(fingerprint(pair.publicKeyRaw)).toMatch(/^SHA256:[A-Za-z0-9_-]{43}$/);
    expect(fingerprint(pair.publicKeyRaw)).not.toBe(fingerprint(other.publicKeyRaw));
  });
});

describe('signed delivery receipts', () => {
  it('verify against their own request only', async () => {
    const receiver = { keyId: 'https://fr.example/fed/actor#k1', privateKey: privateKeyFromDer(other.privateKeyDer) };
    const req = await signed();
    const requestRef = { method: 'POST', url: URL_, headers: req.headers as Record<string, string> };
    const resBody = Buffer.from('{"status":"accepted"}');
    const headers = await signReceipt({ status: 202, headers: { 'content-type': 'application/json' }, body: resBody }, requestRef, receiver, T0);
    const pub = publicKeyFromRaw(other.publicKeyRaw);
    expect(await verifyReceipt({ status: 202, headers, body: resBody }, requestRef, pub, receiver.keyId, T0)).toBe(true);
    const otherReq = await signed();
    const otherRef = { method: 'POST', url: URL_, headers: otherReq.headers as Record<string, string> };
    expect(await verifyReceipt({ status: 202, headers, body: resBody }, otherRef, pub, receiver.keyId, T0)).toBe(false);
    expect(await verifyReceipt({ status: 200, headers, body: resBody }, requestRef, pub, receiver.keyId, T0)).toBe(false);
    expect(await verifyReceipt({ status: 202, headers, body: Buffer.from('{}') }, requestRef, pub, receiver.keyId, T0)).toBe(false);
  });
});
