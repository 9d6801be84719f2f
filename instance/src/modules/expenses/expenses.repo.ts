import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';
import type { HolderShare } from '../distribution/distribution.domain.ts';
import {
  DEFAULT_APPROVAL_THRESHOLD_CENTS, type ChargeKind, type ExpenseLine, type ExpenseState, type PaymentState,
} from './expenses.domain.ts';

/** All SQL of expenses, their lines, settings and charge allocations. Every statement filters by organization id. */

export interface Expense {
  id: string; buildingId: string; supplierId: string; supplierName: string; invoiceNumber: string; invoiceDate: string;
  dueDate: string; distributionKeyId: string | null; chargeKind: ChargeKind; chargeAccount: string; description: string | null;
  creditNoteOf: string | null; state: ExpenseState; rejectionReason: string | null; paymentState: PaymentState;
  paidOn: string | null; netCents: number; vatCents: number; grossCents: number; createdBy: string | null;
  submittedAt: Date | null; decidedAt: Date | null; decidedBy: string | null; approvalEntryId: string | null;
  paymentEntryId: string | null; createdAt: Date; updatedAt: Date;
}

export interface ExpenseFields {
  supplierId: string; invoiceNumber: string; invoiceDate: string; dueDate: string; distributionKeyId: string | null;
  chargeKind: ChargeKind; chargeAccount: string; description: string | null; creditNoteOf: string | null;
  netCents: number; vatCents: number; grossCents: number;
}

const COLUMNS = `e.id, e.building_id as "buildingId", e.supplier_id as "supplierId", s.name as "supplierName",
  e.invoice_number as "invoiceNumber", e.invoice_date::text as "invoiceDate", e.due_date::text as "dueDate",
  e.distribution_key_id as "distributionKeyId", e.charge_kind as "chargeKind", e.charge_account as "chargeAccount",
  e.description, e.credit_note_of as "creditNoteOf", e.state, e.rejection_reason as "rejectionReason",
  e.payment_state as "paymentState", e.paid_on::text as "paidOn", e.net_cents as "netCents", e.vat_cents as "vatCents",
  e.gross_cents as "grossCents", e.created_by as "createdBy", e.submitted_at as "submittedAt", e.decided_at as "decidedAt",
  e.decided_by as "decidedBy", e.approval_entry_id as "approvalEntryId", e.payment_entry_id as "paymentEntryId",
  e.created_at as "createdAt", e.updated_at as "updatedAt"`;
const JOIN_SUPPLIER = 'join suppliers s on s.organization_id = e.organization_id and s.id = e.supplier_id';

export const EXPENSE_SORTS: SortFields<'invoiceDate' | 'dueDate' | 'grossCents' | 'createdAt'> = {
  invoiceDate: { expr: 'f.invoice_date', type: 'date' },
  dueDate: { expr: 'f.due_date', type: 'date' },
  grossCents: { expr: 'f.gross_cents', type: 'bigint' },
  createdAt: { expr: 'f.created_at', type: 'timestamptz' },
};

export async function findExpense(sql: Db, organizationId: string, buildingId: string, id: string, lock = false): Promise<Expense | null> {
  if (lock) await sql`select 1 from expenses where organization_id = ${organizationId} and id = ${id} for no key update`;
  const [row] = await sql<Expense[]>`select ${sql.unsafe(COLUMNS)} from expenses e ${sql.unsafe(JOIN_SUPPLIER)}
    where e.organization_id = ${organizationId} and e.building_id = ${buildingId} and e.id = ${id}`;
  return row ?? null;
}

export async function expenseLines(sql: Db, organizationId: string, expenseId: string): Promise<ExpenseLine[]> {
  return sql<ExpenseLine[]>`select position, description, work_kind as "workKind", net_cents as "netCents",
      vat_rate_bp as "vatRateBp", vat_cents as "vatCents", gross_cents as "grossCents"
    from expense_lines where organization_id = ${organizationId} and expense_id = ${expenseId} order by position`;
}

const duplicate = () => new AppError('expense.duplicate', 'This supplier already has a live invoice with this number', { field: 'invoiceNumber' });

