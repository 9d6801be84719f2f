import { describe, expect, it } from 'vitest';
import { afterFailure, afterSuccess, classifyAnswer, closedCircuit, CIRCUIT_COOL_OFF_MS, mayAttempt, retryDelayMs } from './delivery-policy.ts';

describe('retry curve n⁴ + 15 s + jitter', () => {
  it('matches the design table without jitter and stays within the jitter bound', () => {
    expect([0, 1, 2, 3, 4, 15].map((n) => retryDelayMs(n, () => 0))).toEqual([15_000, 16_000, 31_000, 96_000, 271_000, 50_640_000]);
    expect(retryDelayMs(4, () => 1)).toBe((256 + 15 + 128) * 1000);
    const total = Array.from({ length: 16 }, (_, n) => retryDelayMs(n, () => 0)).reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeCloseTo(49.6, 1);
  });
});

describe('classifying answers', () => {
  it('separates delivered, permanent, re-sign and retry', () => {
    expect(classifyAnswer(202, undefined, undefined)).toEqual({ kind: 'delivered' });
    expect(classifyAnswer(413, 'too_large', undefined)).toMatchObject({ kind: 'permanent' });
    expect(classifyAnswer(409, 'equivocation', undefined)).toMatchObject({ kind: 'permanent' });
    expect(classifyAnswer(401, 'clock_skew', undefined)).toMatchObject({ kind: 'resign_once' });
    expect(classifyAnswer(401, 'bad_signature', undefined)).toMatchObject({ kind: 'retry', countsForCircuit: true });
    expect(classifyAnswer(429, undefined, '7')).toEqual({ kind: 'retry', reason: 'rate_limited', countsForCircuit: false, retryAfterMs: 7000 });
    expect(classifyAnswer(503, undefined, undefined)).toMatchObject({ kind: 'retry', countsForCircuit: true });
    expect(classifyAnswer(0, 'network', undefined)).toMatchObject({ kind: 'retry', reason: 'network' });
  });
});

describe('circuit breaker', () => {
  it('opens after 5 failures within 10 min, allows one trial after 30 min, closes on success', () => {
    let c = closedCircuit();
    for (let i = 0; i < 4; i++) c = afterFailure(c, i * 1000);
    expect(c.state).toBe('closed');
    c = afterFailure(c, 5000);
    expect(c.state).toBe('open');
    expect(mayAttempt(c, 5000 + CIRCUIT_COOL_OFF_MS - 1)).toBe(false);
    expect(mayAttempt(c, 5000 + CIRCUIT_COOL_OFF_MS)).toBe(true);
    expect(afterFailure({ ...c, state: 'half_open' }, 9e9)).toMatchObject({ state: 'open', openedAt: 9e9 });
    expect(afterSuccess()).toEqual(closedCircuit());
  });
  it('forgets failures spread over more than 10 min', () => {
    let c = closedCircuit();
    for (let i = 0; i < 10; i++) c = afterFailure(c, i * 3 * 60_000);
    expect(c.state).toBe('closed');
  });
});
