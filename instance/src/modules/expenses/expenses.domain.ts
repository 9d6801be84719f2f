import { AppError } from '../../platform/errors.ts';
import type { ChargeKind } from '../distribution/distribution.domain.ts';
import { invoiceTotals, isVatRate, reducedRateRefusal, VAT_WORK_KINDS, type VatWorkKind } from '../money/vat.domain.ts';

/**
 * Supplier invoices and credit notes (rules doc §9, issue 3). Pure rules.
 *
 * Approval workflow: draft → pending_approval → approved | rejected (a reason is required).
 * Payment, separately: unpaid → paid (once, with a date), only for an approved expense.
 * Any other move is 409 `expense.illegal_transition` naming `from` and `to`.
 * Approved (and rejected) expenses are immutable; corrections go through a credit note: an
 * expense of negative lines referring to an approved expense, through the same workflow.
 */

export const EXPENSE_STATES = ['draft', 'pending_approval', 'approved', 'rejected'] as const;
export type ExpenseState = (typeof EXPENSE_STATES)[number];
export type PaymentState = 'unpaid' | 'paid';

/** Default approval threshold of a building: 5 000.00 € (gross, VAT included). A product default, set per building. */
export const DEFAULT_APPROVAL_THRESHOLD_CENTS = 500_000;
/** Largest net amount of one line: 100 million euros. Beyond that the input is taken for a typing error. */
export const MAX_LINE_CENTS = 10_000_000_000;

export interface ExpenseLineInput { description: string; workKind: string; netCents: number; vatRateBp: number }
export interface ExpenseLine extends ExpenseLineInput { position: number; vatCents: number; grossCents: number }

export interface VatContext { firstOccupiedYear: number | null; residential: boolean }

const ALLOWED_MOVES: Record<ExpenseState, readonly ExpenseState[]> = {
  draft: ['pending_approval'],
  pending_approval: ['approved', 'rejected'],
  approved: [],
  rejected: [],
};

export function illegalTransition(from: string, to: string): AppError {
  return new AppError('expense.illegal_transition', `An expense cannot go from ${from} to ${to}`, { from, to });
}

export function assertTransition(from: ExpenseState, to: ExpenseState): void {
  if (!ALLOWED_MOVES[from].includes(to)) throw illegalTransition(from, to);
}

/** Payment: only an approved, unpaid expense becomes paid. `from` names the blocking state. */
export function assertPayable(state: ExpenseState, paymentState: PaymentState): void {
  if (state !== 'approved') throw illegalTransition(state, 'paid');
  if (paymentState === 'paid') throw illegalTransition('paid', 'paid');
}

export function assertEditable(state: ExpenseState): void {
  if (state !== 'draft') {
    throw new AppError('expense.immutable', `A ${state} expense cannot be changed; only drafts can (correct an approved one with a credit note)`,
      { state });
  }
}

export interface HeaderInput { invoiceDate: string; dueDate: string; chargeAccount: string }

/** A class 6 (charges) PCMN account number, e.g. 6105 or 611. */
export const isChargeAccount = (a: string) => /^6[0-9]{1,5}$/.test(a);

export function validateHeader(h: HeaderInput): void {
  if (!isChargeAccount(h.chargeAccount)) {
    throw new AppError('expense.charge_account_invalid', 'The charge account must be a class 6 PCMN account, such as 6105', { field: 'chargeAccount' });
  }
  if (h.dueDate < h.invoiceDate) {
    throw new AppError('expense.due_date_invalid', 'The due date cannot be before the invoice date', { field: 'dueDate' });
  }
}

/**
 * Validates the lines (an invoice: every net amount > 0; a credit note: every one < 0), checks
 * the 6 % rate against the building (checkReducedRate), and computes VAT and totals with the
 * money module's rounding rule (per line, half away from zero).
 */
