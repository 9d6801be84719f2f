import { verify as edVerify, type KeyObject } from 'node:crypto';
import { httpbis } from 'http-message-signatures';
import { contentDigestMatches } from './digest.ts';
import { ALGORITHM, BODY_COMPONENTS, GET_COMPONENTS, PROFILE_TAG, RECEIPT_COMPONENTS, RECEIPT_TAG, REQUIRED_PARAMS, SIGNATURE_LABEL, MAX_FUTURE_SECONDS } from './profile.ts';
import type { KeyDirectory, NonceStore } from './ports.ts';
import { parseSignatureInput, parseSignatureLabels, type ParsedSignatureInput } from './signature-input.ts';
import { withinWindow } from './window.ts';

export type RejectReason =
  | 'malformed_signature' | 'unknown_peer' | 'peer_blocked' | 'unknown_key' | 'key_revoked' | 'key_expired' | 'key_quarantined'
  | 'clock_skew' | 'insufficient_coverage' | 'bad_tag' | 'alg_mismatch' | 'digest_mismatch' | 'bad_signature' | 'replayed';

export type VerifyResult =
  | { ok: true; keyId: string; peerHost: string; created: number; nonce: string }
  | { ok: false; status: 401 | 403; reason: RejectReason };

export interface IncomingRequest {
  method: string;
  /** Absolute URL rebuilt from our configured public origin and the raw path, never from X-Forwarded-*. */
  targetUri: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** The raw bytes received (empty for GET). */
  body: Uint8Array;
}

const reject = (reason: RejectReason, status: 401 | 403 = 401): VerifyResult => ({ ok: false, status, reason });

/** Host of a keyid URL, or null when the keyid is not an https/http URL with a fragment-free origin. */
export function keyIdHost(keyId: string): string | null {
  try {
    const u = new URL(keyId);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.host : null;
  } catch {
    return null;
  }
}

function parseOne(headers: IncomingRequest['headers']): ParsedSignatureInput | null {
  const input = headers['signature-input'];
  const sig = headers.signature;
  if (!input || !sig) return null;
  const parsed = parseSignatureInput(input);
  const labels = parseSignatureLabels(sig);
  if (!parsed || !labels || parsed.length !== 1 || labels.length !== 1) return null;
  if (parsed[0]!.label !== SIGNATURE_LABEL || labels[0] !== SIGNATURE_LABEL) return null;
  return parsed[0]!;
}

/**
 * The inbox pipeline's signature steps (design §2.2, steps 3–9), in order: parse → key → window →
 * coverage/tag/alg → digest over the raw bytes → signature → nonce. Each refusal names its reason.
 */
export async function verifyRequest(req: IncomingRequest, ports: { keys: KeyDirectory; nonces: NonceStore | 'checked-by-caller'; now: Date }): Promise<VerifyResult> {
  const sig = parseOne(req.headers);
  if (!sig) return reject('malformed_signature');
  const { keyid, nonce, tag, alg } = sig.params;
  if (typeof keyid !== 'string' || typeof nonce !== 'string') return reject('insufficient_coverage');
  const host = keyIdHost(keyid);
  if (!host) return reject('malformed_signature');

  const found = await ports.keys.resolve(keyid, host);
  if (found.kind === 'unknown_peer') return reject('unknown_peer');
  if (found.kind === 'blocked_peer') return reject('peer_blocked', 403);
  if (found.kind === 'unknown_key') return reject('unknown_key');
  const key = found.key;
  if (key.state !== 'active') return reject(`key_${key.state}`);

  if (!withinWindow(sig.params, ports.now)) return reject('clock_skew');

  const required = req.method === 'GET' ? GET_COMPONENTS : BODY_COMPONENTS;
  if (!REQUIRED_PARAMS.every((p) => p in sig.params) || !required.every((c) => sig.components.includes(c)) || nonce.length < 22) {
    return reject('insufficient_coverage');
  }
  if (tag !== PROFILE_TAG) return reject('bad_tag');
  if (alg !== ALGORITHM) return reject('alg_mismatch');
  if (req.method !== 'GET' && !contentDigestMatches(req.headers['content-digest'], req.body)) return reject('digest_mismatch');

  if (!(await signatureValid(req, key.publicKey, keyid, [...required], ports.now))) return reject('bad_signature');
  // 'checked-by-caller': the caller records (keyid, nonce) itself, atomically with what it stores,
  // and answers `replayed` when the pair exists (saves a database round trip per request).
  if (ports.nonces !== 'checked-by-caller' && !(await ports.nonces.remember(keyid, nonce, ports.now))) return reject('replayed');
  return { ok: true, keyId: keyid, peerHost: key.peerHost, created: sig.params.created as number, nonce };
}

async function signatureValid(req: IncomingRequest, publicKey: KeyObject, keyId: string, fields: string[], now: Date): Promise<boolean> {
  const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
  try {
    const result = await httpbis.verifyMessage({
      keyLookup: async (p) => (p.keyid === keyId ? { id: keyId, algs: [ALGORITHM], verify: ed25519Verifier(publicKey) } : null),
      requiredFields: fields,
      requiredParams: [...REQUIRED_PARAMS],
      // Our window is authoritative; this only stops the library from refusing what it allows.
      notAfter: new Date(now.getTime() + MAX_FUTURE_SECONDS * 1000),
    }, { method: req.method, url: req.targetUri, headers });
    return result === true; // null means "unsigned" or "unknown key": a refusal too
  } catch {
    return false;
  }
}

/** The receipt components as our parser renders them (parameters unquoted). */
const RECEIPT_BINDING = RECEIPT_COMPONENTS.map((c) => c.replaceAll('"', ''));

const ed25519Verifier = (publicKey: KeyObject) => async (data: Buffer, signature: Buffer) => edVerify(null, data, publicKey, signature);

/**
 * Verifies a signed inbox answer (receipt) against the request we sent: the receipt covers the
 * request's signature, so it proves this very delivery.
 */
export async function verifyReceipt(res: { status: number; headers: Record<string, string>; body: Uint8Array },
  request: { method: string; url: string; headers: Record<string, string> }, publicKey: KeyObject, expectedKeyId: string, now: Date): Promise<boolean> {
  const parsed = res.headers['signature-input'] ? parseSignatureInput(res.headers['signature-input']) : null;
  if (!parsed || parsed.length !== 1 || parsed[0]!.params.tag !== RECEIPT_TAG || parsed[0]!.params.keyid !== expectedKeyId) return false;
  if (!RECEIPT_BINDING.every((c) => parsed[0]!.components.includes(c))) return false;
  if (!contentDigestMatches(res.headers['content-digest'], res.body)) return false;
  try {
    const ok = await httpbis.verifyMessage({
      keyLookup: async (p) => (p.keyid === expectedKeyId ? { id: expectedKeyId, algs: [ALGORITHM], verify: ed25519Verifier(publicKey) } : null),
      requiredFields: ['@status', 'content-digest', 'signature', '@target-uri'],
      notAfter: new Date(now.getTime() + MAX_FUTURE_SECONDS * 1000), // no maxAge: a receipt is evidence, its age is no reason to refuse it
    }, { status: res.status, headers: res.headers }, { method: request.method, url: request.url, headers: request.headers });
    return ok === true;
  } catch {
    return false;
  }
}
