import { describe, expect, it } from 'vitest';
import { writeCoda, type CodaWriterStatement } from '../src/modules/banking/coda-writer.ts';
import { createActor, createOrganization } from './support/actors.ts';
import { isValidStructuredCommunication, syndicClient } from './support/syndic-client.ts';
import { createTestApp } from './support/test-app.ts';

/**
 * The whole money flow of one owners' association, through HTTP on PostgreSQL, as its syndic
 * drives it in 2025: invoice → approval → payment → call for funds → owner payments in a CODA
 * file → year-end closing; then the reports against the journal. Every figure below is worked
 * out by hand, in cents (belgian-rules.md §4.2, §5.2 E1–E3, E5, E9a/E9b, §8).
 *
 * The building, 1 000 shares, register complete since 2020-01-01:
 *
 *   lot  shares  holders
 *   A    400     Alice Aerts, full owner 1/1
 *   B    300     Bruno Bosmans 1/2 + Carla Claes 1/2, full owners (co-owned)
 *   C    200     Denis Dewit usufruct 1/1, Emma Evers bare owner 1/1
 *   D    100     Frank Fonteyn, full owner 1/1
 *
 * Ordinary charges and provisions are paid by full owners and usufructuaries, never by the bare
 * owner: Emma Evers pays nothing in this flow.
 *
 * Largest remainder (money/allocation.domain.ts): everyone gets floor(amount × weight / Σweights);
 * the cents left go one each to the largest remainders; equal remainders go to the larger weight,
 * then to the smaller key (lot number between lots; the person's sort name "last first" between
 * the holders of a lot).
 *
 * Timeline (the test clock is frozen and moved forward; every request signs a fresh token at the
 * clock's time, since an access token lives 15 minutes):
 *   2025-01-06 building, register, IBANs, supplier, fiscal year 2025
 *   2025-02-12 cleaning invoice of 2025-02-10 entered, submitted, approved   ACH-2025-00001
 *   2025-03-05 invoice paid                                                   FIN-2025-00001
 *   2025-03-15 call "2025 T2" due 2025-04-01 sent                             VEN-2025-00001
 *   2025-04-08 CODA statement n° 4 of 2025-04-07 imported                     FIN-2025-00002…00005
 *   2026-01-15 fiscal year 2025 closed                                        OD-2025-00001, 00002
 */

const CURRENT_IBAN = 'BE68539007547034';
const RESERVE_IBAN = 'BE62510007547061';

const t = await createTestApp();
const sql = t.deps.sql;
const at = (iso: string) => t.clock.set(new Date(iso), { frozen: true });
at('2025-01-06T09:00:00Z');
const org = await createOrganization(t.deps, 'Syndic Exemple SRL');
const syndic = await createActor(t.deps, { organizationId: org.id, grants: [{ role: 'syndic' }] });

const { send, ok, get, post } = syndicClient(t, org.id, syndic);

// ── The building ────────────────────────────────────────────────────────────
const building = await post('/buildings', {
  name: 'Résidence Les Hêtres', address: { street: 'Avenue des Hêtres 12', postalCode: '1180', city: 'Uccle' },
  enterpriseNumber: '0123.456.749', totalShares: 1000, language: 'fr',
}, 201);
const B = `/buildings/${building.id}`;
const lot = async (number: string, shares: number, floor: number) => (await post(`${B}/lots`, { number, kind: 'apartment', floor, shares }, 201)).id as string;
const lots = { A: await lot('A', 400, 3), B: await lot('B', 300, 2), C: await lot('C', 200, 1), D: await lot('D', 100, 0) };
const person = async (firstName: string, lastName: string, language: string) =>
  (await post('/persons', { kind: 'natural', firstName, lastName, language }, 201)).id as string;
const p = {
  alice: await person('Alice', 'Aerts', 'fr'), bruno: await person('Bruno', 'Bosmans', 'nl'), carla: await person('Carla', 'Claes', 'fr'),
  denis: await person('Denis', 'Dewit', 'fr'), emma: await person('Emma', 'Evers', 'nl'), frank: await person('Frank', 'Fonteyn', 'de'),
};
const part = (numerator: number, denominator: number) => ({ numerator, denominator });
const hold = (lotId: string, holdings: unknown[]) => post(`${B}/lots/${lotId}/holdings`, { validFrom: '2020-01-01', holdings }, 201);
await hold(lots.A, [{ personId: p.alice, right: 'full', part: part(1, 1) }]);
await hold(lots.B, [{ personId: p.bruno, right: 'full', part: part(1, 2) }, { personId: p.carla, right: 'full', part: part(1, 2) }]);
await hold(lots.C, [{ personId: p.denis, right: 'usufruct', part: part(1, 1) }, { personId: p.emma, right: 'bare', part: part(1, 1) }]);
await hold(lots.D, [{ personId: p.frank, right: 'full', part: part(1, 1) }]);
await ok(send('PATCH', `${B}/fund-settings`, { currentAccountIban: CURRENT_IBAN, reserveAccountIban: RESERVE_IBAN }));
const supplier = await post('/suppliers', { name: 'Net & Propre SRL', vatNumber: 'BE0850123440', iban: 'BE71096123456769' }, 201);
const fiscalYear = await post(`${B}/fiscal-years`, { startDate: '2025-01-01' }, 201);
const FY = `${B}/fiscal-years/${fiscalYear.id}`;

