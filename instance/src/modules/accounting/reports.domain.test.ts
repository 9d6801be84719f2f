import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomBalancedEntries } from './reports.arbitrary.ts';
import { PCMN_ACP } from './pcmn.data.ts';
import { balanceSheet, incomeStatement, trialBalance, type AccountTotal } from './reports.domain.ts';

/** Totals per account from raw lines, the way a reader of the journal would add them up. */
function totalsOf(lines: ReadonlyArray<{ account: string; debitCents: number; creditCents: number }>): AccountTotal[] {
  const m = new Map<string, AccountTotal>();
  for (const l of lines) {
    const a = PCMN_ACP.find((x) => x.number === l.account)!;
    const t = m.get(l.account) ?? { account: l.account, label: a.fr, class: Number(a.number[0]), kind: a.kind, debitCents: 0, creditCents: 0 };
    t.debitCents += l.debitCents;
    t.creditCents += l.creditCents;
    m.set(l.account, t);
  }
  return [...m.values()];
}

describe('reports from the journal', () => {
  it('worked example: E1 cleaning 605.00, E3 call 6 000.00, E5 owner pays 720.00', () => {
    const totals = totalsOf([
      { account: '6105', debitCents: 60_500, creditCents: 0 }, { account: '440', debitCents: 0, creditCents: 60_500 },
      { account: '4101', debitCents: 600_000, creditCents: 0 }, { account: '701', debitCents: 0, creditCents: 600_000 },
      { account: '551', debitCents: 72_000, creditCents: 0 }, { account: '4101', debitCents: 0, creditCents: 72_000 },
    ]);
    const tb = trialBalance(totals);
    // 4101: 6 000.00 − 720.00 = 5 280.00 debit; totals 6 605.00 + 720.00 = 7 325.00 on each side
    expect(tb.items.find((i) => i.account === '4101')).toMatchObject({ debitCents: 600_000, creditCents: 72_000, balanceCents: 528_000 });
    expect(tb.totals).toEqual({ debitCents: 732_500, creditCents: 732_500, balanceCents: 0 });
    const bs = balanceSheet(totals);
    // assets 4101 5 280.00 + 551 720.00 = 6 000.00; liabilities 440 605.00; result 6 000.00 − 605.00 = 5 395.00
    expect(bs.assets.totalCents).toBe(600_000);
    expect(bs.liabilities).toEqual({ items: [{ account: '440', label: 'Fournisseurs', amountCents: 60_500 }], totalCents: 60_500 });
    expect(bs.resultCents).toBe(539_500);
    const is = incomeStatement(totals);
    expect([is.charges.totalCents, is.products.totalCents, is.resultCents]).toEqual([60_500, 600_000, 539_500]);
  });

  it('property: for random balanced entries the trial balance sums to zero, equals the per-account sums, and the statements agree', () => {
    fc.assert(fc.property(randomBalancedEntries(), (entries) => {
      const lines = entries.flat();
      const tb = trialBalance(totalsOf(lines));
      expect(tb.totals.balanceCents).toBe(0);
      expect(tb.totals.debitCents).toBe(lines.reduce((s, l) => s + l.debitCents, 0));
      for (const item of tb.items) {
        const mine = lines.filter((l) => l.account === item.account);
        expect(item.balanceCents).toBe(mine.reduce((s, l) => s + l.debitCents - l.creditCents, 0));
      }
      const bs = balanceSheet(totalsOf(lines));
      expect(bs.assets.totalCents - bs.liabilities.totalCents - bs.resultCents).toBe(0);
      const is = incomeStatement(totalsOf(lines));
      expect(is.resultCents).toBe(bs.resultCents); // one year from scratch: the cumulative result is the year's
    }), { numRuns: 200 });
  });
});
