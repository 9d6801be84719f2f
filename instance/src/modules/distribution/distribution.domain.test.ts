import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/errors.ts';
import { add, fraction, ZERO, type Fraction } from '../holdings/fraction.domain.ts';
import {
  distributeToLotsAndHolders, lotTotals, validateKeyMembers, type ChargeKind, type KeyLot, type PayingHolder,
} from './distribution.domain.ts';

const full = (personId: string, part: Fraction = fraction(1), sortKey = personId): PayingHolder =>
  ({ personId, personSortKey: sortKey, part, paysOrdinary: true, paysExtraordinary: true });

describe('distributeToLotsAndHolders (worked examples)', () => {
  it('splits 100.00 over three equal lots, the spare cent to the smallest lot number', () => {
    // 10 000 / 3 = 3 333 rest 1 each; equal remainders and weights → lot "A1" (smallest number) gets the cent.
    const lots: KeyLot[] = [{ lotId: 'l3', lotNumber: 'A3', weight: 100n }, { lotId: 'l1', lotNumber: 'A1', weight: 100n },
      { lotId: 'l2', lotNumber: 'A2', weight: 100n }];
    const holders = new Map([['l1', [full('p1')]], ['l2', [full('p2')]], ['l3', [full('p3')]]]);
    expect(distributeToLotsAndHolders(10_000, lots, holders, 'ordinary')).toEqual([
      { lotId: 'l1', lotNumber: 'A1', personId: 'p1', cents: 3334 },
      { lotId: 'l2', lotNumber: 'A2', personId: 'p2', cents: 3333 },
      { lotId: 'l3', lotNumber: 'A3', personId: 'p3', cents: 3333 },
    ]);
  });

  it('charges ordinary costs to the usufructuary and extraordinary ones to the bare owner', () => {
    // One lot of 605.00 (the rules doc's cleaning invoice E1): the whole amount to the lot.
    const lots: KeyLot[] = [{ lotId: 'l1', lotNumber: '1', weight: 120n }];
    const holders = new Map([['l1', [
      { personId: 'u', personSortKey: 'usufruct', part: fraction(1), paysOrdinary: true, paysExtraordinary: false },
      { personId: 'b', personSortKey: 'bare', part: fraction(1), paysOrdinary: false, paysExtraordinary: true },
    ]]]);
    expect(distributeToLotsAndHolders(60_500, lots, holders, 'ordinary')).toEqual([{ lotId: 'l1', lotNumber: '1', personId: 'u', cents: 60_500 }]);
    expect(distributeToLotsAndHolders(60_500, lots, holders, 'extraordinary')).toEqual([{ lotId: 'l1', lotNumber: '1', personId: 'b', cents: 60_500 }]);
  });

  it('splits a lot among co-owners by their parts, ties by sort key', () => {
    // Lot amount 1 001 over 1/2 + 1/2: 500.5 each → 500 + 500, one cent left; equal remainders and parts →
    // sort key "dupont" before "martin" gets it: dupont 501, martin 500.
    const lots: KeyLot[] = [{ lotId: 'l1', lotNumber: '1', weight: 1n }];
    const holders = new Map([['l1', [full('pm', fraction(1, 2), 'martin'), full('pd', fraction(1, 2), 'dupont')]]]);
    expect(distributeToLotsAndHolders(1001, lots, holders, 'ordinary').map((r) => [r.personId, r.cents]))
      .toEqual([['pd', 501], ['pm', 500]]);
  });

  it('negates a credit note exactly', () => {
    // -10 000 over weights 1 and 2: 3 333.33 and 6 666.67 → -3 333 and -6 667 (the larger remainder, 2/3, gets the cent).
    const lots: KeyLot[] = [{ lotId: 'a', lotNumber: '1', weight: 1n }, { lotId: 'b', lotNumber: '2', weight: 2n }];
    const holders = new Map([['a', [full('p')]], ['b', [full('q')]]]);
    expect(distributeToLotsAndHolders(-10_000, lots, holders, 'ordinary').map((r) => r.cents)).toEqual([-3333, -6667]);
  });

  it('adds the parts of a person who holds twice in one lot, and leaves zero-weight lots out', () => {
    // Ordinary payers of lot 1: p full 1/2 and p usufruct 1/2 → p alone (1/1); lot 2 has weight 0.
    const lots: KeyLot[] = [{ lotId: 'a', lotNumber: '1', weight: 5n }, { lotId: 'b', lotNumber: '2', weight: 0n }];
    const holders = new Map([['a', [full('p', fraction(1, 2)),
      { personId: 'p', personSortKey: 'p', part: fraction(1, 2), paysOrdinary: true, paysExtraordinary: false },
      { personId: 'q', personSortKey: 'q', part: fraction(1, 2), paysOrdinary: false, paysExtraordinary: true }]]]);
    expect(distributeToLotsAndHolders(999, lots, holders, 'ordinary')).toEqual([{ lotId: 'a', lotNumber: '1', personId: 'p', cents: 999 }]);
  });

  it('refuses, naming the lots, when a charged lot has nobody paying that kind of charge', () => {
    const lots: KeyLot[] = [{ lotId: 'a', lotNumber: '7', weight: 1n }, { lotId: 'b', lotNumber: '3', weight: 1n }, { lotId: 'c', lotNumber: '9', weight: 0n }];
    const bareOnly = { personId: 'b', personSortKey: 'b', part: fraction(1), paysOrdinary: false, paysExtraordinary: true };
    const err = errorOf(() => distributeToLotsAndHolders(100, lots, new Map([['a', [bareOnly]]]), 'ordinary'));
    expect(err.code).toBe('distribution.register_incomplete');
    expect(err.details).toMatchObject({ lots: ['3', '7'] });
  });

  it('refuses an empty key and a non-integer amount', () => {
    expect(errorOf(() => distributeToLotsAndHolders(100, [], new Map(), 'ordinary')).code).toBe('distribution.key_empty');
    expect(errorOf(() => distributeToLotsAndHolders(100, [{ lotId: 'a', lotNumber: '1', weight: 0n }], new Map(), 'ordinary')).code)
      .toBe('distribution.key_empty');
    expect(errorOf(() => distributeToLotsAndHolders(1.5, [{ lotId: 'a', lotNumber: '1', weight: 1n }], new Map(), 'ordinary')).code)
      .toBe('distribution.amount_invalid');
  });
});

