import { describe, expect, it } from 'vitest';
import { TestClock } from '../../platform/clock.ts';
import { LoginThrottle } from './login-throttle.ts';

describe('login throttle', () => {
  const limits = { maxFailuresPerAccount: 3, maxFailuresPerAddress: 5, windowSeconds: 60 };

  it('blocks an account after its failures and frees it when the window passes', () => {
    const clock = new TestClock();
    clock.set(new Date('2026-01-01T00:00:00Z'), { frozen: true });
    const th = new LoginThrottle(limits, clock);
    for (let i = 0; i < 3; i++) expect(th.retryAfter('a@x', '1.1.1.1')).toBe(0), th.fail('a@x', '1.1.1.1');
    expect(th.retryAfter('a@x', '2.2.2.2')).toBe(60);
    expect(th.retryAfter('b@x', '2.2.2.2')).toBe(0);
    clock.advance(30_000);
    expect(th.retryAfter('a@x', '2.2.2.2')).toBe(30);
    clock.advance(30_001);
    expect(th.retryAfter('a@x', '2.2.2.2')).toBe(0);
  });

  it('blocks an address that tries many accounts', () => {
    const clock = new TestClock();
    const th = new LoginThrottle(limits, clock);
    for (let i = 0; i < 5; i++) th.fail(`user${i}@x`, '9.9.9.9');
    expect(th.retryAfter('fresh@x', '9.9.9.9')).toBeGreaterThan(0);
    expect(th.retryAfter('fresh@x', '8.8.8.8')).toBe(0);
  });

  it('counts an attempt before the password is checked, so parallel guesses cannot pass the limit', () => {
    const th = new LoginThrottle(limits, new TestClock());
    const started = Array.from({ length: 10 }, () => th.begin('p@x', '4.4.4.4'));
    expect(started.filter((w) => w === 0)).toHaveLength(3);
    expect(started.slice(3).every((w) => w > 0)).toBe(true);
  });

  it('forgets a success, and sweeps keys whose failures left the window', () => {
    const clock = new TestClock();
    const th = new LoginThrottle(limits, clock);
    th.begin('ok@x', '5.5.5.5');
    th.succeed('ok@x', '5.5.5.5');
    expect(th.retryAfter('ok@x', '5.5.5.5')).toBe(0);
    for (let i = 0; i < 1200; i++) th.begin(`random${i}@x`, `10.0.${i % 250}.1`);
    clock.advance(61_000);
    for (let i = 0; i < 800; i++) th.begin('late@x', '6.6.6.6');
    expect(th.trackedKeys).toBeLessThan(10);
  });

  it('slows each further failure, up to 2 s', () => {
    const th = new LoginThrottle({ ...limits, maxFailuresPerAccount: 100, maxFailuresPerAddress: 100 }, new TestClock());
    const delays = Array.from({ length: 8 }, () => th.fail('c@x', '3.3.3.3'));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 2000, 2000, 2000]);
  });
});
