import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/errors.ts';
import {
  approvalLines, assertPayable, assertTransition, checkApprover, checkCreditNote, computeLines, EXPENSE_STATES, paymentLines,
  type ExpenseState,
} from './expenses.domain.ts';

const vat = { firstOccupiedYear: 2000, residential: true };

describe('expense transitions', () => {
  it('allows exactly draft → pending_approval → approved | rejected', () => {
    const allowed = new Set(['draft→pending_approval', 'pending_approval→approved', 'pending_approval→rejected']);
    for (const from of EXPENSE_STATES) {
      for (const to of EXPENSE_STATES) {
        const move = () => assertTransition(from as ExpenseState, to as ExpenseState);
        if (allowed.has(`${from}→${to}`)) expect(move).not.toThrow();
        else expect(errorOf(move)).toMatchObject({ code: 'expense.illegal_transition', details: { from, to } });
      }
    }
  });

  it('pays only an approved, unpaid expense', () => {
    expect(() => assertPayable('approved', 'unpaid')).not.toThrow();
    expect(errorOf(() => assertPayable('approved', 'paid')).details).toEqual({ from: 'paid', to: 'paid' });
    expect(errorOf(() => assertPayable('draft', 'unpaid')).details).toEqual({ from: 'draft', to: 'paid' });
  });
});

describe('computeLines', () => {
  it('computes VAT per line (half away from zero) and sums the rounded lines', () => {
    // 2.50 at 21 % = 0.525 → 0.53; 2.50 at 21 % again → 0.53; total VAT 1.06 (not 21 % of 5.00 = 1.05).
    const r = computeLines([{ description: 'a', workKind: 'service', netCents: 250, vatRateBp: 2100 },
      { description: 'b', workKind: 'service', netCents: 250, vatRateBp: 2100 }], { creditNote: false, invoiceDate: '2024-01-01', vat });
    expect(r).toMatchObject({ netCents: 500, vatCents: 106, grossCents: 606 });
    expect(r.lines[1]).toEqual({ position: 2, description: 'b', workKind: 'service', netCents: 250, vatRateBp: 2100, vatCents: 53, grossCents: 303 });
    // A credit note mirrors it: −2.50 → −0.53.
    expect(computeLines([{ description: 'a', workKind: 'service', netCents: -250, vatRateBp: 2100 }],
      { creditNote: true, invoiceDate: '2024-01-01', vat }).vatCents).toBe(-53);
  });

  it('refuses 6 % on cleaning, and names the line', () => {
    const err = errorOf(() => computeLines([{ description: 'ok', workKind: 'repair', netCents: 100, vatRateBp: 600 },
      { description: 'x', workKind: 'cleaning', netCents: 100, vatRateBp: 600 }], { creditNote: false, invoiceDate: '2024-01-01', vat }));
    expect(err).toMatchObject({ code: 'vat.reduced_rate_excluded_work', details: { field: 'lines.1.vatRateBp' } });
  });

  it('refuses the wrong sign, absurd amounts, unknown rates and kinds', () => {
    const one = (l: Record<string, unknown>, creditNote = false) => errorOf(() => computeLines(
      [{ description: 'x', workKind: 'service', netCents: 100, vatRateBp: 2100, ...l } as never], { creditNote, invoiceDate: '2024-01-01', vat }));
    expect(one({ netCents: 0 }).code).toBe('expense_line.amount_invalid');
    expect(one({ netCents: 100 }, true).code).toBe('expense_line.amount_invalid');
    expect(one({ netCents: 10_000_000_001 }).code).toBe('expense_line.amount_invalid');
    expect(one({ vatRateBp: 2000 }).code).toBe('expense_line.vat_rate_invalid');
    expect(one({ workKind: 'painting' }).code).toBe('expense_line.work_kind_invalid');
  });
});

describe('checkApprover (threshold 5 000.00)', () => {
  const base = { thresholdCents: 500_000, creatorId: 'u1' };
  it('lets anyone approve at or below the threshold, creator included', () => {
    expect(() => checkApprover({ ...base, grossCents: 500_000, approverId: 'u1', approverIsCouncilMember: false })).not.toThrow();
  });
  it('above it, needs a council member other than the creator (credit notes by absolute value)', () => {
    expect(errorOf(() => checkApprover({ ...base, grossCents: 500_001, approverId: 'u2', approverIsCouncilMember: false })).code)
      .toBe('expense.council_approval_required');
    expect(errorOf(() => checkApprover({ ...base, grossCents: -600_000, approverId: 'u1', approverIsCouncilMember: true })).code)
      .toBe('expense.self_approval');
    expect(() => checkApprover({ ...base, grossCents: 600_000, approverId: 'u2', approverIsCouncilMember: true })).not.toThrow();
  });
});

describe('checkCreditNote', () => {
  const invoice = { state: 'approved' as const, creditNoteOf: null, grossCents: 60_500 };
  it('keeps all credit notes within the invoice', () => {
    expect(() => checkCreditNote(invoice, -12_100, -48_400)).not.toThrow(); // 121.00 + 484.00 = 605.00
    expect(errorOf(() => checkCreditNote(invoice, -12_100, -48_401)).code).toBe('expense.credit_exceeds_original');
    expect(errorOf(() => checkCreditNote({ ...invoice, state: 'draft' }, 0, -1)).code).toBe('expense.credit_note_needs_approved');
    expect(errorOf(() => checkCreditNote({ ...invoice, creditNoteOf: 'x' }, 0, -1)).code).toBe('expense.credit_note_of_credit_note');
  });
});

describe('journal lines', () => {
  it('posts an invoice charge / 440 and its payment 440 / 551; a credit note the other way round', () => {
    expect(approvalLines({ grossCents: 60_500, chargeAccount: '6105', supplierId: 's', label: 'L' })).toEqual([
      { account: '6105', debitCents: 60_500, creditCents: 0, label: 'L' },
      { account: '440', debitCents: 0, creditCents: 60_500, supplierId: 's', label: 'L' }]);
    expect(approvalLines({ grossCents: -100, chargeAccount: '6105', supplierId: 's', label: 'L' }).map((l) => [l.account, l.debitCents, l.creditCents]))
      .toEqual([['6105', 0, 100], ['440', 100, 0]]);
    expect(paymentLines({ grossCents: 60_500, supplierId: 's', label: 'L' }).map((l) => [l.account, l.debitCents, l.creditCents]))
      .toEqual([['440', 60_500, 0], ['551', 0, 60_500]]);
    expect(paymentLines({ grossCents: -100, supplierId: 's', label: 'L' }).map((l) => [l.account, l.debitCents, l.creditCents]))
      .toEqual([['440', 0, 100], ['551', 100, 0]]);
  });
});