// ── Shared helpers ──────────────────────────────────────────────────────────
type Line = { account: string; debitCents: number; creditCents: number; personId: string | null; supplierId: string | null; lotId: string | null };
const entry = (id: string) => get(`${B}/journal-entries/${id}`);
const brief = (l: Line) => [l.account, l.debitCents, l.creditCents];
/** The whole 2025 journal through the API (one page: it holds 9 entries). */
async function journal2025(): Promise<{ total: number; items: Array<{ journal: string; number: string; lines: Line[] }> }> {
  return get(`${B}/journal-entries?fiscalYearId=${fiscalYear.id}&limit=200`);
}
/** Σdebit and Σcredit per account, summed from the journal's lines. */
async function journalTotals(): Promise<Map<string, { d: number; c: number }>> {
  const m = new Map<string, { d: number; c: number }>();
  for (const e of (await journal2025()).items) {
    for (const l of e.lines) {
      const x = m.get(l.account) ?? { d: 0, c: 0 };
      m.set(l.account, { d: x.d + l.debitCents, c: x.c + l.creditCents });
    }
  }
  return m;
}
const statement = (personId: string, asOf: string) => get(`${B}/owners/${personId}/statement?asOf=${asOf}`);
const rows = (s: any) => s.items.map((i: any) => [i.date, i.entryNumber, i.account, i.debitCents, i.creditCents, i.balanceCents]);

