import { AppError } from '../../platform/errors.ts';
import type { PostingLine } from '../accounting/posting.types.ts';

/**
 * Calls for funds: which accounts a fund posts to, how the distribution becomes one call per
 * owner, and the VEN entry of a sent call (belgian-rules.md §5.2 E3, E4, E7). Pure rules.
 */

export type Fund = 'ordinary' | 'working_capital' | 'reserve';
export type ChargeKind = 'ordinary' | 'extraordinary';
export type CallStatus = 'draft' | 'sent';
export type BankAccountKind = 'current' | 'reserve';

export interface FundAccounts {
  /** The owner's receivable account (4101 provisions / working capital, 4100 reserve fund). */
  receivable: '4100' | '4101';
  /** The account credited by the call: 701 provisions (E3), 100 fonds de roulement (E7), 160 fonds de réserve (E4). */
  credit: '701' | '100' | '160';
  /** The bank account the owners pay into: 551 current, 550 savings for the reserve fund (E5, E6). */
  bank: BankAccountKind;
}

export const FUND_ACCOUNTS: Readonly<Record<Fund, FundAccounts>> = {
  ordinary: { receivable: '4101', credit: '701', bank: 'current' },
  working_capital: { receivable: '4101', credit: '100', bank: 'current' },
  reserve: { receivable: '4100', credit: '160', bank: 'reserve' },
};

export const BANK_ACCOUNT: Readonly<Record<BankAccountKind, '550' | '551'>> = { current: '551', reserve: '550' };

/**
 * Who pays a call among split-right holders, unless the call says otherwise: reserve-fund
 * contributions finance non-periodic works (extraordinary: the bare owner's burden by default),
 * provisions and working capital finance periodic expenses (ordinary: the usufructuary's).
 */
export function defaultChargeKind(fund: Fund): ChargeKind {
  return fund === 'reserve' ? 'extraordinary' : 'ordinary';
}

export interface Share { lotId: string; personId: string; cents: number }
export interface OwnerCallPlan { personId: string; amountCents: number; lots: { lotId: string; cents: number }[] }

/**
 * Groups the distribution (one row per lot and holder) into one call per person: the total of the
 * person's lots' shares. Zero-cent shares are dropped (nothing to pay, no communication); the
 * owners' amounts still add up to the call's total. Order: as given by the distribution
 * (deterministic), first appearance of each person.
 */
export function planOwnerCalls(shares: readonly Share[], totalCents: number): OwnerCallPlan[] {
  const byPerson = new Map<string, OwnerCallPlan>();
  for (const s of shares) {
    if (s.cents === 0) continue;
    let plan = byPerson.get(s.personId);
    if (!plan) {
      plan = { personId: s.personId, amountCents: 0, lots: [] };
      byPerson.set(s.personId, plan);
    }
    plan.amountCents += s.cents;
    const lot = plan.lots.find((l) => l.lotId === s.lotId);
    if (lot) lot.cents += s.cents;
    else plan.lots.push({ lotId: s.lotId, cents: s.cents });
  }
  const plans = [...byPerson.values()];
  const sum = plans.reduce((a, p) => a + p.amountCents, 0);
  if (sum !== totalCents || plans.some((p) => p.amountCents < 0)) {
    throw new AppError('call.distribution_mismatch', `The distribution adds up to ${sum} cents, not the call's ${totalCents}`,
      { totalCents, distributedCents: sum });
  }
  return plans;
}

/**
 * The VEN entry of a call: one debit per owner and lot on the owner's receivable account (with the
 * person and the lot), one credit of the total on the fund's account. Balanced by construction.
 */
export function callEntryLines(fund: Fund, totalCents: number, plans: readonly OwnerCallPlan[], label: string): PostingLine[] {
  const accounts = FUND_ACCOUNTS[fund];
  const debits: PostingLine[] = plans.flatMap((p) => p.lots.map((l) => ({
    account: accounts.receivable, debitCents: l.cents, creditCents: 0, personId: p.personId, lotId: l.lotId, label,
  })));
  return [...debits, { account: accounts.credit, debitCents: 0, creditCents: totalCents, label }];
}

/** The 10-digit base of a structured communication from the building's counter value. */
export function communicationBase(counter: number): string {
  if (!Number.isSafeInteger(counter) || counter < 1 || counter > 9_999_999_999) {
    throw new AppError('call.communications_exhausted', 'This building has used every structured communication', { counter });
  }
  return String(counter).padStart(10, '0');
}