async function mapDuplicate<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const err = e as { code?: string; constraint_name?: string };
    if (err.code === '23505' && err.constraint_name === 'expenses_supplier_invoice_number') throw duplicate();
    throw e;
  }
}

export async function insertExpense(tx: Db, organizationId: string, buildingId: string, f: ExpenseFields, createdBy: string | null, at: Date) {
  return mapDuplicate(async () => {
    const [row] = await tx<{ id: string }[]>`insert into expenses (organization_id, building_id, supplier_id, invoice_number,
        invoice_date, due_date, distribution_key_id, charge_kind, charge_account, description, credit_note_of,
        net_cents, vat_cents, gross_cents, created_by, created_at, updated_at)
      values (${organizationId}, ${buildingId}, ${f.supplierId}, ${f.invoiceNumber}, ${f.invoiceDate}, ${f.dueDate},
        ${f.distributionKeyId}, ${f.chargeKind}, ${f.chargeAccount}, ${f.description}, ${f.creditNoteOf},
        ${f.netCents}, ${f.vatCents}, ${f.grossCents}, ${createdBy}, ${at}, ${at})
      returning id`;
    return row!.id;
  });
}

export async function updateDraft(tx: Db, organizationId: string, id: string, f: ExpenseFields, at: Date): Promise<void> {
  await mapDuplicate(() => tx`update expenses set supplier_id = ${f.supplierId}, invoice_number = ${f.invoiceNumber},
      invoice_date = ${f.invoiceDate}, due_date = ${f.dueDate}, distribution_key_id = ${f.distributionKeyId},
      charge_kind = ${f.chargeKind}, charge_account = ${f.chargeAccount}, description = ${f.description},
      net_cents = ${f.netCents}, vat_cents = ${f.vatCents}, gross_cents = ${f.grossCents}, updated_at = ${at}
    where organization_id = ${organizationId} and id = ${id} and state = 'draft'`);
}

export async function replaceLines(tx: Db, organizationId: string, expenseId: string, lines: readonly ExpenseLine[]): Promise<void> {
  await tx`delete from expense_lines where organization_id = ${organizationId} and expense_id = ${expenseId}`;
  await tx`insert into expense_lines ${tx(lines.map((l) => ({
    organization_id: organizationId, expense_id: expenseId, position: l.position, description: l.description, work_kind: l.workKind,
    net_cents: l.netCents, vat_rate_bp: l.vatRateBp, vat_cents: l.vatCents, gross_cents: l.grossCents,
  })))}`;
}

export async function setState(tx: Db, organizationId: string, id: string, change: {
  state: ExpenseState; at: Date; by?: string | null; reason?: string | null; approvalEntryId?: string | null;
}): Promise<void> {
  const decided = change.state === 'approved' || change.state === 'rejected';
  await mapDuplicate(() => tx`update expenses set state = ${change.state}, updated_at = ${change.at},
      submitted_at = ${change.state === 'pending_approval' ? tx`${change.at}` : tx`submitted_at`},
      decided_at = ${decided ? tx`${change.at}` : tx`decided_at`},
      decided_by = ${decided ? tx`${change.by ?? null}` : tx`decided_by`},
      rejection_reason = ${change.reason ?? null},
      approval_entry_id = ${change.approvalEntryId ?? null}
    where organization_id = ${organizationId} and id = ${id}`);
}

export async function setPaid(tx: Db, organizationId: string, id: string, paidOn: string, entryId: string, at: Date): Promise<void> {
  await tx`update expenses set payment_state = 'paid', paid_on = ${paidOn}, payment_entry_id = ${entryId}, updated_at = ${at}
    where organization_id = ${organizationId} and id = ${id}`;
}

