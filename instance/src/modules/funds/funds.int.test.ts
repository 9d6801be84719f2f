import { describe, expect, it } from 'vitest';
import { registerHarness, UNKNOWN_ID } from '../../../test/support/register.ts';
import { postEntry } from '../accounting/posting.ts';
import { CURRENT_IBAN, moneyBuilding, RESERVE_IBAN } from '../calls/calls.fixture.ts';

/**
 * Fund settings (R24), budgets and the reserve-fund minimum (R23) through HTTP on PostgreSQL.
 */
const h = await registerHarness();
const { t, api } = h;
const sql = t.deps.sql;
t.clock.set(new Date('2026-02-10T09:00:00Z'), { frozen: true });
const b = await moneyBuilding(api, { ibans: false });
const settings = `/buildings/${b.buildingId}/fund-settings`;
const budgets = `/buildings/${b.buildingId}/budgets`;

describe('fund settings (R24)', () => {
  it('stores both IBANs normalised, and refuses an invalid or shared one', async () => {
    const bad = await api.patch(settings, { currentAccountIban: 'BE68 5390 0754 7035' });
    expect([bad.statusCode, bad.json().error.code, bad.json().error.details.field]).toEqual([422, 'iban.invalid', 'currentAccountIban']);
    const same = await api.patch(settings, { currentAccountIban: CURRENT_IBAN, reserveAccountIban: 'be68 5390 0754 7034' });
    expect([same.statusCode, same.json().error.code, same.json().error.details.field]).toEqual([422, 'funds.accounts_not_distinct', 'reserveAccountIban']);
    const ok = await api.patch(settings, { currentAccountIban: 'BE68 5390 0754 7034', reserveAccountIban: RESERVE_IBAN, provisionalAcceptanceDate: '2015-06-30' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ buildingId: b.buildingId, currentAccountIban: CURRENT_IBAN, reserveAccountIban: RESERVE_IBAN,
      provisionalAcceptanceDate: '2015-06-30' });
    expect((await api.get(settings)).json()).toEqual(ok.json());
    // The database holds the rule too.
    await expect(sql`update buildings set reserve_account_iban = ${CURRENT_IBAN} where id = ${b.buildingId}`)
      .rejects.toMatchObject({ constraint_name: 'buildings_fund_accounts_distinct' });
    await expect(sql`update buildings set reserve_account_iban = 'BE68539007547035' where id = ${b.buildingId}`).rejects.toMatchObject({ code: '23514' });
  });
});