describe('the money flow of 2025, worked out by hand', () => {
  let expenseId = '';
  let call: any;
  let coda = '';
  let report: any;

  it('1. approves the cleaning invoice (E1): ACH 6105 / 440 and its distribution over the lots and holders', async () => {
    at('2025-02-12T10:00:00Z');
    // E1: 500.00 net + 21 % = 105.00 VAT → 605.00 gross.
    const draft = await post(`${B}/expenses`, {
      supplierId: supplier.id, invoiceNumber: 'NP-2025-014', invoiceDate: '2025-02-10', dueDate: '2025-03-12', chargeKind: 'ordinary',
      chargeAccount: '6105', lines: [{ description: 'Nettoyage des communs, janvier', workKind: 'cleaning', netCents: 50_000, vatRateBp: 2100 }],
    }, 201);
    expect(draft).toMatchObject({ state: 'draft', paymentState: 'unpaid', netCents: 50_000, vatCents: 10_500, grossCents: 60_500 });
    expenseId = draft.id;
    const X = `${B}/expenses/${expenseId}`;
    expect((await get(X)).distribution).toEqual([]); // nothing distributed before approval
    expect((await post(`${X}/submit`)).state).toBe('pending_approval');
    // 605.00 is under the default approval threshold (5 000.00): the syndic approves it himself.
    const approved = await post(`${X}/approve`);
    expect(approved.state).toBe('approved');

    const ach = await entry(approved.approvalEntryId);
    expect(ach).toMatchObject({ journal: 'ACH', number: 'ACH-2025-00001', date: '2025-02-10', fiscalYearId: fiscalYear.id });
    expect(ach.lines.map((l: Line) => [...brief(l), l.supplierId])).toEqual([
      ['6105', 60_500, 0, null],
      ['440', 0, 60_500, supplier.id],
    ]);

    // General key, as of the invoice date: 60 500 × 400/1000 = 24 200, × 300/1000 = 18 150, × 200/1000 = 12 100,
    // × 100/1000 = 6 050: all exact, no cent left over. Inside the lots: B 18 150 × 1/2 = 9 075 + 9 075;
    // C 12 100 to the usufructuary (ordinary charge), nothing to the bare owner.
    const { distribution } = await get(X);
    expect(distribution.map((d: any) => [d.lotNumber, d.personName, d.cents, d.account, d.chargeDate])).toEqual([
      ['A', 'Alice Aerts', 24_200, '6105', '2025-02-10'],
      ['B', 'Bruno Bosmans', 9_075, '6105', '2025-02-10'],
      ['B', 'Carla Claes', 9_075, '6105', '2025-02-10'],
      ['C', 'Denis Dewit', 12_100, '6105', '2025-02-10'],
      ['D', 'Frank Fonteyn', 6_050, '6105', '2025-02-10'],
    ]);
    expect(distribution.reduce((s: number, d: any) => s + d.cents, 0)).toBe(60_500);
    expect(distribution.some((d: any) => d.personId === p.emma)).toBe(false);
  });

  it('2. pays the invoice (E2): FIN 440 / 551, the supplier is settled', async () => {
    at('2025-03-05T10:00:00Z');
    const paid = await post(`${B}/expenses/${expenseId}/pay`, { paidOn: '2025-03-05' });
    expect(paid).toMatchObject({ state: 'approved', paymentState: 'paid', paidOn: '2025-03-05' });
    const fin = await entry(paid.paymentEntryId);
    expect(fin).toMatchObject({ journal: 'FIN', number: 'FIN-2025-00001', date: '2025-03-05' });
    expect(fin.lines.map((l: Line) => [...brief(l), l.supplierId])).toEqual([
      ['440', 60_500, 0, supplier.id],
      ['551', 0, 60_500, null],
    ]);
    // Paying twice is refused.
    const again = await send('POST', `${B}/expenses/${expenseId}/pay`, { paidOn: '2025-03-05' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'expense.illegal_transition']);
  });

  it('3. sends the quarterly call for provisions (E3): exact shares, valid unique communications, VEN 4101 / 701, once', async () => {
    at('2025-03-15T10:00:00Z');
    // A yearly budget of 4 000.60 → 1 000.15 for the quarter.
    const draft = await post(`${B}/calls`, { fund: 'ordinary', periodLabel: '2025 T2', dueDate: '2025-04-01', totalCents: 100_015 }, 201);
    expect(draft).toMatchObject({ status: 'draft', chargeKind: 'ordinary', owners: [], entryId: null });
    call = await post(`${B}/calls/${draft.id}/send`);
    expect(call).toMatchObject({ status: 'sent', sentOn: '2025-03-15', totalCents: 100_015 });

    // Lots (general key): 100 015 × 400/1000 = 40 006.0; × 300/1000 = 30 004.5; × 200/1000 = 20 003.0; × 100/1000 = 10 001.5.
    // Floors 40 006 + 30 004 + 20 003 + 10 001 = 100 014: 1 cent left. B and D tie on the remainder (.5): the larger weight
    // wins, B (300 > 100) → A 40 006, B 30 005, C 20 003, D 10 001.
    // Inside B: 30 005 × 1/2 = 15 002.5 each, a tie on equal parts: the smaller sort name wins, "bosmans bruno" < "claes carla"
    // → Bruno 15 003, Carla 15 002. C: Denis (usufruct) 20 003. Σ 40 006 + 15 003 + 15 002 + 20 003 + 10 001 = 100 015.
    // Communications: the building's counter 1…5 in distribution order; base 000000000n, n mod 97 = n → check digits 0n.
    expect(call.owners.map((o: any) => [o.personName, o.amountCents, o.openCents, o.structuredCommunication, o.lots.map((l: any) => [l.lotNumber, l.cents])]))
      .toEqual([
        ['Alice Aerts', 40_006, 40_006, '+++000/0000/00101+++', [['A', 40_006]]],
        ['Bruno Bosmans', 15_003, 15_003, '+++000/0000/00202+++', [['B', 15_003]]],
        ['Carla Claes', 15_002, 15_002, '+++000/0000/00303+++', [['B', 15_002]]],
        ['Denis Dewit', 20_003, 20_003, '+++000/0000/00404+++', [['C', 20_003]]],
        ['Frank Fonteyn', 10_001, 10_001, '+++000/0000/00505+++', [['D', 10_001]]],
      ]);
    expect(call.owners.reduce((s: number, o: any) => s + o.amountCents, 0)).toBe(100_015);
    const communications = call.owners.map((o: any) => o.structuredCommunication as string);
    expect(communications.every(isValidStructuredCommunication)).toBe(true);
    expect(new Set(communications).size).toBe(5);

    // E3: 4101 per owner and lot (debit) / 701 the total (credit), dated the day it is sent.
    const ven = await entry(call.entryId);
    expect(ven).toMatchObject({ journal: 'VEN', number: 'VEN-2025-00001', date: '2025-03-15' });
    expect(ven.lines.map((l: Line) => [...brief(l), l.personId, l.lotId])).toEqual([
      ['4101', 40_006, 0, p.alice, lots.A],
      ['4101', 15_003, 0, p.bruno, lots.B],
      ['4101', 15_002, 0, p.carla, lots.B],
      ['4101', 20_003, 0, p.denis, lots.C],
      ['4101', 10_001, 0, p.frank, lots.D],
      ['701', 0, 100_015, null, null],
    ]);

    // Sending twice changes nothing: same call, one VEN entry, no new communication.
    expect(await post(`${B}/calls/${draft.id}/send`)).toEqual(call);
    expect((await get(`${B}/journal-entries?journal=VEN`)).total).toBe(1);
    const [counter] = await sql<{ n: number }[]>`select count(*)::int as n from owner_calls where building_id = ${building.id}`;
    expect(counter!.n).toBe(5);
  });

  it('4. imports the owners\' payments from a CODA file: matched, partial, over-payment, unknown; statements and overdue list; once', async () => {
    at('2025-04-08T08:00:00Z');
    // Statement n° 4 of the current account, 2025-04-07. Opening balance −605.00 (the supplier was paid on 03-05, before any
    // owner paid); + 400.06 + 100.00 + 150.00 + 77.77 = 727.83 in → closing balance 122.83.
    const statementOf: CodaWriterStatement = {
      accountIban: CURRENT_IBAN, accountHolderName: 'ACP Residence Les Hetres', date: '2025-04-07', statementNumber: 4,
      openingBalanceCents: -60_500,
      movements: [
        // exact: Alice pays her 400.06 before the due date
        { amountCents: 40_006, date: '2025-03-28', counterpartyName: 'Alice Aerts', structuredCommunication: call.owners[0].structuredCommunication },
        // partial: Bruno pays 100.00 of his 150.03
        { amountCents: 10_000, date: '2025-04-03', counterpartyName: 'Bruno Bosmans', structuredCommunication: call.owners[1].structuredCommunication },
        // over-payment: Frank pays 150.00 for 100.01 → 49.99 credit on his account
        { amountCents: 15_000, date: '2025-04-04', counterpartyName: 'Frank Fonteyn', structuredCommunication: call.owners[4].structuredCommunication },
        // a valid structured communication (base 97 → 0 → check 97) that is nobody's: waits on 4990
        { amountCents: 7_777, date: '2025-04-07', counterpartyName: 'Inconnu', structuredCommunication: '+++000/0000/09797+++' },
      ],
    };
    coda = writeCoda(statementOf);
    const importCoda = () => send('POST', `${B}/bank-statements`, Buffer.from(coda, 'latin1'), { 'content-type': 'text/plain' });
    const res = await importCoda();
    expect(res.statusCode, res.body).toBe(200);
    report = res.json();
    const ownerCall = (personId: string) => call.owners.find((o: any) => o.personId === personId).id;
    const line = (l: any) => [l.sequence, l.detail, l.amountCents, l.structuredCommunication, l.ownerCallId];
    expect(report).toMatchObject({ accountIban: CURRENT_IBAN, account: 'current', statementNumber: '4', date: '2025-04-07', outgoing: [], alreadyImported: [] });
    expect(report.matched.map(line)).toEqual([
      [1, 0, 40_006, '+++000/0000/00101+++', ownerCall(p.alice)],
      [2, 0, 10_000, '+++000/0000/00202+++', ownerCall(p.bruno)],
      [3, 0, 15_000, '+++000/0000/00505+++', ownerCall(p.frank)],
    ]);
    expect(report.unmatched.map(line)).toEqual([[4, 0, 7_777, '+++000/0000/09797+++', null]]);

    // The payments: allocated up to what is open on the owner call, the rest a credit.
    const payment = (i: number, kind: 'matched' | 'unmatched' = 'matched') => get(`${B}/payments/${report[kind][i].paymentId}`);
    const [alice, bruno, frank, unknown] = [await payment(0), await payment(1), await payment(2), await payment(0, 'unmatched')];
    expect([alice, bruno, frank, unknown].map((x) => [x.status, x.source, x.date, x.personId, x.allocations.map((a: any) => a.cents), x.creditCents]))
      .toEqual([
        ['matched', 'coda', '2025-03-28', p.alice, [40_006], 0],
        ['matched', 'coda', '2025-04-03', p.bruno, [10_000], 0],
        ['matched', 'coda', '2025-04-04', p.frank, [10_001], 4_999], // 15 000 − 10 001 = 4 999
        ['unmatched', 'coda', '2025-04-07', null, [], 0],
      ]);
    // E5: 551 / 4101 of the owner for the whole amount (so an over-payment shows as a credit); unknown money on 4990.
    const fin = async (x: any) => { const e = await entry(x.entryId); return [e.number, e.date, e.lines.map((l: Line) => [...brief(l), l.personId])]; };
    expect(await fin(alice)).toEqual(['FIN-2025-00002', '2025-03-28', [['551', 40_006, 0, null], ['4101', 0, 40_006, p.alice]]]);
    expect(await fin(bruno)).toEqual(['FIN-2025-00003', '2025-04-03', [['551', 10_000, 0, null], ['4101', 0, 10_000, p.bruno]]]);
    expect(await fin(frank)).toEqual(['FIN-2025-00004', '2025-04-04', [['551', 15_000, 0, null], ['4101', 0, 15_000, p.frank]]]);
    expect(await fin(unknown)).toEqual(['FIN-2025-00005', '2025-04-07', [['551', 7_777, 0, null], ['4990', 0, 7_777, null]]]);

    // The call: paid and open per owner.
    const paidView = async () => (await get(`${B}/calls/${call.id}`)).owners.map((o: any) => [o.personName, o.paidCents, o.openCents]);
    const expectedPaid = [
      ['Alice Aerts', 40_006, 0],
      ['Bruno Bosmans', 10_000, 5_003], // 15 003 − 10 000
      ['Carla Claes', 0, 15_002],
      ['Denis Dewit', 0, 20_003],
      ['Frank Fonteyn', 10_001, 0],
    ];
    expect(await paidView()).toEqual(expectedPaid);

    // Owner statements as of 2025-04-15, with the running balance (positive: the owner owes).
    expect(rows(await statement(p.alice, '2025-04-15'))).toEqual([
      ['2025-03-15', 'VEN-2025-00001', '4101', 40_006, 0, 40_006],
      ['2025-03-28', 'FIN-2025-00002', '4101', 0, 40_006, 0],
    ]);
    expect(rows(await statement(p.bruno, '2025-04-15'))).toEqual([
      ['2025-03-15', 'VEN-2025-00001', '4101', 15_003, 0, 15_003],
      ['2025-04-03', 'FIN-2025-00003', '4101', 0, 10_000, 5_003],
    ]);
    expect(rows(await statement(p.frank, '2025-04-15'))).toEqual([
      ['2025-03-15', 'VEN-2025-00001', '4101', 10_001, 0, 10_001],
      ['2025-04-04', 'FIN-2025-00004', '4101', 0, 15_000, -4_999], // a credit of 49.99
    ]);
    expect(rows(await statement(p.carla, '2025-04-15'))).toEqual([['2025-03-15', 'VEN-2025-00001', '4101', 15_002, 0, 15_002]]);
    expect(rows(await statement(p.denis, '2025-04-15'))).toEqual([['2025-03-15', 'VEN-2025-00001', '4101', 20_003, 0, 20_003]]);
    expect(await statement(p.emma, '2025-04-15')).toMatchObject({ items: [], balanceCents: 0 });
    // As of a date between two payments: Bruno has not paid yet on 04-02.
    expect((await statement(p.bruno, '2025-04-02')).balanceCents).toBe(15_003);

    // Overdue receivables as of a date (due 2025-04-01; only payments dated up to asOf count).
    const overdue = async (asOf: string) => {
      const o = await get(`${B}/receivables/overdue?asOf=${asOf}`);
      return [o.items.map((i: any) => [i.personName, i.amountCents, i.paidCents, i.openCents, i.daysLate, i.structuredCommunication]), o.totalOpenCents];
    };
    expect(await overdue('2025-04-01')).toEqual([[], 0]); // not late on the due date itself
    // 04-02: Alice paid on 03-28; Bruno (04-03) and Frank (04-04) not yet. 15 003 + 15 002 + 20 003 + 10 001 = 60 009.
    expect(await overdue('2025-04-02')).toEqual([[
      ['Bruno Bosmans', 15_003, 0, 15_003, 1, '+++000/0000/00202+++'],
      ['Carla Claes', 15_002, 0, 15_002, 1, '+++000/0000/00303+++'],
      ['Denis Dewit', 20_003, 0, 20_003, 1, '+++000/0000/00404+++'],
      ['Frank Fonteyn', 10_001, 0, 10_001, 1, '+++000/0000/00505+++'],
    ], 60_009]);
    // 04-15, 14 days late: 5 003 + 15 002 + 20 003 = 40 008.
    expect(await overdue('2025-04-15')).toEqual([[
      ['Bruno Bosmans', 15_003, 10_000, 5_003, 14, '+++000/0000/00202+++'],
      ['Carla Claes', 15_002, 0, 15_002, 14, '+++000/0000/00303+++'],
      ['Denis Dewit', 20_003, 0, 20_003, 14, '+++000/0000/00404+++'],
    ], 40_008]);

    // The same file again changes nothing: every movement reported as already imported, with its first payment.
    const counts = async () => (await sql`select
      (select count(*)::int from payments where building_id = ${building.id}) as payments,
      (select count(*)::int from payment_allocations a join payments x on x.id = a.payment_id where x.building_id = ${building.id}) as allocations,
      (select count(*)::int from journal_entries where building_id = ${building.id}) as entries,
      (select count(*)::int from journal_lines where building_id = ${building.id}) as lines,
      (select count(*)::int from bank_statement_lines where building_id = ${building.id}) as "statementLines"`)[0];
    const before = await counts();
    expect(before).toEqual({ payments: 4, allocations: 3, entries: 7, lines: 18, statementLines: 4 });
    const again = await importCoda();
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ matched: [], unmatched: [], outgoing: [] });
    expect(again.json().alreadyImported.map((l: any) => [l.sequence, l.paymentId]))
      .toEqual([...report.matched, ...report.unmatched].map((l: any) => [l.sequence, l.paymentId]));
    expect(await counts()).toEqual(before);
    expect(await paidView()).toEqual(expectedPaid);
  });

  it('5. closes 2025 (E9a/E9b): the décompte per owner exact to the cent, then the year refuses entries', async () => {
    at('2026-01-15T10:00:00Z');
    // Before the closing the income statement's result is provisions − charges: 100 015 − 60 500 = 39 515.
    const tb0 = await get(`${FY}/trial-balance`);
    expect(tb0.items.map((i: any) => [i.account, i.debitCents, i.creditCents, i.balanceCents])).toEqual([
      ['4101', 100_015, 65_006, 35_009], // called 100 015; paid 40 006 + 10 000 + 15 000 = 65 006
      ['440', 60_500, 60_500, 0],
      ['4990', 0, 7_777, -7_777],
      ['551', 72_783, 60_500, 12_283], // in 40 006 + 10 000 + 15 000 + 7 777 = 72 783; out 60 500
      ['6105', 60_500, 0, 60_500],
      ['701', 0, 100_015, -100_015],
    ]);
    expect(tb0.totals).toEqual({ debitCents: 293_798, creditCents: 293_798, balanceCents: 0 });
    const is0 = await get(`${FY}/income-statement`);
    expect([is0.charges, is0.products, is0.resultCents]).toEqual([
      { items: [{ account: '6105', label: 'Nettoyage et déchets', amountCents: 60_500 }], totalCents: 60_500 },
      { items: [{ account: '701', label: 'Provisions pour charges (appels de fonds)', amountCents: 100_015 }], totalCents: 100_015 },
      39_515,
    ]);
    const bs0 = await get(`${FY}/balance-sheet`);
    // Assets 35 009 − 7 777 + 12 283 = 39 515 = liabilities 0 + result 39 515.
    expect([bs0.asOf, bs0.assets.items.map((i: any) => [i.account, i.amountCents]), bs0.assets.totalCents, bs0.liabilities, bs0.resultCents])
      .toEqual(['2025-12-31', [['4101', 35_009], ['4990', -7_777], ['551', 12_283]], 39_515, { items: [], totalCents: 0 }, 39_515]);

    const closing = await post(`${FY}/close`);
    // Per owner: provisions called (VEN 4101 / 701) − actual ordinary charges (the invoice's distribution):
    //   Alice 40 006 − 24 200 = 15 806   Bruno 15 003 − 9 075 = 5 928   Carla 15 002 − 9 075 = 5 927
    //   Denis 20 003 − 12 100 = 7 903    Frank 10 001 − 6 050 = 3 951   (Emma: nothing called, nothing charged)
    // Totals: 100 015 − 60 500 = 39 515 = 15 806 + 5 928 + 5 927 + 7 903 + 3 951. Positive: owed to the owner.
    expect(closing.owners.map((o: any) => [o.name, o.personId, o.provisionsCents, o.chargesCents, o.balanceCents])).toEqual([
      ['Alice Aerts', p.alice, 40_006, 24_200, 15_806],
      ['Bruno Bosmans', p.bruno, 15_003, 9_075, 5_928],
      ['Carla Claes', p.carla, 15_002, 9_075, 5_927],
      ['Denis Dewit', p.denis, 20_003, 12_100, 7_903],
      ['Frank Fonteyn', p.frank, 10_001, 6_050, 3_951],
    ]);
    expect(closing.totals).toEqual({ provisionsCents: 100_015, chargesCents: 60_500, balanceCents: 39_515 });
    expect(closing.fiscalYear).toMatchObject({ id: fiscalYear.id, label: '2025', status: 'closed', closedAt: '2026-01-15T10:00:00.000Z' });
    expect([closing.provisionsEntry.number, closing.chargesEntry.number]).toEqual(['OD-2025-00001', 'OD-2025-00002']);

    // The owners' lines come in person-id order (planClosing sorts them so).
    const byId = Object.values(p).filter((id) => id !== p.emma).sort();
    const provisions = new Map([[p.alice, 40_006], [p.bruno, 15_003], [p.carla, 15_002], [p.denis, 20_003], [p.frank, 10_001]]);
    const charges = new Map([[p.alice, 24_200], [p.bruno, 9_075], [p.carla, 9_075], [p.denis, 12_100], [p.frank, 6_050]]);
    // E9a: 701 debit 100 015 / 4101 credit each owner's provisions.
    const e9a = await entry(closing.provisionsEntry.id);
    expect([e9a.journal, e9a.date]).toEqual(['OD', '2025-12-31']);
    expect(e9a.lines.map((l: Line) => [...brief(l), l.personId])).toEqual([
      ['701', 100_015, 0, null], ...byId.map((id) => ['4101', 0, provisions.get(id), id])]);
    // E9b: 4101 debit each owner's actual charges / 6105 credit 60 500.
    const e9b = await entry(closing.chargesEntry.id);
    expect([e9b.journal, e9b.date]).toEqual(['OD', '2025-12-31']);
    expect(e9b.lines.map((l: Line) => [...brief(l), l.personId])).toEqual([
      ...byId.map((id) => ['4101', charges.get(id), 0, id]), ['6105', 0, 60_500, null]]);

    // The year is closed: no further entry dated in 2025, and no second closing.
    const late = await send('POST', `${B}/journal-entries`, { date: '2025-12-31', description: 'Frais bancaires oubliés', reference: 'Extrait 12',
      lines: [{ account: '650', debitCents: 250 }, { account: '551', creditCents: 250 }] });
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'fiscal_year.closed']);
    const twice = await send('POST', `${FY}/close`, {});
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'fiscal_year.already_closed']);
    expect((await journal2025()).total).toBe(9); // ACH 1, FIN 5, VEN 1, OD 2: nothing else was written
  });

  it('6. ends with reports that agree with the journal and owner accounts that agree with the sub-ledger', async () => {
    // Per account after the closing (D = Σdebit, C = Σcredit, balance = D − C):
    //   4101  D 100 015 (VEN) + 60 500 (E9b) = 160 515   C 65 006 (FIN) + 100 015 (E9a) = 165 021   −4 506
    //   440   D 60 500 (FIN)                              C 60 500 (ACH)                                   0
    //   4990                                              C 7 777 (unknown payment)                   −7 777
    //   551   D 72 783 (owners)                           C 60 500 (supplier)                         12 283
    //   6105  D 60 500 (ACH)                              C 60 500 (E9b)                                   0
    //   701   D 100 015 (E9a)                             C 100 015 (VEN)                                  0
    //   Σ D = Σ C = 454 313; Σ balances = −4 506 + 0 − 7 777 + 12 283 + 0 + 0 = 0.
    const expected: Array<[string, number, number, number]> = [
      ['4101', 160_515, 165_021, -4_506],
      ['440', 60_500, 60_500, 0],
      ['4990', 0, 7_777, -7_777],
      ['551', 72_783, 60_500, 12_283],
      ['6105', 60_500, 60_500, 0],
      ['701', 100_015, 100_015, 0],
    ];
    const tb = await get(`${FY}/trial-balance`);
    expect(tb.fiscalYear).toMatchObject({ label: '2025', status: 'closed' });
    expect(tb.items.map((i: any) => [i.account, i.debitCents, i.creditCents, i.balanceCents])).toEqual(expected);
    expect(tb.totals).toEqual({ debitCents: 454_313, creditCents: 454_313, balanceCents: 0 });
    // … and each row is the sum of the journal's lines on that account.
    const fromJournal = await journalTotals();
    expect(new Map(tb.items.map((i: any) => [i.account, { d: i.debitCents, c: i.creditCents }]))).toEqual(fromJournal);
    // The bank account's balance is the CODA statement's closing balance: −605.00 + 727.83 = 122.83.
    expect(tb.items.find((i: any) => i.account === '551').balanceCents).toBe(12_283);

    // After the décompte 6105 and 701 are settled: the income statement is empty, its result 0.
    const is = await get(`${FY}/income-statement`);
    expect([is.charges, is.products, is.resultCents]).toEqual([{ items: [], totalCents: 0 }, { items: [], totalCents: 0 }, 0]);
    // Balance sheet (assets at debit − credit, liabilities at credit − debit, zero balances left out):
    // bank 12 283 = owners' net credit 4 506 + unidentified money 7 777 → assets −4 506 − 7 777 + 12 283 = 0.
    const bs = await get(`${FY}/balance-sheet`);
    expect([bs.assets.items.map((i: any) => [i.account, i.amountCents]), bs.assets.totalCents, bs.liabilities, bs.resultCents])
      .toEqual([[['4101', -4_506], ['4990', -7_777], ['551', 12_283]], 0, { items: [], totalCents: 0 }, 0]);
    const kindOf = new Map(tb.items.map((i: any) => [i.account, i.kind]));
    const cls = (a: string) => Number(a[0]);
    const journalSide = (keep: (a: string) => boolean, sign: 1 | -1) => [...fromJournal].filter(([a, x]) => keep(a) && x.d !== x.c)
      .sort(([a], [b]) => (a < b ? -1 : 1)).map(([a, x]) => [a, sign * (x.d - x.c)]);
    expect(bs.assets.items.map((i: any) => [i.account, i.amountCents])).toEqual(journalSide((a) => cls(a) <= 5 && kindOf.get(a) === 'asset', 1));
    expect(bs.liabilities.items.map((i: any) => [i.account, i.amountCents])).toEqual(journalSide((a) => cls(a) <= 5 && kindOf.get(a) !== 'asset', -1));
    expect(bs.assets.totalCents - bs.liabilities.totalCents - bs.resultCents).toBe(0);
    expect(is.resultCents).toBe(bs.resultCents);

    // Owners at the end of 2025 (all on 4101): what was called − paid − provisions cancelled + actual charges.
    //   Alice  40 006 − 40 006 − 40 006 + 24 200 = −15 806  (the décompte refund she is owed)
    //   Bruno  15 003 − 10 000 − 15 003 +  9 075 =    −925  (5 003 still due on the call, 5 928 décompte credit)
    //   Carla  15 002 −      0 − 15 002 +  9 075 =   9 075  (paid nothing: owes her actual charges)
    //   Denis  20 003 −      0 − 20 003 + 12 100 =  12 100
    //   Emma        0                             =       0
    //   Frank  10 001 − 15 000 − 10 001 +  6 050 =  −8 950  (49.99 over-paid + 39.51 décompte)
    //   Σ −15 806 − 925 + 9 075 + 12 100 − 8 950 = −4 506 = the trial balance's 4101.
    const owed = new Map([[p.alice, -15_806], [p.bruno, -925], [p.carla, 9_075], [p.denis, 12_100], [p.emma, 0], [p.frank, -8_950]]);
    // The sub-ledger: each person's lines on 4101 in the journal.
    const subLedger = new Map<string, number>();
    for (const e of (await journal2025()).items) {
      for (const l of e.lines) {
        if (l.personId && l.account.startsWith('410')) subLedger.set(l.personId, (subLedger.get(l.personId) ?? 0) + l.debitCents - l.creditCents);
      }
    }
    let total = 0;
    for (const [personId, cents] of owed) {
      const s = await statement(personId, '2025-12-31');
      expect(s.balanceCents, s.personName).toBe(cents);
      expect(s.balanceCents, s.personName).toBe(subLedger.get(personId) ?? 0);
      // The running balance: each line = the previous one + debit − credit.
      let running = 0;
      for (const i of s.items) {
        running += i.debitCents - i.creditCents;
        expect(i.balanceCents).toBe(running);
      }
      total += s.balanceCents;
    }
    expect(total).toBe(-4_506);
    expect(rows(await statement(p.alice, '2025-12-31'))).toEqual([
      ['2025-03-15', 'VEN-2025-00001', '4101', 40_006, 0, 40_006],
      ['2025-03-28', 'FIN-2025-00002', '4101', 0, 40_006, 0],
      ['2025-12-31', 'OD-2025-00001', '4101', 0, 40_006, -40_006],
      ['2025-12-31', 'OD-2025-00002', '4101', 24_200, 0, -15_806],
    ]);
  });

  it('7. after the close, still attributes the unidentified 2025 payment: the entry is dated in the open year', async () => {
    // The 77.77 of 2025-04-07 sat on 4990 when 2025 closed. On 2026-01-20 the syndic learns it was Bruno's:
    // it settles the 50.03 still open on his call and leaves 27.74 as a credit. 2025 takes no entry, so the
    // reclassification (OD 4990 → 4101 Bruno) is dated the day it is made.
    at('2026-01-20T10:00:00Z');
    const unknownId = report.unmatched[0].paymentId;
    const allocated = await post(`${B}/payments/${unknownId}/allocate`, { personId: p.bruno, callId: call.id });
    expect([allocated.status, allocated.personId, allocated.allocations.map((a: any) => a.cents), allocated.creditCents])
      .toEqual(['matched', p.bruno, [5_003], 2_774]);
    const s = await statement(p.bruno, '2026-01-20');
    // −925 at the end of 2025, then the 77.77 credited: −925 − 7 777 = −8 702.
    expect(s.balanceCents).toBe(-8_702);
    expect(rows(s).at(-1)).toEqual(['2026-01-20', 'OD-2026-00001', '4101', 0, 7_777, -8_702]);
  });
});
