import { randomBytes, sign as edSign } from 'node:crypto';
import { httpbis } from 'http-message-signatures';
import { contentDigest } from './digest.ts';
import { ALGORITHM, BODY_COMPONENTS, GET_COMPONENTS, MAX_VALIDITY_SECONDS, PROFILE_TAG, RECEIPT_COMPONENTS, RECEIPT_TAG, REQUIRED_PARAMS, SIGNATURE_LABEL } from './profile.ts';
import type { SigningIdentity } from './ports.ts';

export interface OutgoingRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** ≥ 128 random bits, base64url: what makes two signatures of the same bytes in the same second differ. */
export const newNonce = () => randomBytes(18).toString('base64url');

const signer = (id: SigningIdentity) => ({
  id: id.keyId,
  alg: ALGORITHM,
  sign: async (data: Buffer) => edSign(null, data, id.privateKey),
});

/**
 * Signs a request with profile copro-fed/1 at send time (fresh created and nonce): adds
 * Content-Digest (POST), Signature-Input and Signature. Header names are lower-case.
 */
export async function signRequest(req: OutgoingRequest, id: SigningIdentity, now: Date, nonce = newNonce()): Promise<Record<string, string>> {
  const headers: Record<string, string> = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  headers.host = new URL(req.url).host;
  if (req.method === 'POST') {
    headers['content-digest'] = contentDigest(req.body ?? new Uint8Array());
    headers['content-type'] ??= 'application/activity+json';
  } else {
    headers.accept ??= 'application/activity+json';
  }
  const created = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const signed = await httpbis.signMessage({
    key: signer(id),
    name: SIGNATURE_LABEL,
    fields: [...(req.method === 'POST' ? BODY_COMPONENTS : GET_COMPONENTS)],
    params: [...REQUIRED_PARAMS],
    paramValues: { created, expires: new Date(created.getTime() + MAX_VALIDITY_SECONDS * 1000), nonce, tag: PROFILE_TAG },
  }, { method: req.method, url: req.url, headers });
  return lowerCase(signed.headers as Record<string, string>);
}

export interface SignedRequestRef {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/**
 * Signs an inbox answer as a delivery receipt bound to the request's own signature (`;req`):
 * it verifies against that request only.
 */
export async function signReceipt(res: { status: number; headers: Record<string, string>; body: Uint8Array }, request: SignedRequestRef,
  id: SigningIdentity, now: Date): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...res.headers, 'content-digest': contentDigest(res.body) };
  const signed = await httpbis.signMessage({
    key: signer(id),
    name: SIGNATURE_LABEL,
    fields: [...RECEIPT_COMPONENTS],
    params: ['created', 'keyid', 'alg', 'nonce', 'tag'],
    paramValues: { created: new Date(Math.floor(now.getTime() / 1000) * 1000), nonce: newNonce(), tag: RECEIPT_TAG },
  }, { status: res.status, headers }, { method: request.method, url: request.url, headers: request.headers });
  return lowerCase(signed.headers as Record<string, string>);
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
