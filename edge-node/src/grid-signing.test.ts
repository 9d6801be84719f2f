import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { describe, expect, it } from 'vitest';
import { canonicalSha256, sha256Hex, signGridPayload, verifyGridSignature } from './grid-signing.ts';

describe('grid signatures', () => {
  it('verifies from the peer-id string alone, and only for the same purpose and payload', async () => {
    const key = await generateKeyPair('Ed25519');
    const other = await generateKeyPair('Ed25519');
    const peerId = peerIdFromPrivateKey(key).toString();
    const payload = { jobId: 'j', attempt: 1, b: [1, 2] };
    const signature = await signGridPayload(key, 'receipt', payload);
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(await verifyGridSignature(peerId, 'receipt', { b: [1, 2], attempt: 1, jobId: 'j' }, signature)).toBe(true);
    expect(await verifyGridSignature(peerId, 'capability', payload, signature)).toBe(false);
    expect(await verifyGridSignature(peerId, 'receipt', { ...payload, attempt: 2 }, signature)).toBe(false);
    expect(await verifyGridSignature(peerIdFromPrivateKey(other).toString(), 'receipt', payload, signature)).toBe(false);
    expect(await verifyGridSignature('not-a-peer-id', 'receipt', payload, signature)).toBe(false);
    expect(await verifyGridSignature(peerId, 'receipt', payload, 'short')).toBe(false);
  });

  it('hashes canonical JSON', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(canonicalSha256({ b: 1, a: 2 })).toBe(sha256Hex('{"a":2,"b":1}'));
  });
});
