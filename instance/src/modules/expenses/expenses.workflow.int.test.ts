import { describe, expect, it } from 'vitest';
import { registerHarness } from '../../../test/support/register.ts';
import { ok, smallBuilding } from './expenses.test-fixture.ts';

/**
 * The expense workflow on the real database: draft → pending → approved → paid, the journal
 * entries it posts (checked on journal_lines), its charge allocations, every illegal transition,
 * the threshold rule, immutability and credit notes. Building: see expenses.test-fixture.ts
 * (A1 500 shares An; B1 300 Bert 1/2 + Chloé 1/2; C1 200 Dirk usufruct, Eva bare; total 1 000).
 */
const h = await registerHarness();
const { api } = h;
const sql = h.t.deps.sql;
h.t.clock.set(new Date('2024-06-01T10:00:00Z'), { frozen: true });
const s = await smallBuilding(api);
const E = `/buildings/${s.buildingId}/expenses`;
const supplier = await ok(api.post('/suppliers', { name: 'Net & Propre SRL', vatNumber: 'BE0850123440', iban: 'BE68539007547034' }));

let seq = 0;
const invoice = (over: Record<string, unknown> = {}) => ({
  supplierId: supplier.id, invoiceNumber: `F-${++seq}`, invoiceDate: '2024-03-15', dueDate: '2024-04-14',
  chargeKind: 'ordinary', chargeAccount: '6105',
  lines: [{ description: 'Nettoyage des communs, mars', workKind: 'cleaning', netCents: 50_000, vatRateBp: 2100 }], ...over,
});
const journalLines = (entryId: string) => sql`select e.journal, l.account, l.debit_cents as debit, l.credit_cents as credit,
    l.supplier_id as "supplierId" from journal_lines l join journal_entries e on e.id = l.entry_id
  where l.entry_id = ${entryId} order by l.line_no`;