// ── Properties ─────────────────────────────────────────────────────────────
const PEOPLE = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
const SORT_KEYS = ['dupont', 'martin', 'dupont', 'peeters', 'janssens', 'martin', 'claes', 'aa']; // duplicates on purpose

const holderArb = fc.record({
  person: fc.integer({ min: 0, max: PEOPLE.length - 1 }),
  num: fc.integer({ min: 1, max: 12 }),
  paysOrdinary: fc.boolean(),
  paysExtraordinary: fc.boolean(),
});
const lotArb = fc.record({
  weight: fc.bigInt({ min: 0n, max: 5_000n }),
  holders: fc.array(holderArb, { minLength: 1, maxLength: 4 }),
});
const caseArb = fc.record({
  amount: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
  kind: fc.constantFrom<ChargeKind>('ordinary', 'extraordinary'),
  lots: fc.array(lotArb, { minLength: 1, maxLength: 25 }).filter((ls) => ls.some((l) => l.weight > 0n)),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** Builds the inputs; the first holder of every lot pays both kinds, so each lot has a payer. */
function inputs(c: Case) {
  const lots: KeyLot[] = c.lots.map((l, i) => ({ lotId: `lot-${i}`, lotNumber: String(100 + i), weight: l.weight }));
  const holders = new Map<string, PayingHolder[]>(c.lots.map((l, i) => {
    const den = l.holders.reduce((a, h) => a + h.num, 0);
    return [`lot-${i}`, l.holders.map((h, j) => ({
      personId: PEOPLE[h.person]!, personSortKey: SORT_KEYS[h.person]!, part: fraction(h.num, den),
      paysOrdinary: j === 0 || h.paysOrdinary, paysExtraordinary: j === 0 || h.paysExtraordinary,
    }))];
  }));
  return { lots, holders };
}

const abs = (x: bigint) => (x < 0n ? -x : x);

describe('distributeToLotsAndHolders (properties)', () => {
  it('adds up exactly to the amount', () => {
    fc.assert(fc.property(caseArb, (c) => {
      const { lots, holders } = inputs(c);
      const rows = distributeToLotsAndHolders(c.amount, lots, holders, c.kind);
      expect(rows.reduce((a, r) => a + r.cents, 0)).toBe(c.amount);
    }), { numRuns: 300 });
  });

  it('is deterministic, whatever the order of lots and holders', () => {
    fc.assert(fc.property(caseArb, fc.integer(), (c, seed) => {
      const { lots, holders } = inputs(c);
      const a = distributeToLotsAndHolders(c.amount, lots, holders, c.kind);
      const rot = (xs: readonly unknown[]) => { const k = Math.abs(seed) % xs.length; return [...xs.slice(k), ...xs.slice(0, k)]; };
      const shuffled = new Map([...holders].reverse().map(([k, v]) => [k, rot(v).reverse() as PayingHolder[]]));
      const b = distributeToLotsAndHolders(c.amount, rot(lots).reverse() as KeyLot[], shuffled, c.kind);
      expect(b).toEqual(a);
    }), { numRuns: 200 });
  });

  it('gives each lot its exact share within one cent', () => {
    fc.assert(fc.property(caseArb, (c) => {
      const { lots, holders } = inputs(c);
      const totals = lotTotals(distributeToLotsAndHolders(c.amount, lots, holders, c.kind));
      const W = lots.reduce((a, l) => a + l.weight, 0n);
      for (const l of lots) {
        // |cents − amount × w / W| < 1  ⇔  |cents × W − amount × w| < W
        const cents = BigInt(totals.get(l.lotId) ?? 0);
        expect(abs(cents * W - BigInt(c.amount) * l.weight) < W).toBe(true);
      }
    }), { numRuns: 300 });
  });

  it('gives each holder its exact share of its lot within one cent, and of the whole amount within two', () => {
    fc.assert(fc.property(caseArb, (c) => {
      const { lots, holders } = inputs(c);
      const rows = distributeToLotsAndHolders(c.amount, lots, holders, c.kind);
      const totals = lotTotals(rows);
      for (const l of lots) {
        const lotCents = BigInt(totals.get(l.lotId) ?? 0);
        const payers = holders.get(l.lotId)!.filter((h) => (c.kind === 'ordinary' ? h.paysOrdinary : h.paysExtraordinary));
        const perPerson = new Map<string, Fraction>();
        for (const h of payers) perPerson.set(h.personId, add(perPerson.get(h.personId) ?? ZERO, h.part));
        const P = [...perPerson.values()].reduce((a, f) => add(a, f), ZERO);
        for (const [personId, part] of perPerson) {
          const cents = BigInt(rows.find((r) => r.lotId === l.lotId && r.personId === personId)?.cents ?? 0);
          // exact = lotCents × (part / P); |cents − exact| < 1 ⇔ |cents × part.den × P.num − lotCents × part.num × P.den| < part.den × P.num
          const scale = part.den * P.num;
          expect(abs(cents * scale - lotCents * part.num * P.den) < scale).toBe(true);
          // Against the unrounded amount: exact = amount × w/W × part/P. Two roundings (lot, then holder) keep it under 2 cents:
          // |cents − exact| < 2 ⇔ |cents × W × part.den × P.num − amount × w × part.num × P.den| < 2 × W × part.den × P.num
          const W = lots.reduce((a, x) => a + x.weight, 0n);
          const big = W * part.den * P.num;
          expect(abs(cents * big - BigInt(c.amount) * l.weight * part.num * P.den) < 2n * big).toBe(true);
        }
      }
    }), { numRuns: 300 });
  });
});

describe('validateKeyMembers', () => {
  it('takes a subset of lots without weights, or integer weights with one positive', () => {
    expect(validateKeyMembers('lots', [{ lotId: 'a' }, { lotId: 'b', weight: null }])).toEqual([{ lotId: 'a', weight: null }, { lotId: 'b', weight: null }]);
    expect(validateKeyMembers('weights', [{ lotId: 'a', weight: 0 }, { lotId: 'b', weight: 7 }])).toEqual([{ lotId: 'a', weight: 0 }, { lotId: 'b', weight: 7 }]);
  });

  it('names the offending field', () => {
    expect(errorOf(() => validateKeyMembers('lots', [])).code).toBe('distribution_key.empty');
    expect(errorOf(() => validateKeyMembers('lots', [{ lotId: 'a' }, { lotId: 'a' }])).details).toEqual({ field: 'lots.1.lotId' });
    expect(errorOf(() => validateKeyMembers('lots', [{ lotId: 'a', weight: 3 }])).details).toEqual({ field: 'lots.0.weight' });
    expect(errorOf(() => validateKeyMembers('weights', [{ lotId: 'a' }])).details).toEqual({ field: 'lots.0.weight' });
    expect(errorOf(() => validateKeyMembers('weights', [{ lotId: 'a', weight: 1.5 }])).code).toBe('distribution_key.weight_invalid');
    expect(errorOf(() => validateKeyMembers('weights', [{ lotId: 'a', weight: 0 }])).code).toBe('distribution_key.weight_invalid');
  });
});
