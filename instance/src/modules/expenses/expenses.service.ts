import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { resolvePage, type PageRequest } from '../../platform/pagination.ts';
import { postEntry } from '../accounting/posting.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { findKey } from '../distribution/distribution.repo.ts';
import { distributeOverKey } from '../distribution/distribution.service.ts';
import { findSupplier } from '../suppliers/suppliers.repo.ts';
import {
  approvalLines, assertEditable, assertPayable, assertTransition, checkApprover, checkCreditNote, computeLines, paymentLines,
  validateHeader, type ChargeKind, type ExpenseLineInput,
} from './expenses.domain.ts';
import * as repo from './expenses.repo.ts';

/**
 * Use cases of expenses (supplier invoices and credit notes): one transaction each, an audit row
 * per state change. Approval posts the invoice (ACH) and writes its charge allocations; payment
 * posts the bank movement (FIN).
 *
 * Distribution date: an expense is distributed over the holders of its invoice date (the date the
 * charge arose; charge_date = invoice date). A credit note is distributed over the holders of the
 * invoice date of the expense it corrects, so the same people are credited, and carries its own
 * invoice date as charge_date (its accounting date).
 */

const ENTITY = 'expense';

export interface ExpenseInput {
  supplierId: string; invoiceNumber: string; invoiceDate: string; dueDate: string; distributionKeyId?: string | null | undefined;
  chargeKind: ChargeKind; chargeAccount: string; description?: string | null | undefined; lines: ExpenseLineInput[];
}

async function assertBuilding(sql: Db, ctx: ActorCtx, buildingId: string): Promise<void> {
  const rows = await sql`select 1 from buildings where organization_id = ${ctx.organizationId} and id = ${buildingId}`;
  if (rows.length === 0) throw notFound('building', buildingId);
}

async function lockedExpense(tx: Db, ctx: ActorCtx, buildingId: string, id: string) {
  const e = await repo.findExpense(tx, ctx.organizationId, buildingId, id, true);
  if (!e) throw notFound(ENTITY, id);
  return e;
}

/** Checks the references and computes the lines: the fields to store. */
async function prepare(tx: Db, ctx: ActorCtx, buildingId: string, input: ExpenseInput, creditNoteOf: string | null): Promise<{
  fields: repo.ExpenseFields; lines: ReturnType<typeof computeLines>['lines'];
}> {
  validateHeader(input);
  if (!(await findSupplier(tx, ctx.organizationId, input.supplierId))) {
    throw new AppError('expense.unknown_supplier', 'No such supplier in this organization', { field: 'supplierId', id: input.supplierId });
  }
  const keyId = input.distributionKeyId ?? null;
  if (keyId !== null && !(await findKey(tx, ctx.organizationId, buildingId, keyId))) {
    throw new AppError('expense.unknown_distribution_key', 'No such distribution key in this building', { field: 'distributionKeyId', id: keyId });
  }
  const vat = await repo.settingsOf(tx, ctx.organizationId, buildingId);
  const computed = computeLines(input.lines, { creditNote: creditNoteOf !== null, invoiceDate: input.invoiceDate, vat });
  return {
    fields: {
      supplierId: input.supplierId, invoiceNumber: input.invoiceNumber, invoiceDate: input.invoiceDate, dueDate: input.dueDate,
      distributionKeyId: keyId, chargeKind: input.chargeKind, chargeAccount: input.chargeAccount, description: input.description ?? null,
      creditNoteOf, netCents: computed.netCents, vatCents: computed.vatCents, grossCents: computed.grossCents,
    },
    lines: computed.lines,
  };
}

export async function createExpense(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: ExpenseInput) {
  return inTx(deps, async (tx) => {
    await assertBuilding(tx, ctx, buildingId);
    const { fields, lines } = await prepare(tx, ctx, buildingId, input, null);
    const at = deps.clock.now();
    const id = await repo.insertExpense(tx, ctx.organizationId, buildingId, fields, ctx.actorUserId, at);
    await repo.replaceLines(tx, ctx.organizationId, id, lines);
    await audit(tx, ctx, at, 'expense.created', { type: ENTITY, id }, { buildingId, grossCents: fields.grossCents, lines: lines.length });
    return (await repo.findExpense(tx, ctx.organizationId, buildingId, id))!;
  });
}

