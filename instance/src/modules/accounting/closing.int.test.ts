import { describe, expect, it } from 'vitest';
import { registerHarness } from '../../../test/support/register.ts';
import { insertLedgerBuilding } from './accounting.fixture.ts';
import { ownerBalances, ownerMovements } from './ledger.repo.ts';
import { postEntry, reverseEntry } from './posting.ts';
import type { PostingLine } from './posting.types.ts';

/**
 * Year-end closing with a décompte worked out by hand (rules doc §5.2 E9a/E9b), on the real database
 * and through HTTP. Three owners A, B, C, one lot each; fiscal year 2025.
 */

const h = await registerHarness();
const { api, orgId, t } = h;
const sql = t.deps.sql;
const { buildingId, lots } = await insertLedgerBuilding(sql, orgId, { lots: 3 });
const [A, B, C] = lots.map((l) => l.personId) as [string, string, string];
const at = new Date('2025-12-01T00:00:00Z');
const actor = { actorUserId: null, requestId: 'closing-test', at };
const [sup] = await sql<{ id: string }[]>`insert into suppliers (organization_id, name, created_at, updated_at)
  values (${orgId}, 'Fournisseur', ${at}, ${at}) returning id`;
const supplierId = sup!.id;

const post = (journal: 'VEN' | 'ACH' | 'OD', date: string, source: { type: string; id: string }, lines: PostingLine[]) =>
  sql.begin((tx) => postEntry(tx, { organizationId: orgId, buildingId, journal, date, description: source.id, source, lines }, actor));

/** A call: the owners' debits on `receivable`, the total credited to `credit` (as the calls engineer posts it). */
const call = (id: string, date: string, receivable: '4101' | '4100', credit: '701' | '100' | '160', amounts: Array<[string, number]>) =>
  post('VEN', date, { type: 'call', id }, [
    ...amounts.map(([personId, cents]): PostingLine => ({ account: receivable, debitCents: cents, creditCents: 0, personId })),
    { account: credit, debitCents: 0, creditCents: amounts.reduce((s, [, c]) => s + c, 0) },
  ]);

let n = 0;
/** An approved expense (migration 0004's tables) posted to `account` / 440, with its charge allocations per owner. */
async function expense(kind: 'ordinary' | 'extraordinary', account: string, date: string, allocations: Array<[string, number]>) {
  const gross = allocations.reduce((s, [, c]) => s + c, 0);
  const [x] = await sql<{ id: string }[]>`insert into expenses (organization_id, building_id, supplier_id, invoice_number, invoice_date,
      due_date, charge_kind, charge_account, state, net_cents, vat_cents, gross_cents, created_at, updated_at)
    values (${orgId}, ${buildingId}, ${supplierId}, ${`F-${++n}`}, ${date}, ${date}, ${kind}, ${account}, 'approved', ${gross}, 0, ${gross}, ${at}, ${at})
    returning id`;
  await post('ACH', date, { type: 'expense', id: x!.id }, [
    { account, debitCents: gross, creditCents: 0 }, { account: '440', debitCents: 0, creditCents: gross, supplierId },
  ]);
  for (const [personId, cents] of allocations) {
    const lotId = lots.find((l) => l.personId === personId)!.id;
    await sql`insert into charge_allocations (organization_id, building_id, expense_id, lot_id, person_id, account, cents, charge_date, created_at)
      values (${orgId}, ${buildingId}, ${x!.id}, ${lotId}, ${personId}, ${account}, ${cents}, ${date}, ${at})`;
  }
}