describe('budgets and the reserve-fund minimum (R23)', () => {
  it('flags 1 800 € planned when last year\'s ordinary charges, given as input, were 40 000 €', async () => {
    const res = await api.post(budgets, { fiscalYear: 2026, ordinaryCents: 4_200_000, extraordinaryCents: 0, reserveCents: 180_000,
      previousOrdinaryChargesCents: 4_000_000 });
    expect(res.statusCode).toBe(201);
    // No 2025 fiscal year in the journal → the input counts. 5 % of 4 000 000 = 200 000 > 180 000.
    expect(res.json()).toMatchObject({
      fiscalYear: 2026, startsOn: '2026-01-01', endsOn: '2026-12-31', previousOrdinaryCharges: { cents: 4_000_000, source: 'input' },
      reserveMinimum: { applies: true, reason: 'acceptance_5_years_ago', rateBp: 500, minimumCents: 200_000 }, reserveBelowMinimum: true,
      reserveOptOut: null,
    });
    const fixed = await api.patch(`${budgets}/${res.json().id}`, { reserveCents: 200_000 });
    expect(fixed.json().reserveBelowMinimum).toBe(false);
    const dup = await api.post(budgets, { fiscalYear: 2026, ordinaryCents: 1 });
    expect([dup.statusCode, dup.json().error.code]).toEqual([409, 'budget.already_exists']);
  });

  it('reads last year\'s ordinary charges from the journal, leaving out extraordinary works and the décompte', async () => {
    const actor = { actorUserId: null, requestId: null, at: t.clock.now() };
    const post = (date: string, id: string, lines: { account: string; debitCents: number; creditCents: number; personId?: string }[]) =>
      sql.begin((tx) => postEntry(tx, { organizationId: h.orgId, buildingId: b.buildingId, journal: 'OD', date, description: id,
        source: { type: 'test', id }, lines }, actor));
    await post('2026-12-15', 'cleaning', [{ account: '6105', debitCents: 30_000, creditCents: 0 }, { account: '551', debitCents: 0, creditCents: 30_000 }]);
    await post('2026-12-16', 'power', [{ account: '6121', debitCents: 10_500, creditCents: 0 }, { account: '551', debitCents: 0, creditCents: 10_500 }]);
    await post('2026-12-17', 'roof', [{ account: '611', debitCents: 100_000, creditCents: 0 }, { account: '551', debitCents: 0, creditCents: 100_000 }]);
    await post('2026-12-31', 'decompte', [{ account: '4101', debitCents: 40_500, creditCents: 0, personId: b.persons.dupont },
      { account: '6105', debitCents: 0, creditCents: 30_000 }, { account: '6121', debitCents: 0, creditCents: 10_500 }]);
    await post('2025-06-01', 'older', [{ account: '6105', debitCents: 99_900, creditCents: 0 }, { account: '551', debitCents: 0, creditCents: 99_900 }]);
    // 2026: 6105 300.00 + 6121 105.00 = 405.00 €; 611 (extraordinary) and the entry touching 4101 (décompte) left out;
    // 2025 is another fiscal year. 5 % of 40 500 = 2 025 cents.
    const res = await api.post(budgets, { fiscalYear: 2027, ordinaryCents: 1_000_000, reserveCents: 2_024, previousOrdinaryChargesCents: 1 });
    expect(res.json()).toMatchObject({ previousOrdinaryCharges: { cents: 40_500, source: 'journal' },
      reserveMinimum: { minimumCents: 2_025 }, reserveBelowMinimum: true });
    expect((await api.patch(`${budgets}/${res.json().id}`, { reserveCents: 2_025 })).json().reserveBelowMinimum).toBe(false);
  });

  it('records the assembly decision not to constitute the reserve, audit-logged, once', async () => {
    const { id } = (await api.post(budgets, { fiscalYear: 2028, ordinaryCents: 1_000_000, previousOrdinaryChargesCents: 1_000_000 })).json();
    expect((await api.get(`${budgets}/${id}`)).json().reserveBelowMinimum).toBe(true); // 0 < 50 000
    const future = await api.post(`${budgets}/${id}/reserve-opt-out`, { decisionDate: '2026-02-11', reference: 'AG 2026' });
    expect([future.statusCode, future.json().error.code]).toEqual([422, 'budget.opt_out_decision_in_future']);
    const noRef = await api.post(`${budgets}/${id}/reserve-opt-out`, { decisionDate: '2026-02-01' });
    expect(noRef.statusCode).toBe(400);
    const ok = await api.post(`${budgets}/${id}/reserve-opt-out`, { decisionDate: '2026-02-01', reference: 'AG 2026-02-01, résolution 7 (4/5)' });
    expect(ok.json()).toMatchObject({ reserveBelowMinimum: false, reserveOptOut: { decisionDate: '2026-02-01', reference: 'AG 2026-02-01, résolution 7 (4/5)' } });
    const [row] = await sql`select details from audit_log where action = 'budget.reserve_opt_out' and entity_id = ${id}`;
    expect(row!.details).toMatchObject({ decisionDate: '2026-02-01', reference: 'AG 2026-02-01, résolution 7 (4/5)' });
    const twice = await api.post(`${budgets}/${id}/reserve-opt-out`, { decisionDate: '2026-02-01', reference: 'again' });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'budget.already_opted_out']);
  });

  it('does not apply the minimum to a building younger than 5 years', async () => {
    await api.patch(settings, { provisionalAcceptanceDate: '2023-01-01' });
    const res = await api.post(budgets, { fiscalYear: 2026 + 4, ordinaryCents: 1, previousOrdinaryChargesCents: 4_000_000 });
    // 2023-01-01 + 5 years = 2028-01-01 ≤ 2030-01-01: applies. 2026 (above) would not: its start is before 2028-01-01.
    expect(res.json().reserveMinimum.applies).toBe(true);
    const y2026 = (await api.get(budgets)).json().items.find((x: any) => x.fiscalYear === 2026);
    expect(y2026.reserveMinimum).toMatchObject({ applies: false, reason: 'building_younger_than_5_years' });
    expect(y2026.reserveBelowMinimum).toBe(false);
  });

  it('answers 422 for negative, fractional or absurd amounts, and 404 for unknown or foreign ids', async () => {
    for (const body of [{ ordinaryCents: -1 }, { ordinaryCents: 0.5 }, { ordinaryCents: 1e15 }, { ordinaryCents: 1, reserveCents: -5 }]) {
      const res = await api.post(budgets, { fiscalYear: 2040, ...body });
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(res.json().error.code).toBe('budget.invalid_amount');
      expect(Object.keys(body)).toContain(res.json().error.details.field);
    }
    expect((await api.get(`${budgets}/${UNKNOWN_ID}`)).json().error.code).toBe('budget.not_found');
    const other = await h.otherOrg();
    const theirs = await moneyBuilding(other.api);
    const budget = (await other.api.post(`/buildings/${theirs.buildingId}/budgets`, { fiscalYear: 2026, ordinaryCents: 1 })).json();
    expect((await api.get(`/buildings/${theirs.buildingId}/budgets/${budget.id}`)).statusCode).toBe(404);
    expect((await api.get(`${budgets}/${budget.id}`)).statusCode).toBe(404);
    expect((await api.patch(`/buildings/${theirs.buildingId}/fund-settings`, { provisionalAcceptanceDate: null })).statusCode).toBe(404);
    expect((await other.api.get(`/buildings/${theirs.buildingId}/fund-settings`)).json().provisionalAcceptanceDate).toBeNull();
  });
});
