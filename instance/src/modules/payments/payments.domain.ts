import type { PostingLine } from '../accounting/posting.types.ts';
import { BANK_ACCOUNT, type BankAccountKind } from '../calls/calls.domain.ts';

/**
 * Owner payments: how much of a payment settles the owner call it matches, and the journal lines
 * (belgian-rules.md §5.2 E5/E6, §8 matching: unmatched money waits on 4990). Pure rules.
 */

/** The compte d'attente: money received that is not yet attributed to an owner. */
export const SUSPENSE_ACCOUNT = '4990';

export interface Settlement {
  /** Applied to the owner call (at most what is still open on it). */
  allocatedCents: number;
  /** The rest: a credit on the owner's account (over-payment). */
  creditCents: number;
}

/** A payment against an owner call with `openCents` still due: partial, exact, or over-payment. */
export function settle(amountCents: number, openCents: number): Settlement {
  const allocatedCents = Math.max(0, Math.min(amountCents, openCents));
  return { allocatedCents, creditCents: amountCents - allocatedCents };
}

/**
 * FIN entry of a received payment: the bank (551 current, 550 reserve) is debited; the owner's
 * receivable account (4101/4100, with the person) is credited with the whole amount, so an
 * over-payment shows as a credit balance. Unmatched: 4990 is credited instead.
 */
export function paymentLines(input: {
  amountCents: number; bank: BankAccountKind; owner: { personId: string; receivable: '4100' | '4101' } | null; label: string;
}): PostingLine[] {
  const credit: PostingLine = input.owner
    ? { account: input.owner.receivable, debitCents: 0, creditCents: input.amountCents, personId: input.owner.personId, label: input.label }
    : { account: SUSPENSE_ACCOUNT, debitCents: 0, creditCents: input.amountCents, label: input.label };
  return [{ account: BANK_ACCOUNT[input.bank], debitCents: input.amountCents, creditCents: 0, label: input.label }, credit];
}

/** OD entry of a manual allocation: out of the compte d'attente, onto the owner's account. */
export function allocationLines(input: { amountCents: number; personId: string; receivable: '4100' | '4101'; label: string }): PostingLine[] {
  return [
    { account: SUSPENSE_ACCOUNT, debitCents: input.amountCents, creditCents: 0, label: input.label },
    { account: input.receivable, debitCents: 0, creditCents: input.amountCents, personId: input.personId, label: input.label },
  ];
}

/** Whole days from `from` to `to` (YYYY-MM-DD), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The canonical text of a payment request, to tell a retry (same text) from a different request
 * reusing the key: keys sorted, undefined dropped.
 */
export function canonicalRequest(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sortKeys(x)]));
  }
  return v;
}
