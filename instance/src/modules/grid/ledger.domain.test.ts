import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareBytes, jobPriceCents, LedgerInvariantError, periodEnd, previousPeriod, splitPeriod, splitPool, workUnits, type NodeWork,
} from './ledger.domain.ts';

const shares = (s: ReturnType<typeof splitPeriod>) =>
  Object.fromEntries(s.lines.map((l) => [l.peerId, [Number(l.devCents), Number(l.solCents)]]));

describe('period split (grid-design §9)', () => {
  it('reproduces the worked example: R = 1,001, A/B/C 5/3/2 → dev 400/240/160, sol 101/60/40', () => {
    const s = splitPeriod(1001n, [{ peerId: 'C', units: 2n }, { peerId: 'A', units: 5n }, { peerId: 'B', units: 3n }]);
    expect([s.devCents, s.solCents, s.totalUnits]).toEqual([800n, 201n, 10n]);
    expect(shares(s)).toEqual({ A: [400, 101], B: [240, 60], C: [160, 40] });
    expect(s.lines.map((l) => l.peerId)).toEqual(['A', 'B', 'C']);
  });

  it('gives the rounding remainder of the 80/20 split to the solidarity fund', () => {
    expect(splitPeriod(1n, [{ peerId: 'x', units: 1n }])).toMatchObject({ devCents: 0n, solCents: 1n });
    expect(splitPeriod(99n, [{ peerId: 'x', units: 1n }])).toMatchObject({ devCents: 79n, solCents: 20n });
  });

  it('breaks equal remainders by ascending peer id, bytewise', () => {
    // 1 cent over three equal nodes: the smallest peer id gets it, whatever the input order.
    const work = [{ peerId: 'b', units: 1n }, { peerId: 'B', units: 1n }, { peerId: 'a', units: 1n }];
    expect(Object.fromEntries(splitPool(1n, work))).toEqual({ b: 0n, B: 1n, a: 0n });
    expect(Object.fromEntries(splitPool(2n, work))).toEqual({ b: 0n, B: 1n, a: 1n });
    // Above U+FFFF, UTF-16 order and UTF-8 byte order differ: bytes win.
    expect(compareBytes('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFFFD').toBe(true);
  });

  it('writes no node line when no node worked; both pools stay as totals', () => {
    const s = splitPeriod(1001n, [{ peerId: 'A', units: 0n }]);
    expect(s).toMatchObject({ devCents: 800n, solCents: 201n, totalUnits: 0n, lines: [] });
    expect(splitPeriod(0n, [])).toMatchObject({ devCents: 0n, solCents: 0n, lines: [] });
  });

  it('sums the rows of one node, so a reversing row cancels its job', () => {
    const s = splitPeriod(100n, [{ peerId: 'A', units: 5n }, { peerId: 'A', units: -5n }, { peerId: 'B', units: 1n }]);
    expect(shares(s)).toEqual({ A: [0, 0], B: [80, 20] });
    expect(() => splitPeriod(100n, [{ peerId: 'A', units: -1n }])).toThrow(LedgerInvariantError);
    expect(() => splitPeriod(-1n, [])).toThrow(LedgerInvariantError);
  });

  const peerArb = fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme-ascii' });
  const workArb = fc.uniqueArray(fc.record({ peerId: peerArb, units: fc.oneof(fc.bigInt({ min: 0n, max: 3n }), fc.bigInt({ min: 0n, max: 10n ** 12n })) }),
    { minLength: 1, maxLength: 200, selector: (w) => w.peerId });

  it('always reconciles: Σ = R, dev = floor(0.8 R), non-negative, each within a cent of its exact share (10,000 cases)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 9n }), workArb, (r, work) => {
      const s = splitPeriod(r, work);
      expect(s.devCents).toBe((r * 8n) / 10n);
      expect(s.devCents + s.solCents).toBe(r);
      const W = work.reduce((a, w) => a + w.units, 0n);
      if (W === 0n) { expect(s.lines).toEqual([]); return; }
      expect(s.lines.reduce((a, l) => a + l.devCents + l.solCents, 0n)).toBe(r);
      for (const l of s.lines) {
        expect(l.devCents >= 0n && l.solCents >= 0n).toBe(true);
        // base = floor(pool × w / W) and at most one extra cent; a node with no units gets nothing.
        for (const [pool, got] of [[s.devCents, l.devCents], [s.solCents, l.solCents]] as const) {
          const base = (pool * l.units) / W;
          expect(got === base || got === base + 1n).toBe(true);
          if (l.units === 0n) expect(got).toBe(0n);
        }
      }
    }), { numRuns: 10_000, seed: 20261125 });
  });

  it('does not depend on the order of the nodes', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 9n }), workArb.chain((w) => fc.tuple(fc.constant(w), fc.shuffledSubarray(w, { minLength: w.length }))),
      (r, [work, shuffled]) => {
        expect(splitPeriod(r, shuffled)).toEqual(splitPeriod(r, work));
      }), { numRuns: 2_000, seed: 7 });
  });

  it('gives the extra cents to the largest remainders, then to the lowest peer id', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 6n }), workArb, (pool, work) => {
      const W = work.reduce((a, w) => a + w.units, 0n);
      if (W === 0n) return;
      const got = splitPool(pool, work);
      const rank = (w: NodeWork) => ({ w, rem: (pool * w.units) % W, extra: got.get(w.peerId)! - (pool * w.units) / W });
      const rows = work.filter((w) => w.units > 0n).map(rank);
      // No node without the extra cent outranks one with it.
      for (const a of rows.filter((x) => x.extra === 1n)) {
        for (const b of rows.filter((x) => x.extra === 0n)) {
          expect(a.rem > b.rem || (a.rem === b.rem && compareBytes(a.w.peerId, b.w.peerId) < 0)).toBe(true);
        }
      }
    }), { numRuns: 2_000, seed: 11 });
  });
});

describe('work units and prices', () => {
  it('counts ceil(2 × paramsMillions × tokens / 1000)', () => {
    expect(workUnits(494, 350, 200)).toBe(544); // 2 × 494 × 550 / 1000 = 543.4
    expect(workUnits(1000, 1, 0)).toBe(2);
    expect(workUnits(1, 1, 0)).toBe(1);
    expect(workUnits(494, 0, 0)).toBe(0);
    expect(() => workUnits(-1, 1, 1)).toThrow(LedgerInvariantError);
    expect(() => workUnits(1, 0.5, 1)).toThrow(LedgerInvariantError);
  });

  it('prices a job per draft plus per 1,000 tokens, rounded down to the cent', () => {
    expect(jobPriceCents({ perDraftCents: 5, perThousandTokensCents: 0 }, 10_000)).toBe(5);
    expect(jobPriceCents({ perDraftCents: 0, perThousandTokensCents: 3 }, 550)).toBe(1); // 1.65 → 1
    expect(jobPriceCents({ perDraftCents: 2, perThousandTokensCents: 10 }, 1000)).toBe(12);
  });
});

describe('periods', () => {
  it('knows where a period ends and which one came before', () => {
    expect(periodEnd('2026-11')).toBe('2026-12-01');
    expect(periodEnd('2026-12')).toBe('2027-01-01');
    expect(previousPeriod('2027-01')).toBe('2026-12');
    expect(previousPeriod('2026-10')).toBe('2026-09');
    expect(() => periodEnd('2026-13')).toThrow(LedgerInvariantError);
  });
});