export async function updateDraft(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string, patch: Partial<ExpenseInput>) {
  return inTx(deps, async (tx) => {
    const current = await lockedExpense(tx, ctx, buildingId, id);
    assertEditable(current.state);
    const lines = patch.lines ?? (await repo.expenseLines(tx, ctx.organizationId, id));
    const merged: ExpenseInput = {
      supplierId: patch.supplierId ?? current.supplierId, invoiceNumber: patch.invoiceNumber ?? current.invoiceNumber,
      invoiceDate: patch.invoiceDate ?? current.invoiceDate, dueDate: patch.dueDate ?? current.dueDate,
      distributionKeyId: patch.distributionKeyId === undefined ? current.distributionKeyId : patch.distributionKeyId,
      chargeKind: patch.chargeKind ?? current.chargeKind, chargeAccount: patch.chargeAccount ?? current.chargeAccount,
      description: patch.description === undefined ? current.description : patch.description, lines,
    };
    if (current.creditNoteOf !== null && (merged.supplierId !== current.supplierId || merged.chargeAccount !== current.chargeAccount
      || merged.chargeKind !== current.chargeKind || merged.distributionKeyId !== current.distributionKeyId)) {
      throw new AppError('expense.credit_note_fixed_fields', 'A credit note keeps the supplier, account, charge kind and key of the invoice it corrects',
        { field: 'supplierId' });
    }
    const { fields, lines: computed } = await prepare(tx, ctx, buildingId, merged, current.creditNoteOf);
    if (current.creditNoteOf !== null) await assertCreditFits(tx, ctx, buildingId, current.creditNoteOf, current.grossCents, fields.grossCents);
    const at = deps.clock.now();
    await repo.updateDraft(tx, ctx.organizationId, id, fields, at);
    await repo.replaceLines(tx, ctx.organizationId, id, computed);
    await audit(tx, ctx, at, 'expense.updated', { type: ENTITY, id }, { buildingId, fields: Object.keys(patch) });
    return (await repo.findExpense(tx, ctx.organizationId, buildingId, id))!;
  });
}

export async function submitExpense(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string) {
  return inTx(deps, async (tx) => {
    const e = await lockedExpense(tx, ctx, buildingId, id);
    assertTransition(e.state, 'pending_approval');
    const at = deps.clock.now();
    await repo.setState(tx, ctx.organizationId, id, { state: 'pending_approval', at });
    await audit(tx, ctx, at, 'expense.submitted', { type: ENTITY, id }, { buildingId, from: e.state, to: 'pending_approval' });
    return (await repo.findExpense(tx, ctx.organizationId, buildingId, id))!;
  });
}

/**
 * Approves a pending expense: the threshold rule, then — in this one transaction — the
 * distribution (refused while the register is incomplete: nothing is written), the ACH entry
 * (debit the charge account, credit 440 for the supplier, VAT included) and the charge allocations.
 */
