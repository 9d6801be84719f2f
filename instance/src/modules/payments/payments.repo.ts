import type { Db } from '../../platform/db.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';
import type { BankAccountKind, Fund } from '../calls/calls.domain.ts';

/** All SQL of payments, their allocations, idempotency records and bank statement lines. Filtered by organization. */

export interface OwnerCallRef {
  id: string; callId: string; personId: string; fund: Fund; amountCents: number; paidCents: number; callStatus: 'draft' | 'sent';
}

const OWNER_CALL_REF = `o.id, o.call_id as "callId", o.person_id as "personId", c.fund, o.amount_cents as "amountCents",
  c.status as "callStatus"`;

/**
 * Locks the owner call (allocations to it are serialized), then reads what was paid on it in a
 * second statement, so a payment that committed while this one waited for the lock is counted.
 */
async function lockedRef(tx: Db, organizationId: string, row: Omit<OwnerCallRef, 'paidCents'> | undefined): Promise<OwnerCallRef | null> {
  if (!row) return null;
  const [paid] = await tx<{ cents: number }[]>`select coalesce(sum(cents), 0)::bigint as cents from payment_allocations
    where organization_id = ${organizationId} and owner_call_id = ${row.id}`;
  return { ...row, paidCents: paid!.cents };
}

/** The owner call with this communication in the building, locked, with what was paid on it. */
export async function ownerCallByCommunication(tx: Db, organizationId: string, buildingId: string, communication: string):
  Promise<OwnerCallRef | null> {
  const [row] = await tx<Omit<OwnerCallRef, 'paidCents'>[]>`select ${tx.unsafe(OWNER_CALL_REF)} from owner_calls o
    join calls c on c.organization_id = o.organization_id and c.id = o.call_id
    where o.organization_id = ${organizationId} and o.building_id = ${buildingId} and o.communication = ${communication}
    for update of o`;
  return lockedRef(tx, organizationId, row);
}

/** The person's owner call of a call, locked, with what was paid on it. */
export async function ownerCallOf(tx: Db, organizationId: string, buildingId: string, callId: string, personId: string):
  Promise<OwnerCallRef | null> {
  const [row] = await tx<Omit<OwnerCallRef, 'paidCents'>[]>`select ${tx.unsafe(OWNER_CALL_REF)} from owner_calls o
    join calls c on c.organization_id = o.organization_id and c.id = o.call_id
    where o.organization_id = ${organizationId} and o.building_id = ${buildingId} and o.call_id = ${callId} and o.person_id = ${personId}
    for update of o`;
  return lockedRef(tx, organizationId, row);
}

export async function callStatus(sql: Db, organizationId: string, buildingId: string, callId: string): Promise<'draft' | 'sent' | null> {
  const [row] = await sql<{ status: 'draft' | 'sent' }[]>`select status from calls
    where organization_id = ${organizationId} and building_id = ${buildingId} and id = ${callId}`;
  return row?.status ?? null;
}

export interface NewPayment {
  id: string; amountCents: number; paidOn: string; account: BankAccountKind; communication: string | null;
  freeCommunication: string | null; counterpartyName: string | null; personId: string | null; receivableAccount: '4100' | '4101' | null;
  source: 'manual' | 'coda'; bankStatementLineId: string | null; entryId: string;
}

export async function insertPayment(tx: Db, organizationId: string, buildingId: string, p: NewPayment, at: Date): Promise<void> {
  await tx`insert into payments (id, organization_id, building_id, amount_cents, paid_on, account, communication, free_communication,
      counterparty_name, status, person_id, receivable_account, source, bank_statement_line_id, entry_id, created_at, updated_at)
    values (${p.id}, ${organizationId}, ${buildingId}, ${p.amountCents}, ${p.paidOn}, ${p.account}, ${p.communication},
      ${p.freeCommunication}, ${p.counterpartyName}, ${p.personId ? 'matched' : 'unmatched'}, ${p.personId}, ${p.receivableAccount},
      ${p.source}, ${p.bankStatementLineId}, ${p.entryId}, ${at}, ${at})`;
}

export async function insertAllocation(tx: Db, organizationId: string, paymentId: string, ownerCallId: string, cents: number, at: Date) {
  await tx`insert into payment_allocations (organization_id, payment_id, owner_call_id, cents, created_at)
    values (${organizationId}, ${paymentId}, ${ownerCallId}, ${cents}, ${at})`;
}

export async function markMatched(tx: Db, organizationId: string, id: string,
  m: { personId: string; receivableAccount: '4100' | '4101'; allocationEntryId: string }, at: Date): Promise<void> {
  await tx`update payments set status = 'matched', person_id = ${m.personId}, receivable_account = ${m.receivableAccount},
      allocation_entry_id = ${m.allocationEntryId}, updated_at = ${at}
    where organization_id = ${organizationId} and id = ${id}`;
}

export interface PaymentRow {
  id: string; buildingId: string; amountCents: number; date: string; account: BankAccountKind; communication: string | null;
  freeCommunication: string | null; counterpartyName: string | null; status: 'matched' | 'unmatched'; personId: string | null;
  source: 'manual' | 'coda'; entryId: string; allocationEntryId: string | null; createdAt: Date;
  allocations: { ownerCallId: string; callId: string; cents: number }[];
}

