import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { httpbis } from 'http-message-signatures';
import { describe, expect, it } from 'vitest';

// RFC 9421 Appendix B.1.4 (test-key-ed25519) and B.2.6 (signing a request with Ed25519).
const PRIVATE = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n';
const PUBLIC = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n-----END PUBLIC KEY-----\n';
const EXPECTED = 'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==';

const request = {
  method: 'POST',
  url: 'https://example.com/foo?param=Value&Pet=dog',
  headers: { host: 'example.com', date: 'Tue, 20 Apr 2021 02:07:55 GMT', 'content-type': 'application/json', 'content-length': '18' },
};

describe('RFC 9421 Appendix B.2.6 (Ed25519)', () => {
  it('reproduces the published signature byte for byte', async () => {
    const key = createPrivateKey(PRIVATE);
    const signed = await httpbis.signMessage({
      key: { id: 'test-key-ed25519', sign: async (data) => sign(null, data, key) },
      name: 'sig-b26',
      fields: ['date', '@method', '@path', '@authority', 'content-type', 'content-length'],
      params: ['created', 'keyid'],
      paramValues: { created: new Date(1618884473 * 1000) },
    }, request);
    const headers = signed.headers as Record<string, string>;
    expect(headers['Signature-Input']).toBe(
      'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"');
    expect(headers.Signature).toBe(`sig-b26=:${EXPECTED}:`);
  });

  it('verifies the published signature with the published public key, and not a modified one', async () => {
    const pub = createPublicKey(PUBLIC);
    const headers = { ...request.headers,
      'signature-input': 'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      signature: `sig-b26=:${EXPECTED}:` };
    const config = {
      keyLookup: async () => ({ id: 'test-key-ed25519', verify: async (d: Buffer, s: Buffer) => verify(null, d, pub, s) }),
      notAfter: new Date(1618884473 * 1000 + 1000),
    };
    expect(await httpbis.verifyMessage(config, { ...request, headers })).toBe(true);
    expect(await httpbis.verifyMessage(config, { ...request, method: 'PUT', headers })).toBe(false);
  });
});