export async function approveExpense(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string, approverIsCouncilMember: boolean) {
  return inTx(deps, async (tx) => {
    const e = await lockedExpense(tx, ctx, buildingId, id);
    assertTransition(e.state, 'approved');
    const settings = await repo.settingsOf(tx, ctx.organizationId, buildingId);
    checkApprover({ grossCents: e.grossCents, thresholdCents: settings.approvalThresholdCents, creatorId: e.createdBy,
      approverId: ctx.actorUserId, approverIsCouncilMember });
    if (e.creditNoteOf !== null) await assertCreditFits(tx, ctx, buildingId, e.creditNoteOf, e.grossCents, e.grossCents);
    const original = e.creditNoteOf === null ? null : await repo.findExpense(tx, ctx.organizationId, buildingId, e.creditNoteOf);
    const shares = await distributeOverKey(tx, {
      organizationId: ctx.organizationId, buildingId, keyId: e.distributionKeyId, amountCents: e.grossCents,
      asOf: original?.invoiceDate ?? e.invoiceDate, chargeKind: e.chargeKind,
    });
    const at = deps.clock.now();
    const label = `${e.supplierName} ${e.invoiceNumber}`.slice(0, 300);
    const posted = await postEntry(tx, {
      organizationId: ctx.organizationId, buildingId, journal: 'ACH', date: e.invoiceDate,
      description: `${e.creditNoteOf ? 'Note de crédit' : 'Facture'} ${e.invoiceNumber} – ${e.supplierName}`.slice(0, 500),
      source: { type: 'expense', id: e.id, reference: e.invoiceNumber },
      lines: approvalLines({ grossCents: e.grossCents, chargeAccount: e.chargeAccount, supplierId: e.supplierId, label }),
    }, { actorUserId: ctx.actorUserId, requestId: ctx.requestId, at });
    await repo.insertAllocations(tx, ctx.organizationId, { buildingId, expenseId: id, account: e.chargeAccount, chargeDate: e.invoiceDate },
      shares, at);
    await repo.setState(tx, ctx.organizationId, id, { state: 'approved', at, by: ctx.actorUserId, approvalEntryId: posted.entryId });
    await audit(tx, ctx, at, 'expense.approved', { type: ENTITY, id }, {
      buildingId, from: e.state, to: 'approved', grossCents: e.grossCents, entryId: posted.entryId, entryNumber: posted.number,
      allocations: shares.length,
    });
    return (await repo.findExpense(tx, ctx.organizationId, buildingId, id))!;
  });
}

export async function rejectExpense(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string, reason: string) {
  return inTx(deps, async (tx) => {
    const e = await lockedExpense(tx, ctx, buildingId, id);
    assertTransition(e.state, 'rejected');
    const at = deps.clock.now();
    await repo.setState(tx, ctx.organizationId, id, { state: 'rejected', at, by: ctx.actorUserId, reason });
    await audit(tx, ctx, at, 'expense.rejected', { type: ENTITY, id }, { buildingId, from: e.state, to: 'rejected' });
    return (await repo.findExpense(tx, ctx.organizationId, buildingId, id))!;
  });
}

/** Records the payment of an approved expense on `paidOn` (not in the future) and posts it (FIN: debit 440, credit 551). */
export async function markPaid(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string, paidOn: string) {
  return inTx(deps, async (tx) => {
    const e = await lockedExpense(tx, ctx, buildingId, id);
    assertPayable(e.state, e.paymentState);
    if (paidOn > deps.clock.today()) {
      throw new AppError('expense.paid_on_in_future', 'The payment date cannot be in the future', { field: 'paidOn' });
    }
    const at = deps.clock.now();
    const label = `${e.supplierName} ${e.invoiceNumber}`.slice(0, 300);
    const posted = await postEntry(tx, {
      organizationId: ctx.organizationId, buildingId, journal: 'FIN', date: paidOn,
      description: `Paiement ${e.invoiceNumber} – ${e.supplierName}`.slice(0, 500),
      source: { type: 'expense_payment', id: e.id, reference: e.invoiceNumber },
      lines: paymentLines({ grossCents: e.grossCents, supplierId: e.supplierId, label }),
    }, { actorUserId: ctx.actorUserId, requestId: ctx.requestId, at });
    await repo.setPaid(tx, ctx.organizationId, id, paidOn, posted.entryId, at);
    await audit(tx, ctx, at, 'expense.paid', { type: ENTITY, id }, { buildingId, from: 'unpaid', to: 'paid', paidOn, entryId: posted.entryId });
    return (await repo.findExpense(tx, ctx.organizationId, buildingId, id))!;
  });
}

/**
 * All live credit notes of an invoice together never exceed it: checked when a credit note is
 * created, edited and approved, with the invoice locked (concurrent credit notes wait).
 */
async function assertCreditFits(tx: Db, ctx: ActorCtx, buildingId: string, originalId: string,
  currentGrossCents: number, newGrossCents: number): Promise<void> {
  const original = await lockedExpense(tx, ctx, buildingId, originalId);
  const creditedByOthers = (await repo.creditedSoFar(tx, ctx.organizationId, original.id)) - currentGrossCents;
  checkCreditNote(original, creditedByOthers, newGrossCents);
}

