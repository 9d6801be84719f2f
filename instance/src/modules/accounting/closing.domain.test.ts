import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planClosing } from './closing.domain.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('planClosing (rules doc §5.2 E9a/E9b)', () => {
  it('worked example: owner A called 2 880.00, charged 2 808.00 → 72.00 owed to A', () => {
    // A holds 120/1000: provisions 24 000 × 12 % = 2 880.00; actual charges 23 400 × 12 % = 2 808.00,
    // split 6105 1 800.00 + 6140 1 008.00. B: provisions 100.00, charges 6105 130.00 → owes 30.00.
    const plan = planClosing(
      [{ personId: A, cents: 288_000 }, { personId: B, cents: 10_000 }],
      [{ personId: A, account: '6105', cents: 180_000 }, { personId: A, account: '6140', cents: 100_800 },
        { personId: B, account: '6105', cents: 13_000 }],
    );
    expect(plan.owners).toEqual([
      { personId: A, provisionsCents: 288_000, chargesCents: 280_800, balanceCents: 7_200 },
      { personId: B, provisionsCents: 10_000, chargesCents: 13_000, balanceCents: -3_000 },
    ]);
    const label = 'Décompte annuel';
    // E9a: 701 debit 2 980.00 = 2 880.00 + 100.00; 4101 credit per owner
    expect(plan.provisionsLines).toEqual([
      { account: '701', debitCents: 298_000, creditCents: 0, label },
      { account: '4101', debitCents: 0, creditCents: 288_000, personId: A, label },
      { account: '4101', debitCents: 0, creditCents: 10_000, personId: B, label },
    ]);
    // E9b: 4101 debit per owner; 6105 credit 1 800.00 + 130.00 = 1 930.00, 6140 credit 1 008.00
    expect(plan.chargesLines).toEqual([
      { account: '4101', debitCents: 280_800, creditCents: 0, personId: A, label },
      { account: '4101', debitCents: 13_000, creditCents: 0, personId: B, label },
      { account: '6105', debitCents: 0, creditCents: 193_000, label },
      { account: '6140', debitCents: 0, creditCents: 100_800, label },
    ]);
    expect(plan.totals).toEqual({ provisionsCents: 298_000, chargesCents: 293_800, balanceCents: 4_200 });
  });

  it('puts negative amounts (credit notes) on the other side and leaves out zeros', () => {
    const plan = planClosing([{ personId: A, cents: 0 }], [{ personId: A, account: '6105', cents: -500 }, { personId: B, account: '6105', cents: 0 }]);
    expect(plan.provisionsLines).toEqual([]);
    expect(plan.chargesLines).toEqual([
      { account: '4101', debitCents: 0, creditCents: 500, personId: A, label: 'Décompte annuel' },
      { account: '6105', debitCents: 500, creditCents: 0, label: 'Décompte annuel' },
    ]);
    expect(plan.owners).toEqual([{ personId: A, provisionsCents: 0, chargesCents: -500, balanceCents: 500 }]);
  });

  it('property: both entries balance, and each owner\'s décompte is exact to the cent', () => {
    const person = fc.constantFrom('p1', 'p2', 'p3', 'p4');
    const cents = fc.integer({ min: -1_000_000, max: 10_000_000 });
    fc.assert(fc.property(
      fc.array(fc.record({ personId: person, cents })),
      fc.array(fc.record({ personId: person, account: fc.constantFrom('6105', '6121', '6140'), cents })),
      (provisions, charges) => {
        const plan = planClosing(provisions, charges);
        const net = (ls: typeof plan.provisionsLines) => ls.reduce((s, l) => s + l.debitCents - l.creditCents, 0);
        expect(net(plan.provisionsLines)).toBe(0);
        expect(net(plan.chargesLines)).toBe(0);
        for (const l of [...plan.provisionsLines, ...plan.chargesLines]) expect((l.debitCents > 0) !== (l.creditCents > 0)).toBe(true);
        for (const o of plan.owners) {
          const p = provisions.filter((x) => x.personId === o.personId).reduce((s, x) => s + x.cents, 0);
          const c = charges.filter((x) => x.personId === o.personId).reduce((s, x) => s + x.cents, 0);
          expect([o.provisionsCents, o.chargesCents, o.balanceCents]).toEqual([p, c, p - c]);
          // After E9a and E9b the owner's 4101 moved by charges − provisions.
          const moved = [...plan.provisionsLines, ...plan.chargesLines].filter((l) => l.personId === o.personId)
            .reduce((s, l) => s + l.debitCents - l.creditCents, 0);
          expect(moved).toBe(c - p);
        }
      },
    ), { numRuns: 300 });
  });
});