// Provisions (4101 / 701): two quarterly calls A 300.00, B 300.00, C 400.00 → A 600.00, B 600.00, C 800.00
const q1 = await call('q1', '2025-01-15', '4101', '701', [[A, 30_000], [B, 30_000], [C, 40_000]]);
await call('q2', '2025-04-15', '4101', '701', [[A, 30_000], [B, 30_000], [C, 40_000]]);
// A call of 10.00 each, reversed: nets to zero in the provisions
const wrong = await call('q3-wrong', '2025-07-15', '4101', '701', [[A, 1_000], [B, 1_000], [C, 1_000]]);
await sql.begin((tx) => reverseEntry(tx, { organizationId: orgId, buildingId, entryId: wrong.entryId, date: '2025-07-16', reason: 'Doublon' }, actor));
// Not provisions: the reserve fund (4100 / 160) and the initial working capital (4101 / 100)
await call('reserve-1', '2025-01-15', '4100', '160', [[A, 5_000]]);
await call('wc-1', '2025-01-15', '4101', '100', [[A, 10_000]]);
// Ordinary charges: cleaning 605.00 split 201.67 / 201.67 / 201.66; insurance 1 200.00 split 400.00 each
await expense('ordinary', '6105', '2025-03-01', [[A, 20_167], [B, 20_167], [C, 20_166]]);
await expense('ordinary', '6140', '2025-06-01', [[A, 40_000], [B, 40_000], [C, 40_000]]);
// Not in the décompte: extraordinary works, and an ordinary invoice of the next year
await expense('extraordinary', '611', '2025-09-01', [[A, 100_000], [B, 100_000], [C, 100_000]]);
await expense('ordinary', '6105', '2026-01-05', [[A, 1_000], [B, 1_000], [C, 1_000]]);
const fy = q1.fiscalYearId;
const close = () => api.post(`/buildings/${buildingId}/fiscal-years/${fy}/close`, {});

