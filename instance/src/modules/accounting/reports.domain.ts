import type { AccountKind } from './pcmn.data.ts';

/**
 * The reports of a fiscal year, built from per-account totals of the journal (reports.repo.ts):
 * trial balance, balance sheet (classes 1–5) and income statement (classes 6–7). Pure.
 * Every report adds up from the same totals, so it agrees with the journal by construction; the
 * tests check it against the lines.
 */

export interface AccountTotal {
  account: string; label: string; class: number; kind: AccountKind; debitCents: number; creditCents: number;
}

export interface TrialBalanceRow extends AccountTotal { balanceCents: number }

export interface TrialBalance {
  items: TrialBalanceRow[];
  totals: { debitCents: number; creditCents: number; balanceCents: number };
}

const byAccount = (a: { account: string }, b: { account: string }) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0);
const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

/** Per account: Σdebit, Σcredit and the balance debit − credit. The balances add up to zero. */
export function trialBalance(totals: readonly AccountTotal[]): TrialBalance {
  const items = [...totals].sort(byAccount).map((t) => ({ ...t, balanceCents: t.debitCents - t.creditCents }));
  return {
    items,
    totals: {
      debitCents: sum(items.map((i) => i.debitCents)),
      creditCents: sum(items.map((i) => i.creditCents)),
      balanceCents: sum(items.map((i) => i.balanceCents)),
    },
  };
}

export interface ReportSection { items: Array<{ account: string; label: string; amountCents: number }>; totalCents: number }

function section(totals: readonly AccountTotal[], keep: (t: AccountTotal) => boolean, sign: 1 | -1): ReportSection {
  const items = totals.filter(keep).sort(byAccount)
    .map((t) => ({ account: t.account, label: t.label, amountCents: sign * (t.debitCents - t.creditCents) }))
    .filter((i) => i.amountCents !== 0);
  return { items, totalCents: sum(items.map((i) => i.amountCents)) };
}

const isBalanceSheet = (t: AccountTotal) => t.class >= 1 && t.class <= 5;

/**
 * Classes 1–5 from cumulative totals (every entry up to the end of the year): asset accounts at
 * debit − credit, liability accounts at credit − debit (an owner account with a credit balance
 * shows as a negative asset). The result of classes 6–7 not yet allocated closes the identity
 * assets = liabilities + result.
 */
export function balanceSheet(cumulative: readonly AccountTotal[]): { assets: ReportSection; liabilities: ReportSection; resultCents: number } {
  const assets = section(cumulative, (t) => isBalanceSheet(t) && t.kind === 'asset', 1);
  const liabilities = section(cumulative, (t) => isBalanceSheet(t) && t.kind !== 'asset', -1);
  const resultCents = sum(cumulative.filter((t) => !isBalanceSheet(t)).map((t) => t.creditCents - t.debitCents));
  return { assets, liabilities, resultCents };
}

/** Classes 6–7 of the year: charges at debit − credit, products at credit − debit, result = products − charges. */
export function incomeStatement(year: readonly AccountTotal[]): { charges: ReportSection; products: ReportSection; resultCents: number } {
  const charges = section(year, (t) => t.class === 6, 1);
  const products = section(year, (t) => t.class === 7, -1);
  return { charges, products, resultCents: products.totalCents - charges.totalCents };
}
