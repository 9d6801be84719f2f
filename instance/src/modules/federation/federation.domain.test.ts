import { describe, expect, it } from 'vitest';
import { continuityStatement, originBound, originOf, suppressSmall, TokenBuckets } from './federation.domain.ts';

describe('federation domain rules', () => {
  it('derives our ids from PUBLIC_URL (trailing slash ignored) or the listening address', () => {
    expect(originOf('https://be.example/', 'x', 1)).toEqual({ base: 'https://be.example', host: 'be.example',
      actorId: 'https://be.example/fed/actor', inboxUrl: 'https://be.example/fed/inbox' });
    expect(originOf(undefined, '127.0.0.1', 3000).host).toBe('127.0.0.1:3000');
  });

  it('binds an activity to the signer host (id and actor)', () => {
    expect(originBound({ id: 'https://be.example/a/1', actor: 'https://be.example/fed/actor' }, 'be.example')).toBe(true);
    expect(originBound({ id: 'https://fr.example/a/1', actor: 'https://be.example/fed/actor' }, 'be.example')).toBe(false);
    expect(originBound({ id: 'https://be.example.evil/a/1', actor: 'https://be.example/fed/actor' }, 'be.example')).toBe(false);
    expect(originBound({ id: 'not a url', actor: 'https://be.example/fed/actor' }, 'be.example')).toBe(false);
  });

  it('suppresses counts below 10', () => {
    expect([0, 9, 10, 11].map(suppressSmall)).toEqual([null, null, 10, 11]);
  });

  it('binds the continuity statement to actor, both key ids and the new key', () => {
    const s = continuityStatement('A', 'K2', 'pub', 'K1');
    expect(s).toBe('copro-fed/1 key-continuity\nA\nK1\nK2\npub');
    expect(continuityStatement('A', 'K2', 'pub2', 'K1')).not.toBe(s);
  });

  it('token bucket: burst, then the rate, with the wait in whole seconds', () => {
    const b = new TokenBuckets(2, 3);
    expect([0, 0, 0].map(() => b.take('p', 0))).toEqual([0, 0, 0]);
    expect(b.take('p', 0)).toBe(1);
    expect(b.take('p', 500)).toBe(0); // 0.5 s at 2/s refilled one token
    expect(b.take('other', 500)).toBe(0); // buckets are per key
  });
});
