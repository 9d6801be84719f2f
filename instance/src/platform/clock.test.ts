import { describe, expect, it } from 'vitest';
import { isoDate, TestClock } from './clock.ts';

describe('clock', () => {
  it('counts days in Brussels, not in UTC', () => {
    expect(isoDate(new Date('2026-03-01T23:30:00Z'))).toBe('2026-03-02'); // 00:30 CET
    expect(isoDate(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01'); // 23:59 CEST
    expect(isoDate(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02'); // 00:00 CEST
  });

  it('is movable in test mode: frozen, advanced, set and reset', () => {
    const c = new TestClock();
    c.set(new Date('2027-01-31T12:00:00Z'), { frozen: true });
    expect(c.now().toISOString()).toBe('2027-01-31T12:00:00.000Z');
    c.advance(86_400_000);
    expect(c.today()).toBe('2027-02-01');
    c.reset();
    expect(Math.abs(c.now().getTime() - Date.now())).toBeLessThan(1000);
    expect(() => c.set(new Date('nope'))).toThrow(/valid time/);
  });
});