describe('year-end closing', () => {
  it('waits for the end of the year and for earlier years to be closed', async () => {
    t.clock.set(new Date('2025-12-31T12:00:00Z'), { frozen: true });
    expect((await close()).json().error.code).toBe('fiscal_year.not_ended');
    const other = await insertLedgerBuilding(sql, orgId, { lots: 1, name: 'Earlier open' });
    const y24 = (await api.post(`/buildings/${other.buildingId}/fiscal-years`, { startDate: '2024-01-01' })).json();
    const y25 = (await api.post(`/buildings/${other.buildingId}/fiscal-years`, { startDate: '2025-01-01' })).json();
    t.clock.set(new Date('2026-01-20T09:00:00Z'), { frozen: true });
    const res = await api.post(`/buildings/${other.buildingId}/fiscal-years/${y25.id}/close`, {});
    expect([res.statusCode, res.json().error.code, res.json().error.details.labels]).toEqual([422, 'fiscal_year.previous_open', ['2024']]);
    expect((await api.post(`/buildings/${other.buildingId}/fiscal-years/${y24.id}/close`, {})).json()).toMatchObject({
      fiscalYear: { status: 'closed' }, provisionsEntry: null, chargesEntry: null, owners: [], totals: { provisionsCents: 0 },
    });
  });

  it('posts the décompte per owner exactly to the cent, then closes the year', async () => {
    t.clock.set(new Date('2026-01-20T09:00:00Z'), { frozen: true });
    const res = await close();
    expect(res.statusCode).toBe(200);
    const r = res.json();
    // A: provisions 600.00, charges 201.67 + 400.00 = 601.67 → −1.67 (A owes 1.67)
    // B: same as A → −1.67
    // C: provisions 800.00, charges 201.66 + 400.00 = 601.66 → +198.34 (owed to C)
    expect(r.owners).toEqual([
      { personId: A, name: 'Owner Lot 001', provisionsCents: 60_000, chargesCents: 60_167, balanceCents: -167 },
      { personId: B, name: 'Owner Lot 002', provisionsCents: 60_000, chargesCents: 60_167, balanceCents: -167 },
      { personId: C, name: 'Owner Lot 003', provisionsCents: 80_000, chargesCents: 60_166, balanceCents: 19_834 },
    ]);
    // totals: 2 000.00 − 1 805.00 = 195.00
    expect(r.totals).toEqual({ provisionsCents: 200_000, chargesCents: 180_500, balanceCents: 19_500 });
    expect(r.fiscalYear).toMatchObject({ status: 'closed', closedAt: '2026-01-20T09:00:00.000Z' });
    expect([r.provisionsEntry.number, r.chargesEntry.number]).toEqual(['OD-2025-00001', 'OD-2025-00002']);

    const lines = async (id: string) => (await api.get(`/buildings/${buildingId}/journal-entries/${id}`)).json().lines
      .map((l: { account: string; debitCents: number; creditCents: number; personId: string | null }) => [l.account, l.debitCents, l.creditCents, l.personId]);
    // E9a: 701 debit 2 000.00 / 4101 credit A 600.00, B 600.00, C 800.00 (owners in person-id order)
    const byPerson = [A, B, C].sort();
    const prov = new Map([[A, 60_000], [B, 60_000], [C, 80_000]]);
    const chg = new Map([[A, 60_167], [B, 60_167], [C, 60_166]]);
    expect(await lines(r.provisionsEntry.id)).toEqual([['701', 200_000, 0, null], ...byPerson.map((p) => ['4101', 0, prov.get(p), p])]);
    // E9b: 4101 debit A 601.67, B 601.67, C 601.66 / 6105 credit 605.00, 6140 credit 1 200.00
    expect(await lines(r.chargesEntry.id)).toEqual([...byPerson.map((p) => ['4101', chg.get(p), 0, p]), ['6105', 0, 60_500, null], ['6140', 0, 120_000, null]]);

    // After the décompte 701, 6105 and 6140 are settled in 2025; the extraordinary 611 (3 000.00) stays.
    const tb = (await api.get(`/buildings/${buildingId}/fiscal-years/${fy}/trial-balance`)).json();
    const bal = (a: string) => tb.items.find((i: { account: string }) => i.account === a)?.balanceCents;
    expect([bal('701'), bal('6105'), bal('6140'), bal('611')]).toEqual([0, 0, 0, 300_000]);
    expect(tb.totals.balanceCents).toBe(0);

    // Owner A's account at the end of 2025: 4101 = 300 + 300 + 100 (working capital) + 10 − 10 − 600 + 601.67 = 701.67; 4100 = 50.00
    const [a] = await ownerBalances(sql, { organizationId: orgId, buildingId, asOf: '2025-12-31', personId: A });
    // debits 300 + 300 + 10 + 50 + 100 + 601.67 = 1 361.67; credits 10 + 600 = 610.00; balance 751.67
    expect(a).toEqual({ personId: A, debitCents: 136_167, creditCents: 61_000, balanceCents: 75_167,
      accounts: [{ account: '4100', balanceCents: 5_000 }, { account: '4101', balanceCents: 70_167 }] });
    const moves = await ownerMovements(sql, { organizationId: orgId, buildingId, personId: A, asOf: '2025-12-31' });
    expect(moves.at(-1)!.runningBalanceCents).toBe(75_167);
    expect(moves.map((m) => m.date)).toEqual([...moves.map((m) => m.date)].sort());
    // As of mid-January, before anything but the first calls: 300 + 50 + 100 = 450.00
    expect((await ownerBalances(sql, { organizationId: orgId, buildingId, asOf: '2025-01-15', personId: A }))[0]!.balanceCents).toBe(45_000);
  });

  it('refuses a second closing and any entry in the closed year', async () => {
    const again = await close();
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'fiscal_year.already_closed']);
    const late = await api.post(`/buildings/${buildingId}/journal-entries`, {
      date: '2025-12-31', description: 'Tardif', reference: 'x', lines: [{ account: '551', debitCents: 1 }, { account: '750', creditCents: 1 }],
    });
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'fiscal_year.closed']);
    // The call's entry is corrected through the call, never reversed by hand (and the year is closed anyway).
    const reversal = await api.post(`/buildings/${buildingId}/journal-entries/${q1.entryId}/reverse`, { date: '2025-12-31', reason: 'x' });
    expect([reversal.statusCode, reversal.json().error.code]).toEqual([409, 'entry.has_business_record']);
  });
});