/** Σ gross of the live (not rejected) credit notes of an expense (≤ 0). */
export async function creditedSoFar(sql: Db, organizationId: string, expenseId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select coalesce(sum(gross_cents), 0)::bigint as n from expenses
    where organization_id = ${organizationId} and credit_note_of = ${expenseId} and state <> 'rejected'`;
  return row!.n;
}

export interface ExpenseFilter {
  state?: ExpenseState | undefined; paymentState?: PaymentState | undefined; supplierId?: string | undefined;
  from?: string | undefined; to?: string | undefined;
}

export async function listExpenses(sql: Db, organizationId: string, buildingId: string, f: ExpenseFilter, page: ResolvedPage) {
  const filtered = sql`select ${sql.unsafe(COLUMNS)}, e.invoice_date, e.due_date, e.gross_cents, e.created_at
    from expenses e ${sql.unsafe(JOIN_SUPPLIER)}
    where e.organization_id = ${organizationId} and e.building_id = ${buildingId}
    ${f.state ? sql`and e.state = ${f.state}` : sql``}
    ${f.paymentState ? sql`and e.payment_state = ${f.paymentState}` : sql``}
    ${f.supplierId ? sql`and e.supplier_id = ${f.supplierId}` : sql``}
    ${f.from ? sql`and e.invoice_date >= ${f.from}::date` : sql``}
    ${f.to ? sql`and e.invoice_date <= ${f.to}::date` : sql``}`;
  const result = await keysetPage<Expense & Record<string, unknown>>(sql, filtered, page);
  for (const r of result.rows) for (const k of ['invoice_date', 'due_date', 'gross_cents', 'created_at']) delete r[k];
  return { items: result.rows as Expense[], total: result.total, nextCursor: result.nextCursor };
}

// ── Settings ────────────────────────────────────────────────────────────────
export interface ExpenseSettings { approvalThresholdCents: number; firstOccupiedYear: number | null; residential: boolean }

export async function settingsOf(sql: Db, organizationId: string, buildingId: string): Promise<ExpenseSettings> {
  const [row] = await sql<ExpenseSettings[]>`select approval_threshold_cents as "approvalThresholdCents",
      first_occupied_year as "firstOccupiedYear", residential
    from expense_settings where organization_id = ${organizationId} and building_id = ${buildingId}`;
  return row ?? { approvalThresholdCents: DEFAULT_APPROVAL_THRESHOLD_CENTS, firstOccupiedYear: null, residential: true };
}

export async function saveSettings(tx: Db, organizationId: string, buildingId: string, s: ExpenseSettings, at: Date): Promise<void> {
  await tx`insert into expense_settings (organization_id, building_id, approval_threshold_cents, first_occupied_year, residential, updated_at)
    values (${organizationId}, ${buildingId}, ${s.approvalThresholdCents}, ${s.firstOccupiedYear}, ${s.residential}, ${at})
    on conflict (organization_id, building_id) do update set approval_threshold_cents = excluded.approval_threshold_cents,
      first_occupied_year = excluded.first_occupied_year, residential = excluded.residential, updated_at = excluded.updated_at`;
}

// ── Charge allocations ──────────────────────────────────────────────────────
export async function insertAllocations(tx: Db, organizationId: string, e: { buildingId: string; expenseId: string; account: string;
  chargeDate: string }, shares: readonly HolderShare[], at: Date): Promise<void> {
  if (shares.length === 0) return;
  await tx`insert into charge_allocations ${tx(shares.map((s) => ({
    organization_id: organizationId, building_id: e.buildingId, expense_id: e.expenseId, lot_id: s.lotId, person_id: s.personId,
    account: e.account, cents: s.cents, charge_date: e.chargeDate, created_at: at,
  })))}`;
}

export interface AllocationView { lotId: string; lotNumber: string; personId: string; personName: string; account: string; cents: number; chargeDate: string }

export async function allocationsOf(sql: Db, organizationId: string, expenseId: string): Promise<AllocationView[]> {
  return sql<AllocationView[]>`select a.lot_id as "lotId", l.number as "lotNumber", a.person_id as "personId",
      pe.display_name as "personName", a.account, a.cents, a.charge_date::text as "chargeDate"
    from charge_allocations a
    join lots l on l.organization_id = a.organization_id and l.id = a.lot_id
    join persons pe on pe.organization_id = a.organization_id and pe.id = a.person_id
    where a.organization_id = ${organizationId} and a.expense_id = ${expenseId}
    order by l.number, pe.sort_name, a.person_id`;
}
