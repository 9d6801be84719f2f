import type { PostingLine } from './posting.types.ts';

/**
 * The year-end décompte (rules doc §5.2, E9a and E9b). Pure.
 * For each owner: provisions called in the year (their 4101 debits from the calls, VEN, crediting
 * 701) against the actual ordinary charges allocated to them (charge_allocations). Two OD entries:
 *   E9a  cancel the provisions:  701 (debit, total)            / 4101 per owner (credit)
 *   E9b  charge actual charges:  4101 per owner (debit)         / 6xxx per account (credit)
 * Both balance by construction and every amount is a sum of exact cents: the décompte is exact to
 * the cent. After them the owner's 4101 moved by charges − provisions: a positive balance
 * (provisions − charges) is owed to the owner, a negative one by the owner.
 */

export const PROVISIONS_ACCOUNT = '701';
export const OWNER_PROVISIONS_ACCOUNT = '4101';

export interface OwnerAmount { personId: string; cents: number }
export interface OwnerCharge { personId: string; account: string; cents: number }
export interface OwnerDecompte { personId: string; provisionsCents: number; chargesCents: number; balanceCents: number }

export interface ClosingPlan {
  owners: OwnerDecompte[];
  provisionsLines: PostingLine[];
  chargesLines: PostingLine[];
  totals: { provisionsCents: number; chargesCents: number; balanceCents: number };
}

/** A signed amount as a line: positive on the debit side, negative on the credit side; zero gives none. */
function line(account: string, signedDebit: number, extra: Partial<PostingLine> = {}): PostingLine[] {
  if (signedDebit === 0) return [];
  return [{ account, debitCents: Math.max(signedDebit, 0), creditCents: Math.max(-signedDebit, 0), ...extra }];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sumBy<K>(items: readonly { cents: number }[], key: (i: never) => K): Map<K, number> {
  const out = new Map<K, number>();
  for (const i of items) out.set(key(i as never), (out.get(key(i as never)) ?? 0) + i.cents);
  return out;
}

export function planClosing(provisions: readonly OwnerAmount[], charges: readonly OwnerCharge[]): ClosingPlan {
  const prov = sumBy(provisions, (p: OwnerAmount) => p.personId);
  const chargeByOwner = sumBy(charges, (c: OwnerCharge) => c.personId);
  const chargeByAccount = sumBy(charges, (c: OwnerCharge) => c.account);
  const people = [...new Set([...prov.keys(), ...chargeByOwner.keys()])].sort(cmp);
  const owners = people.map((personId) => {
    const provisionsCents = prov.get(personId) ?? 0;
    const chargesCents = chargeByOwner.get(personId) ?? 0;
    return { personId, provisionsCents, chargesCents, balanceCents: provisionsCents - chargesCents };
  }).filter((o) => o.provisionsCents !== 0 || o.chargesCents !== 0);
  const totalProvisions = owners.reduce((s, o) => s + o.provisionsCents, 0);
  const totalCharges = owners.reduce((s, o) => s + o.chargesCents, 0);
  const label = 'Décompte annuel';
  const provisionsLines = [
    ...line(PROVISIONS_ACCOUNT, totalProvisions, { label }),
    ...owners.flatMap((o) => line(OWNER_PROVISIONS_ACCOUNT, -o.provisionsCents, { personId: o.personId, label })),
  ];
  const chargesLines = [
    ...owners.flatMap((o) => line(OWNER_PROVISIONS_ACCOUNT, o.chargesCents, { personId: o.personId, label })),
    ...[...chargeByAccount.keys()].sort(cmp).flatMap((account) => line(account, -chargeByAccount.get(account)!, { label })),
  ];
  return {
    owners, provisionsLines, chargesLines,
    totals: { provisionsCents: totalProvisions, chargesCents: totalCharges, balanceCents: totalProvisions - totalCharges },
  };
}