/** A credit note (draft) correcting an approved invoice: same supplier, account, kind and key; negative lines. */
export async function createCreditNote(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, originalId: string, input: {
  invoiceNumber: string; invoiceDate: string; dueDate: string; description?: string | null | undefined; lines: ExpenseLineInput[];
}) {
  return inTx(deps, async (tx) => {
    const original = await lockedExpense(tx, ctx, buildingId, originalId);
    const credited = await repo.creditedSoFar(tx, ctx.organizationId, original.id);
    checkCreditNote(original, credited, 0);
    const { fields, lines } = await prepare(tx, ctx, buildingId, {
      ...input, supplierId: original.supplierId, distributionKeyId: original.distributionKeyId, chargeKind: original.chargeKind,
      chargeAccount: original.chargeAccount,
    }, original.id);
    checkCreditNote(original, credited, fields.grossCents);
    const at = deps.clock.now();
    const id = await repo.insertExpense(tx, ctx.organizationId, buildingId, fields, ctx.actorUserId, at);
    await repo.replaceLines(tx, ctx.organizationId, id, lines);
    await audit(tx, ctx, at, 'expense.credit_note_created', { type: ENTITY, id }, { buildingId, creditNoteOf: original.id, grossCents: fields.grossCents });
    return (await repo.findExpense(tx, ctx.organizationId, buildingId, id))!;
  });
}

export async function getExpense(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string) {
  const e = await repo.findExpense(deps.sql, ctx.organizationId, buildingId, id);
  if (!e) throw notFound(ENTITY, id);
  const [lines, distribution] = await Promise.all([
    repo.expenseLines(deps.sql, ctx.organizationId, id), repo.allocationsOf(deps.sql, ctx.organizationId, id)]);
  return { ...e, lines, distribution };
}

export async function listExpenses(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: PageRequest & repo.ExpenseFilter) {
  const page = resolvePage(repo.EXPENSE_SORTS, input, '-invoiceDate');
  await assertBuilding(deps.sql, ctx, buildingId);
  return repo.listExpenses(deps.sql, ctx.organizationId, buildingId, input, page);
}

// ── Settings ────────────────────────────────────────────────────────────────
export async function getSettings(deps: RegisterDeps, ctx: ActorCtx, buildingId: string) {
  await assertBuilding(deps.sql, ctx, buildingId);
  return { buildingId, ...(await repo.settingsOf(deps.sql, ctx.organizationId, buildingId)) };
}

export async function updateSettings(deps: RegisterDeps, ctx: ActorCtx, buildingId: string,
  patch: { approvalThresholdCents?: number | undefined; firstOccupiedYear?: number | null | undefined; residential?: boolean | undefined }) {
  const t = patch.approvalThresholdCents;
  if (t !== undefined && (!Number.isSafeInteger(t) || t < 0 || t > 100 * 10_000_000_000)) {
    throw new AppError('expense_settings.threshold_invalid', 'The approval threshold is a non-negative number of cents', { field: 'approvalThresholdCents' });
  }
  const y = patch.firstOccupiedYear;
  if (y != null && (y < 1000 || y > 2999)) {
    throw new AppError('expense_settings.first_occupied_year_invalid', 'The first-occupation year is a four-digit year', { field: 'firstOccupiedYear' });
  }
  return inTx(deps, async (tx) => {
    await assertBuilding(tx, ctx, buildingId);
    await tx`select 1 from buildings where organization_id = ${ctx.organizationId} and id = ${buildingId} for no key update`;
    const current = await repo.settingsOf(tx, ctx.organizationId, buildingId);
    const next = {
      approvalThresholdCents: t ?? current.approvalThresholdCents,
      firstOccupiedYear: y === undefined ? current.firstOccupiedYear : y,
      residential: patch.residential ?? current.residential,
    };
    const at = deps.clock.now();
    await repo.saveSettings(tx, ctx.organizationId, buildingId, next, at);
    await audit(tx, ctx, at, 'expense_settings.updated', { type: 'building', id: buildingId }, { before: current, after: next });
    return { buildingId, ...next };
  });
}
