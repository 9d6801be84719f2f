import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 9530 `Content-Digest` value (`sha-256=:<base64>:`) over the exact bytes sent. */
export function contentDigest(body: Uint8Array): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

export function sha256Hex(body: Uint8Array | string): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Recomputes the digest over the raw bytes received and compares it with the header. The header
 * may list several algorithms; only sha-256 is accepted and it must be present.
 */
export function contentDigestMatches(header: string | undefined, body: Uint8Array): boolean {
  if (!header) return false;
  const m = /(?:^|,)\s*sha-256=:([A-Za-z0-9+/]+={0,2}):\s*(?:,|$)/.exec(header);
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'base64');
  const actual = createHash('sha256').update(body).digest();
  return given.length === actual.length && timingSafeEqual(given, actual);
}