export function computeLines(lines: readonly ExpenseLineInput[], opts: { creditNote: boolean; invoiceDate: string; vat: VatContext }) {
  lines.forEach((l, i) => {
    const f = (name: string) => `lines.${i}.${name}`;
    if (!(VAT_WORK_KINDS as readonly string[]).includes(l.workKind)) {
      throw new AppError('expense_line.work_kind_invalid', `Unknown kind of work; one of ${VAT_WORK_KINDS.join(', ')}`, { field: f('workKind') });
    }
    const sign = opts.creditNote ? -1 : 1;
    if (!Number.isSafeInteger(l.netCents) || l.netCents * sign < 1 || Math.abs(l.netCents) > MAX_LINE_CENTS) {
      throw new AppError('expense_line.amount_invalid', opts.creditNote
        ? `A credit note line has a negative net amount, at most ${MAX_LINE_CENTS} cents in absolute value`
        : `An invoice line has a positive net amount of at most ${MAX_LINE_CENTS} cents`, { field: f('netCents') });
    }
    if (!isVatRate(l.vatRateBp)) {
      throw new AppError('expense_line.vat_rate_invalid', 'The VAT rate must be 0, 600, 1200 or 2100 basis points', { field: f('vatRateBp') });
    }
    const refusal = reducedRateRefusal({ rateBp: l.vatRateBp, workKind: l.workKind as VatWorkKind,
      buildingFirstOccupiedYear: opts.vat.firstOccupiedYear, residential: opts.vat.residential, invoiceDate: opts.invoiceDate });
    if (refusal) throw new AppError(refusal.code, refusal.message, { ...refusal.details, field: f('vatRateBp') }, { cause: refusal });
  });
  const totals = invoiceTotals(lines.map((l) => ({ netCents: l.netCents, rateBp: l.vatRateBp })));
  return {
    lines: lines.map((l, i): ExpenseLine => ({
      position: i + 1, description: l.description, workKind: l.workKind, netCents: l.netCents, vatRateBp: l.vatRateBp,
      vatCents: totals.lines[i]!.vatCents, grossCents: totals.lines[i]!.grossCents,
    })),
    netCents: totals.netCents, vatCents: totals.vatCents, grossCents: totals.grossCents,
  };
}

/**
 * The threshold rule: when |gross| exceeds the building's threshold, the approver must be a
 * council member (organization-wide or on that building) other than the expense's creator.
 * Below or at the threshold, anyone holding expense.approve may approve, the creator included.
 */
export function checkApprover(input: {
  grossCents: number; thresholdCents: number; creatorId: string | null; approverId: string | null; approverIsCouncilMember: boolean;
}): void {
  if (Math.abs(input.grossCents) <= input.thresholdCents) return;
  const details = { grossCents: input.grossCents, thresholdCents: input.thresholdCents };
  if (!input.approverIsCouncilMember) {
    throw new AppError('expense.council_approval_required',
      `Above ${input.thresholdCents} cents, an expense is approved by a member of the council`, details);
  }
  if (input.approverId !== null && input.approverId === input.creatorId) {
    throw new AppError('expense.self_approval',
      `Above ${input.thresholdCents} cents, an expense is approved by a council member other than the one who entered it`, details);
  }
}

/** A credit note corrects an approved invoice, and all its credit notes together never exceed it. */
export function checkCreditNote(original: { state: ExpenseState; creditNoteOf: string | null; grossCents: number },
  creditedSoFarCents: number, newGrossCents: number): void {
  if (original.creditNoteOf !== null) {
    throw new AppError('expense.credit_note_of_credit_note', 'A credit note corrects an invoice, not another credit note', { field: 'expenseId' });
  }
  if (original.state !== 'approved') {
    throw new AppError('expense.credit_note_needs_approved', 'Only an approved expense is corrected by a credit note (change a draft directly)',
      { field: 'expenseId', state: original.state });
  }
  const total = -(creditedSoFarCents + newGrossCents);
  if (total > original.grossCents) {
    throw new AppError('expense.credit_exceeds_original',
      `Credit notes would total ${total} cents, more than the ${original.grossCents} cents of the invoice`,
      { field: 'lines', originalGrossCents: original.grossCents, creditedSoFarCents: -creditedSoFarCents });
  }
}

/**
 * The journal lines of an approved expense (ACH, VAT included: the ACP is not VAT-liable) and of
 * its payment (FIN). A credit note (negative gross) swaps debit and credit.
 */
export function approvalLines(e: { grossCents: number; chargeAccount: string; supplierId: string; label: string }) {
  const amount = Math.abs(e.grossCents);
  const invoice = e.grossCents > 0;
  return [
    { account: e.chargeAccount, debitCents: invoice ? amount : 0, creditCents: invoice ? 0 : amount, label: e.label },
    { account: '440', debitCents: invoice ? 0 : amount, creditCents: invoice ? amount : 0, supplierId: e.supplierId, label: e.label },
  ];
}

/** Current bank account of the working capital (rules doc §5.1: 551). */
export const CURRENT_ACCOUNT = '551';

export function paymentLines(e: { grossCents: number; supplierId: string; label: string }) {
  const amount = Math.abs(e.grossCents);
  const invoice = e.grossCents > 0;
  return [
    { account: '440', debitCents: invoice ? amount : 0, creditCents: invoice ? 0 : amount, supplierId: e.supplierId, label: e.label },
    { account: CURRENT_ACCOUNT, debitCents: invoice ? 0 : amount, creditCents: invoice ? amount : 0, label: e.label },
  ];
}

export type { ChargeKind };
