import type { Db } from '../../platform/db.ts';

/**
 * The owners' sub-ledger, read from the journal: the lines on owner accounts (410, 4100, 4101, 415
 * and any sub-account created under them: chart_accounts.is_owner_account) that carry a person.
 * Balances are debit − credit: positive means the owner owes the association, negative that the
 * association owes the owner (a credit, e.g. an over-payment or a décompte refund).
 * "As of" a date includes every entry dated on or before it.
 */

export interface OwnerBalance {
  personId: string;
  debitCents: number;
  creditCents: number;
  balanceCents: number;
  /** The balance per owner account, e.g. 4101 (provisions / working capital) and 4100 (reserve fund). */
  accounts: Array<{ account: string; balanceCents: number }>;
}

export async function ownerBalances(sql: Db, q: { organizationId: string; buildingId: string; asOf: string; personId?: string | null | undefined }):
  Promise<OwnerBalance[]> {
  const rows = await sql<{ personId: string; account: string; debitCents: number; creditCents: number }[]>`
    select l.person_id as "personId", l.account, sum(l.debit_cents)::bigint as "debitCents", sum(l.credit_cents)::bigint as "creditCents"
    from journal_lines l
    join journal_entries e on e.organization_id = l.organization_id and e.id = l.entry_id
    join chart_accounts a on a.organization_id = l.organization_id and a.building_id = l.building_id and a.number = l.account
    where l.organization_id = ${q.organizationId} and l.building_id = ${q.buildingId} and a.is_owner_account
      and l.person_id is not null and e.entry_date <= ${q.asOf}::date
      ${q.personId ? sql`and l.person_id = ${q.personId}` : sql``}
    group by l.person_id, l.account
    order by l.person_id, l.account collate "C"`;
  const out = new Map<string, OwnerBalance>();
  for (const r of rows) {
    const b = out.get(r.personId) ?? { personId: r.personId, debitCents: 0, creditCents: 0, balanceCents: 0, accounts: [] };
    b.debitCents += r.debitCents;
    b.creditCents += r.creditCents;
    b.balanceCents += r.debitCents - r.creditCents;
    b.accounts.push({ account: r.account, balanceCents: r.debitCents - r.creditCents });
    out.set(r.personId, b);
  }
  return [...out.values()];
}

export interface OwnerMovement {
  entryId: string; number: string; journal: string; date: string; description: string;
  sourceType: string; sourceId: string; reference: string | null;
  lineNo: number; account: string; lotId: string | null; label: string | null;
  debitCents: number; creditCents: number;
  /** The owner's balance (all owner accounts) after this movement. */
  runningBalanceCents: number;
}

/** Every movement on the owner's accounts up to `asOf`, in journal order, with the running balance. */
export async function ownerMovements(sql: Db, q: { organizationId: string; buildingId: string; personId: string; asOf: string }):
  Promise<OwnerMovement[]> {
  return sql<OwnerMovement[]>`
    select e.id as "entryId", e.number, e.journal, e.entry_date::text as date, e.description,
      e.source_type as "sourceType", e.source_id as "sourceId", e.reference,
      l.line_no as "lineNo", l.account, l.lot_id as "lotId", l.label, l.debit_cents as "debitCents", l.credit_cents as "creditCents",
      sum(l.debit_cents - l.credit_cents) over (order by e.entry_date, e.posting_order, l.line_no
        rows between unbounded preceding and current row)::bigint as "runningBalanceCents"
    from journal_lines l
    join journal_entries e on e.organization_id = l.organization_id and e.id = l.entry_id
    join chart_accounts a on a.organization_id = l.organization_id and a.building_id = l.building_id and a.number = l.account
    where l.organization_id = ${q.organizationId} and l.building_id = ${q.buildingId} and a.is_owner_account
      and l.person_id = ${q.personId} and e.entry_date <= ${q.asOf}::date
    order by e.entry_date, e.posting_order, l.line_no`;
}
