import fc from 'fast-check';
import { PCMN_ACP } from './pcmn.data.ts';

/**
 * fast-check generator of random balanced journal entries (tests only): 1 to 5 random lines on
 * accounts of the chart (without owner and supplier accounts, which need a sub-account), then one
 * line on a random account that balances them.
 */
export interface GenLine { account: string; debitCents: number; creditCents: number }

const ACCOUNTS = PCMN_ACP.filter((a) => !a.owner && !a.supplier).map((a) => a.number);

export function randomBalancedEntries(maxEntries = 8): fc.Arbitrary<GenLine[][]> {
  const line = fc.record({ account: fc.constantFrom(...ACCOUNTS), cents: fc.integer({ min: 1, max: 10_000_000 }), debit: fc.boolean() });
  const entry = fc.tuple(fc.array(line, { minLength: 1, maxLength: 5 }), fc.constantFrom(...ACCOUNTS)).map(([ls, counter]) => {
    const lines: GenLine[] = ls.map((l) => ({ account: l.account, debitCents: l.debit ? l.cents : 0, creditCents: l.debit ? 0 : l.cents }));
    const net = lines.reduce((s, l) => s + l.debitCents - l.creditCents, 0);
    if (net !== 0) lines.push({ account: counter, debitCents: net < 0 ? -net : 0, creditCents: net > 0 ? net : 0 });
    return lines;
  }).filter((lines) => lines.length >= 2);
  return fc.array(entry, { minLength: 1, maxLength: maxEntries });
}
