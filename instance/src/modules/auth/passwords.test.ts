import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.ts';

describe('argon2id passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const phc = await hashPassword('correct horse battery staple');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('correct horse battery staple', phc)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', phc)).toBe(false);
  });
  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });
  it('treats a malformed stored hash as a mismatch', async () => {
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });
  it('matches the RFC 9106 argon2id shape with other parameters', async () => {
    const phc = await hashPassword('pw', { memoryKiB: 8, passes: 1, parallelism: 1 });
    expect(phc.startsWith('$argon2id$v=19$m=8,t=1,p=1$')).toBe(true);
    expect(await verifyPassword('pw', phc)).toBe(true);
  });
});