const PAYMENT_COLUMNS = `p.id, p.building_id as "buildingId", p.amount_cents as "amountCents", p.paid_on::text as "date", p.account,
  p.communication, p.free_communication as "freeCommunication", p.counterparty_name as "counterpartyName", p.status,
  p.person_id as "personId", p.source, p.entry_id as "entryId", p.allocation_entry_id as "allocationEntryId", p.created_at as "createdAt",
  (select coalesce(json_agg(json_build_object('ownerCallId', a.owner_call_id, 'callId', o.call_id, 'cents', a.cents) order by a.created_at, a.id), '[]')
     from payment_allocations a join owner_calls o on o.id = a.owner_call_id where a.payment_id = p.id) as allocations`;

export async function findPayment(sql: Db, organizationId: string, buildingId: string, id: string, lock = false): Promise<PaymentRow | null> {
  const [row] = await sql<PaymentRow[]>`select ${sql.unsafe(PAYMENT_COLUMNS)} from payments p
    where p.organization_id = ${organizationId} and p.building_id = ${buildingId} and p.id = ${id}
    ${lock ? sql`for update` : sql``}`;
  return row ?? null;
}

export const PAYMENT_SORTS: SortFields<'date' | 'createdAt'> = {
  date: { expr: 'f.paid_on', type: 'date' },
  createdAt: { expr: 'f.created_at', type: 'timestamptz' },
};

export async function listPayments(sql: Db, organizationId: string, buildingId: string, status: 'matched' | 'unmatched' | undefined,
  page: ResolvedPage) {
  const filtered = sql`select ${sql.unsafe(PAYMENT_COLUMNS)}, p.paid_on, p.created_at from payments p
    where p.organization_id = ${organizationId} and p.building_id = ${buildingId} ${status ? sql`and p.status = ${status}` : sql``}`;
  const r = await keysetPage<PaymentRow & { paid_on?: unknown; created_at?: unknown }>(sql, filtered, page);
  for (const row of r.rows) {
    delete row.paid_on;
    delete row.created_at;
  }
  return { items: r.rows as PaymentRow[], total: r.total, nextCursor: r.nextCursor };
}

// ── Idempotency ─────────────────────────────────────────────────────────────

/**
 * Claims the key for this request. A concurrent request with the same key waits here until the
 * first commits; then (or later) it gets the stored request and response instead.
 */
export async function claimKey(tx: Db, organizationId: string, key: string, buildingId: string, request: string, at: Date):
  Promise<{ claimed: true } | { claimed: false; request: string; response: unknown }> {
  const rows = await tx`insert into payment_requests (organization_id, idempotency_key, building_id, request, created_at)
    values (${organizationId}, ${key}, ${buildingId}, ${request}, ${at}) on conflict do nothing returning 1`;
  if (rows.length > 0) return { claimed: true };
  const [row] = await tx<{ request: string; response: unknown }[]>`select request, response from payment_requests
    where organization_id = ${organizationId} and idempotency_key = ${key}`;
  return { claimed: false, request: row!.request, response: row!.response };
}

export async function saveResponse(tx: Db, organizationId: string, key: string, paymentId: string, response: unknown): Promise<void> {
  await tx`update payment_requests set payment_id = ${paymentId}, response = ${tx.json(response as never)}
    where organization_id = ${organizationId} and idempotency_key = ${key}`;
}

// ── Bank statement lines ────────────────────────────────────────────────────

export interface StatementLine {
  accountIban: string; statementYear: number; statementNumber: string; sequence: number; detail: number; statementDate: string;
  entryDate: string; valueDate: string | null;
  amountCents: number; counterpartyName: string | null; counterpartyIban: string | null; structuredCommunication: string | null;
  freeCommunication: string | null; bankReference: string | null;
}

/** Inserts the movement; null when this account's statement already had it (imported before). */
export async function insertStatementLine(tx: Db, organizationId: string, buildingId: string, l: StatementLine, at: Date):
  Promise<string | null> {
  const rows = await tx<{ id: string }[]>`insert into bank_statement_lines (organization_id, building_id, account_iban, statement_year,
      statement_number, sequence, detail, statement_date, entry_date, value_date, amount_cents, counterparty_name, counterparty_iban,
      structured_communication, free_communication, bank_reference, imported_at)
    values (${organizationId}, ${buildingId}, ${l.accountIban}, ${l.statementYear}, ${l.statementNumber}, ${l.sequence}, ${l.detail},
      ${l.statementDate}, ${l.entryDate}, ${l.valueDate}, ${l.amountCents}, ${l.counterpartyName}, ${l.counterpartyIban}, ${l.structuredCommunication},
      ${l.freeCommunication}, ${l.bankReference}, ${at})
    on conflict on constraint bank_statement_lines_movement_key do nothing returning id`;
  return rows[0]?.id ?? null;
}

/** The payment created from an earlier import of this movement, if any. */
export async function paymentOfLine(sql: Db, organizationId: string, l: StatementLine):
  Promise<{ paymentId: string | null; ownerCallId: string | null }> {
  const [row] = await sql<{ paymentId: string | null; ownerCallId: string | null }[]>`
    select p.id as "paymentId", (select a.owner_call_id from payment_allocations a where a.payment_id = p.id limit 1) as "ownerCallId"
    from bank_statement_lines s left join payments p on p.organization_id = s.organization_id and p.bank_statement_line_id = s.id
    where s.organization_id = ${organizationId} and s.account_iban = ${l.accountIban} and s.statement_year = ${l.statementYear}
      and s.statement_number = ${l.statementNumber} and s.sequence = ${l.sequence} and s.detail = ${l.detail}`;
  return row ?? { paymentId: null, ownerCallId: null };
}