describe('expense workflow', () => {
  it('enters, submits, approves (ACH + distribution) and pays (FIN) an invoice', async () => {
    // E1 of the rules doc: 500.00 net at 21 % → VAT 105.00, gross 605.00.
    const draft = await ok(api.post(E, invoice()));
    expect(draft).toMatchObject({ state: 'draft', paymentState: 'unpaid', netCents: 50_000, vatCents: 10_500, grossCents: 60_500 });
    expect((await ok(api.get(`${E}/${draft.id}`), 200)).distribution).toEqual([]); // no distribution before approval
    expect((await ok(api.post(`${E}/${draft.id}/submit`), 200)).state).toBe('pending_approval');
    const approved = await ok(api.post(`${E}/${draft.id}/approve`), 200);
    expect(approved).toMatchObject({ state: 'approved', decidedBy: expect.any(String) });

    expect(await journalLines(approved.approvalEntryId)).toEqual([
      { journal: 'ACH', account: '6105', debit: 60_500, credit: 0, supplierId: null },
      { journal: 'ACH', account: '440', debit: 0, credit: 60_500, supplierId: supplier.id },
    ]);
    // 605.00 by shares: A1 500/1000 = 302.50; B1 300/1000 = 181.50 → 90.75 + 90.75; C1 200/1000 = 121.00 → Dirk (usufruct, ordinary).
    const detail = await ok(api.get(`${E}/${draft.id}`), 200);
    expect(detail.distribution.map((d: { lotNumber: string; personName: string; cents: number }) => [d.lotNumber, d.personName, d.cents])).toEqual([
      ['A1', 'An Janssens', 30_250], ['B1', 'Bert Claes', 9075], ['B1', 'Chloé Dupont', 9075], ['C1', 'Dirk Peeters', 12_100]]);
    expect(detail.distribution[0]).toMatchObject({ account: '6105', chargeDate: '2024-03-15' });
    expect(detail.lines).toEqual([{ position: 1, description: 'Nettoyage des communs, mars', workKind: 'cleaning', netCents: 50_000,
      vatRateBp: 2100, vatCents: 10_500, grossCents: 60_500 }]);

    const paid = await ok(api.post(`${E}/${draft.id}/pay`, { paidOn: '2024-04-10' }), 200);
    expect(paid).toMatchObject({ paymentState: 'paid', paidOn: '2024-04-10' });
    expect(await journalLines(paid.paymentEntryId)).toEqual([
      { journal: 'FIN', account: '440', debit: 60_500, credit: 0, supplierId: supplier.id },
      { journal: 'FIN', account: '551', debit: 0, credit: 60_500, supplierId: null },
    ]);
    const [bal] = await sql<{ n: number }[]>`select sum(credit_cents - debit_cents)::bigint as n from journal_lines
      where organization_id = ${h.orgId} and account = '440' and supplier_id = ${supplier.id}`;
    expect(bal!.n).toBe(0); // the supplier is settled
    const actions = await sql<{ action: string }[]>`select action from audit_log where entity_id = ${draft.id} order by id`;
    expect(actions.map((a) => a.action)).toEqual(['expense.created', 'expense.submitted', 'expense.approved', 'expense.paid']);
  });

  it('distributes an extraordinary charge on a specific key to the bare owner', async () => {
    // Key B1 + C1 (300 + 200), 1 000.00 gross (826.45 + 21 % = 173.5545 → 173.55; 826.45 + 173.55 = 1 000.00):
    // B1 300/500 = 600.00 → 300.00 + 300.00; C1 200/500 = 400.00 → Eva (bare owner pays extraordinary charges).
    const key = await ok(api.post(`/buildings/${s.buildingId}/distribution-keys`, { name: 'Ascenseur', kind: 'lots', lots: [{ lotId: s.lots.b }, { lotId: s.lots.c }] }));
    const e = await ok(api.post(E, invoice({ distributionKeyId: key.id, chargeKind: 'extraordinary', chargeAccount: '611',
      lines: [{ description: 'Réparation ascenseur', workKind: 'repair', netCents: 82_645, vatRateBp: 2100 }] })));
    expect(e.grossCents).toBe(100_000);
    await ok(api.post(`${E}/${e.id}/submit`), 200);
    await ok(api.post(`${E}/${e.id}/approve`), 200);
    const d = (await ok(api.get(`${E}/${e.id}`), 200)).distribution;
    expect(d.map((x: { personName: string; cents: number }) => [x.personName, x.cents])).toEqual([['Bert Claes', 30_000], ['Chloé Dupont', 30_000], ['Eva Maes', 40_000]]);
  });

  it('answers 409 expense.illegal_transition, naming from and to, for every illegal move', async () => {
    const expectIllegal = async (path: string, body: unknown, from: string, to: string) => {
      const res = await api.post(path, body);
      expect(res.statusCode, `${path} ${from}→${to}`).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'expense.illegal_transition', details: { from, to } });
    };
    const reject = { reason: 'Doublon' };
    const pay = { paidOn: '2024-05-01' };
    const draft = await ok(api.post(E, invoice()));
    const D = `${E}/${draft.id}`;
    await expectIllegal(`${D}/approve`, {}, 'draft', 'approved');
    await expectIllegal(`${D}/reject`, reject, 'draft', 'rejected');
    await expectIllegal(`${D}/pay`, pay, 'draft', 'paid');
    await ok(api.post(`${D}/submit`), 200);
    await expectIllegal(`${D}/submit`, {}, 'pending_approval', 'pending_approval');
    await expectIllegal(`${D}/pay`, pay, 'pending_approval', 'paid');
    const edit = await api.patch(D, { invoiceNumber: 'X' });
    expect([edit.statusCode, edit.json().error.code]).toEqual([409, 'expense.immutable']);
    await ok(api.post(`${D}/approve`), 200);
    await expectIllegal(`${D}/submit`, {}, 'approved', 'pending_approval');
    await expectIllegal(`${D}/approve`, {}, 'approved', 'approved');
    await expectIllegal(`${D}/reject`, reject, 'approved', 'rejected');
    await ok(api.post(`${D}/pay`, pay), 200);
    await expectIllegal(`${D}/pay`, pay, 'paid', 'paid');

    const rejected = await ok(api.post(E, invoice()));
    const R = `${E}/${rejected.id}`;
    await ok(api.post(`${R}/submit`), 200);
    expect((await api.post(`${R}/reject`, { reason: '' })).statusCode).toBe(400); // a reason is required
    expect(await ok(api.post(`${R}/reject`, reject), 200)).toMatchObject({ state: 'rejected', rejectionReason: 'Doublon' });
    await expectIllegal(`${R}/submit`, {}, 'rejected', 'pending_approval');
    await expectIllegal(`${R}/approve`, {}, 'rejected', 'approved');
    await expectIllegal(`${R}/reject`, reject, 'rejected', 'rejected');
    await expectIllegal(`${R}/pay`, pay, 'rejected', 'paid');
    // a rejected invoice frees its number
    await ok(api.post(E, invoice({ invoiceNumber: rejected.invoiceNumber })));
  });

  it('needs a council member other than the creator above the threshold', async () => {
    // 5 000.00 net + 21 % = 6 050.00 > the default threshold of 5 000.00.
    const creator = await h.actor([{ role: 'syndic' }, { role: 'council_member' }]);
    const syndic = await h.actor([{ role: 'syndic' }]);
    const accountant = await h.actor([{ role: 'accountant' }]);
    const council = await h.actor([{ role: 'council_member', buildingId: s.buildingId }]);
    const big = await ok(creator.post(E, invoice({ lines: [{ description: 'Peinture cage d\'escalier', workKind: 'maintenance', netCents: 500_000, vatRateBp: 2100 }] })));
    expect(big.grossCents).toBe(605_000);
    await ok(creator.post(`${E}/${big.id}/submit`), 200);
    const self = await creator.post(`${E}/${big.id}/approve`);
    expect([self.statusCode, self.json().error.code]).toEqual([422, 'expense.self_approval']);
    const notCouncil = await syndic.post(`${E}/${big.id}/approve`);
    expect([notCouncil.statusCode, notCouncil.json().error.code]).toEqual([422, 'expense.council_approval_required']);
    expect((await accountant.post(`${E}/${big.id}/approve`)).statusCode).toBe(403);
    expect(await ok(council.post(`${E}/${big.id}/approve`), 200)).toMatchObject({ state: 'approved' });

    // At or below the threshold the creator may approve: 4 132.23 + 21 % = 867.7683 → 867.77 → 5 000.00 exactly.
    const small = await ok(creator.post(E, invoice({ lines: [{ description: 'Entretien', workKind: 'maintenance', netCents: 413_223, vatRateBp: 2100 }] })));
    expect(small.grossCents).toBe(500_000);
    await ok(creator.post(`${E}/${small.id}/submit`), 200);
    await ok(creator.post(`${E}/${small.id}/approve`), 200);
  });

  it('keeps approved amounts immutable, in the database too', async () => {
    const e = await ok(api.post(E, invoice()));
    await ok(api.post(`${E}/${e.id}/submit`), 200);
    await ok(api.post(`${E}/${e.id}/approve`), 200);
    const attempts = [
      sql`update expenses set gross_cents = 1, net_cents = 1, vat_cents = 0 where id = ${e.id}`,
      sql`update expenses set charge_account = '6100' where id = ${e.id}`,
      sql`update expense_lines set net_cents = 1 where expense_id = ${e.id}`,
      sql`insert into expense_lines (organization_id, expense_id, position, description, work_kind, net_cents, vat_rate_bp, vat_cents, gross_cents)
        values (${h.orgId}, ${e.id}, 2, 'extra', 'other', 100, 0, 0, 100)`,
      sql`delete from expenses where id = ${e.id}`,
      sql`update charge_allocations set cents = 0 where expense_id = ${e.id}`,
      sql`update expenses set state = 'draft' where id = ${e.id}`,
    ];
    for (const q of attempts) await expect(q).rejects.toMatchObject({ code: 'P0001', message: expect.stringMatching(/immutable|illegal_transition/) });
    expect((await ok(api.get(`${E}/${e.id}`), 200))).toMatchObject({ grossCents: 60_500, state: 'approved' });
  });

  it('corrects an approved invoice with a credit note through the same workflow', async () => {
    const e = await ok(api.post(E, invoice()));
    await ok(api.post(`${E}/${e.id}/submit`), 200);
    await ok(api.post(`${E}/${e.id}/approve`), 200);
    // −100.00 net at 21 % → VAT −21.00, gross −121.00.
    const cn = await ok(api.post(`${E}/${e.id}/credit-notes`, { invoiceNumber: 'NC-1', invoiceDate: '2024-04-02', dueDate: '2024-04-02',
      lines: [{ description: 'Passage non effectué', workKind: 'cleaning', netCents: -10_000, vatRateBp: 2100 }] }));
    expect(cn).toMatchObject({ state: 'draft', creditNoteOf: e.id, netCents: -10_000, vatCents: -2100, grossCents: -12_100,
      chargeAccount: '6105', supplierId: supplier.id });
    await ok(api.post(`${E}/${cn.id}/submit`), 200);
    const approved = await ok(api.post(`${E}/${cn.id}/approve`), 200);
    expect(await journalLines(approved.approvalEntryId)).toEqual([
      { journal: 'ACH', account: '6105', debit: 0, credit: 12_100, supplierId: null },
      { journal: 'ACH', account: '440', debit: 12_100, credit: 0, supplierId: supplier.id },
    ]);
    // −121.00 by shares: A1 −60.50; B1 −36.30 → −18.15 each; C1 −24.20 (Dirk).
    const d = (await ok(api.get(`${E}/${cn.id}`), 200)).distribution;
    expect(d.map((x: { cents: number; chargeDate: string }) => [x.cents, x.chargeDate])).toEqual([[-6050, '2024-04-02'], [-1815, '2024-04-02'], [-1815, '2024-04-02'], [-2420, '2024-04-02']]);

    // Credits may not exceed the invoice: 121.00 + 605.00 > 605.00.
    const over = await api.post(`${E}/${e.id}/credit-notes`, { invoiceNumber: 'NC-2', invoiceDate: '2024-04-03', dueDate: '2024-04-03',
      lines: [{ description: 'Tout', workKind: 'cleaning', netCents: -50_000, vatRateBp: 2100 }] });
    expect([over.statusCode, over.json().error.code]).toEqual([422, 'expense.credit_exceeds_original']);
    const positive = await api.post(`${E}/${e.id}/credit-notes`, { invoiceNumber: 'NC-3', invoiceDate: '2024-04-03', dueDate: '2024-04-03',
      lines: [{ description: 'Positif', workKind: 'cleaning', netCents: 100, vatRateBp: 2100 }] });
    expect(positive.json().error).toMatchObject({ code: 'expense_line.amount_invalid', details: { field: 'lines.0.netCents' } });
    const ofDraft = await api.post(`${E}/${(await ok(api.post(E, invoice()))).id}/credit-notes`, { invoiceNumber: 'NC-4',
      invoiceDate: '2024-04-03', dueDate: '2024-04-03', lines: [{ description: 'x', workKind: 'cleaning', netCents: -100, vatRateBp: 2100 }] });
    expect([ofDraft.statusCode, ofDraft.json().error.code]).toEqual([422, 'expense.credit_note_needs_approved']);
  });
});
