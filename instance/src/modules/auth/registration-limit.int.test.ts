import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/support/test-app.ts';

const { app } = await createTestApp({ env: { REGISTRATIONS_PER_HOUR_PER_ADDRESS: '2', TRUST_PROXY: 'true' } });
const register = (i: number, ip: string) => app.inject({
  method: 'POST', url: '/api/v1/auth/register', headers: { 'x-forwarded-for': ip },
  payload: { email: `r${i}-${ip}@example.org`, password: 'long-enough-password', displayName: 'R' },
});

describe('self-registration limit', () => {
  it('allows a few registrations per client address per hour, then answers 429 with a code and Retry-After', async () => {
    expect((await register(1, '203.0.113.7')).statusCode).toBe(201);
    expect((await register(2, '203.0.113.7')).statusCode).toBe(201);
    const third = await register(3, '203.0.113.7');
    expect(third.statusCode).toBe(429);
    expect(third.json().error.code).toBe('auth.rate_limited');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(3000);
    // With TRUST_PROXY the client address comes from X-Forwarded-For: another client is not blocked.
    expect((await register(4, '198.51.100.9')).statusCode).toBe(201);
  });
});
