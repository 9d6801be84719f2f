import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registerHarness } from '../../../test/support/register.ts';
import { insertLedgerBuilding } from './accounting.fixture.ts';
import { randomBalancedEntries } from './reports.arbitrary.ts';

/**
 * Property: random balanced entries posted through the API give a trial balance that sums to zero
 * and equals, account by account, the sums of the generated lines; the balance sheet and the income
 * statement agree with it.
 */
const h = await registerHarness();
const { api, orgId } = h;

describe('reports agree with the journal', () => {
  it('property: trial balance = per-account sums of the posted lines, Σ balances = 0, statements consistent', async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(randomBalancedEntries(6), fc.integer({ min: 0, max: 364 }), async (entries, day) => {
      const { buildingId } = await insertLedgerBuilding(h.t.deps.sql, orgId, { lots: 1, name: `Property ${++run}` });
      const B = `/buildings/${buildingId}`;
      const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
      let fiscalYearId = '';
      for (const lines of entries) {
        const res = await api.post(`${B}/journal-entries`, { date, description: 'Propriété', reference: 'fast-check', lines });
        expect(res.statusCode, res.body).toBe(201);
        fiscalYearId = res.json().fiscalYearId;
      }
      const expected = new Map<string, { d: number; c: number }>();
      for (const l of entries.flat()) {
        const t = expected.get(l.account) ?? { d: 0, c: 0 };
        expected.set(l.account, { d: t.d + l.debitCents, c: t.c + l.creditCents });
      }
      const tb = (await api.get(`${B}/fiscal-years/${fiscalYearId}/trial-balance`)).json();
      expect(tb.totals.balanceCents).toBe(0);
      expect(tb.totals.debitCents).toBe(tb.totals.creditCents);
      expect(new Map(tb.items.map((i: { account: string; debitCents: number; creditCents: number }) => [i.account, { d: i.debitCents, c: i.creditCents }])))
        .toEqual(expected);
      for (const i of tb.items) expect(i.balanceCents).toBe(i.debitCents - i.creditCents);
      const bs = (await api.get(`${B}/fiscal-years/${fiscalYearId}/balance-sheet`)).json();
      const is = (await api.get(`${B}/fiscal-years/${fiscalYearId}/income-statement`)).json();
      expect(bs.assets.totalCents - bs.liabilities.totalCents - bs.resultCents).toBe(0);
      expect(is.resultCents).toBe(bs.resultCents);
      const classSum = (cls: string) => [...expected].filter(([a]) => a.startsWith(cls)).reduce((s, [, t]) => s + t.c - t.d, 0);
      expect(is.resultCents).toBe(classSum('6') + classSum('7'));
    }), { numRuns: 12, seed: 20260301 });
  });
});
