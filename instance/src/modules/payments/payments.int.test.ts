import { describe, expect, it } from 'vitest';
import { createActor } from '../../../test/support/actors.ts';
import { registerHarness, UNKNOWN_ID } from '../../../test/support/register.ts';
import { moneyBuilding, sentCall } from '../calls/calls.fixture.ts';

/**
 * Owner payments through HTTP on PostgreSQL: idempotency, matching by structured communication or
 * by person and call, partial and over-payments, the compte d'attente and manual allocation.
 * Calls (sent 2026-01-05, due 2026-01-31; split worked out in calls.int.test.ts):
 *   ordinary 1 000.03 €  Dupont 500.01 (+++000/0000/00101+++), Janssens 150.01 (…00202…), Müller 150.00 (…00303…), Smith 200.01 (…00404…)
 *   reserve    275.00 €  A1 137.50, A2 82.50 → 41.25 + 41.25, P1 55.00: Dupont …00505…, Janssens …00606…, Müller …00707…, Smith …00808…
 */
const h = await registerHarness();
const { t, api } = h;
const sql = t.deps.sql;
t.clock.set(new Date('2026-01-05T09:00:00Z'), { frozen: true });
const b = await moneyBuilding(api);
const ordinary = await sentCall(api, b.buildingId, { fund: 'ordinary', periodLabel: '2026 T1', dueDate: '2026-01-31', totalCents: 100_003 });
const reserve = await sentCall(api, b.buildingId, { fund: 'reserve', periodLabel: 'Réserve T1', dueDate: '2026-01-31', totalCents: 27_500 });
t.clock.set(new Date('2026-02-15T09:00:00Z'), { frozen: true }); // the payments below are received up to then
const payments = `/api/v1/orgs/${h.orgId}/buildings/${b.buildingId}/payments`;
// Payments are recorded by the accountant role (payment.write).
const { headers } = await createActor(t.deps, { organizationId: h.orgId, grants: [{ role: 'accountant' }] });
const pay = (body: unknown, key?: string) => t.app.inject({
  method: 'POST', url: payments, payload: body as object, headers: { ...headers, ...(key ? { 'idempotency-key': key } : {}) },
});
const ownerCall = (call: any, personId: string) => call.owners.find((o: any) => o.personId === personId);
const lines = (entryId: string) => sql<{ account: string; debit: number; credit: number; personId: string | null }[]>`
  select account, debit_cents as debit, credit_cents as credit, person_id as "personId" from journal_lines where entry_id = ${entryId} order by line_no`;

describe('recording owner payments', () => {
  it('matches an exact payment by its structured communication and posts 551 / 4101 (E5)', async () => {
    expect(ordinary.owners.map((o: any) => o.structuredCommunication)).toEqual(
      ['+++000/0000/00101+++', '+++000/0000/00202+++', '+++000/0000/00303+++', '+++000/0000/00404+++']);
    const res = await pay({ amountCents: 50_001, date: '2026-01-20', structuredCommunication: '***000/0000/00101***' }, 'dupont-1');
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({ status: 'matched', personId: b.persons.dupont, account: 'current', creditCents: 0, source: 'manual',
      structuredCommunication: '+++000/0000/00101+++', allocations: [{ ownerCallId: ownerCall(ordinary, b.persons.dupont).id, callId: ordinary.id, cents: 50_001 }] });
    expect(await lines(p.entryId)).toEqual([
      { account: '551', debit: 50_001, credit: 0, personId: null }, { account: '4101', debit: 0, credit: 50_001, personId: b.persons.dupont }]);
  });

  it('records once per Idempotency-Key: same key → the first answer; another body → 409', async () => {
    const body = { amountCents: 50_001, date: '2026-01-20', structuredCommunication: '***000/0000/00101***' };
    const first = (await api.get(`/buildings/${b.buildingId}/payments?limit=200`)).json().total;
    const again = await pay(body, 'dupont-1');
    expect(again.statusCode).toBe(201);
    const all = (await api.get(`/buildings/${b.buildingId}/payments?limit=200`)).json();
    expect(all.total).toBe(first);
    expect(again.json()).toEqual(all.items.find((x: any) => x.id === again.json().id));
    const other = await pay({ ...body, amountCents: 50_000 }, 'dupont-1');
    expect([other.statusCode, other.json().error.code]).toEqual([409, 'payment.idempotency_conflict']);
  });

  it('records once when the same key arrives five times at once', async () => {
    const body = { amountCents: 13_750, date: '2026-01-21', structuredCommunication: '+++000/0000/00505+++' };
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => pay(body, 'dupont-reserve')));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    const p = answers[0]!.json();
    const [n] = await sql`select count(*)::int as n from payments where building_id = ${b.buildingId} and communication = '000000000505'`;
    expect(n!.n).toBe(1);
    // E6: the reserve fund is paid on the savings account: 550 / 4100.
    expect((await lines(p.entryId)).map((l) => [l.account, l.debit, l.credit])).toEqual([['550', 13_750, 0], ['4100', 0, 13_750]]);
  });

  it('leaves a partial payment\'s owner call partly open, and turns an over-payment\'s excess into a credit', async () => {
    // Janssens pays 100.00 of 150.01, designated by person and call: 50.01 stay open.
    const partial = await pay({ amountCents: 10_000, date: '2026-01-25', personId: b.persons.janssens, callId: ordinary.id }, 'janssens-1');
    expect(partial.json()).toMatchObject({ status: 'matched', creditCents: 0, allocations: [{ cents: 10_000 }] });
    // Smith pays 250.00 for 200.01: 200.01 settle the call, 49.99 are a credit on the owner's account.
    const over = await pay({ amountCents: 25_000, date: '2026-01-28', structuredCommunication: '+++000/0000/00404+++' }, 'smith-1');
    expect(over.json()).toMatchObject({ status: 'matched', creditCents: 4_999, allocations: [{ cents: 20_001 }] });
    expect((await lines(over.json().entryId)).map((l) => [l.account, l.debit, l.credit])).toEqual([['551', 25_000, 0], ['4101', 0, 25_000]]);
    const call = (await api.get(`/buildings/${b.buildingId}/calls/${ordinary.id}`)).json();
    expect(ownerCall(call, b.persons.janssens)).toMatchObject({ paidCents: 10_000, openCents: 5_001 });
    expect(ownerCall(call, b.persons.smith)).toMatchObject({ paidCents: 20_001, openCents: 0 });
    // Smith's accounts: 4101 = 20 001 called − 25 000 paid = −4 999 (the credit); 4100 = 5 500 called, still open.
    const balances = await sql`select account, sum(debit_cents - credit_cents)::bigint as b from journal_lines
      where person_id = ${b.persons.smith} group by account order by account`;
    expect(balances).toEqual([{ account: '4100', b: 5_500 }, { account: '4101', b: -4_999 }]);
  });

  it('keeps a payment with an unknown communication on 4990, then allocates it by hand (OD), once', async () => {
    // Base 0000000999: 999 mod 97 = 29 → a valid communication that no call carries.
    const res = await pay({ amountCents: 15_000, date: '2026-02-02', structuredCommunication: '+++000/0000/99929+++' }, 'unknown-1');
    const p = res.json();
    expect(p).toMatchObject({ status: 'unmatched', personId: null, allocations: [], creditCents: 0 });
    expect((await lines(p.entryId)).map((l) => [l.account, l.debit, l.credit])).toEqual([['551', 15_000, 0], ['4990', 0, 15_000]]);
    expect((await api.get(`/buildings/${b.buildingId}/payments?status=unmatched`)).json().items.map((x: any) => x.id)).toEqual([p.id]);
    const alloc = await api.post(`/buildings/${b.buildingId}/payments/${p.id}/allocate`, { personId: b.persons.muller, callId: ordinary.id });
    expect(alloc.statusCode).toBe(200);
    expect(alloc.json()).toMatchObject({ status: 'matched', personId: b.persons.muller, creditCents: 0, allocations: [{ cents: 15_000 }] });
    expect((await lines(alloc.json().allocationEntryId)).map((l) => [l.account, l.debit, l.credit, l.personId])).toEqual([
      ['4990', 15_000, 0, null], ['4101', 0, 15_000, b.persons.muller]]);
    const [e] = await sql`select journal, entry_date::text as d from journal_entries where id = ${alloc.json().allocationEntryId}`;
    // Dated the day of the allocation (the clock: 2026-02-15), not the payment's 2026-02-02: its year may be closed by then.
    expect(e).toEqual({ journal: 'OD', d: '2026-02-15' });
    const twice = await api.post(`/buildings/${b.buildingId}/payments/${p.id}/allocate`, { personId: b.persons.muller, callId: ordinary.id });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'payment.already_matched']);
  });

  it('defaults a reserve-fund payment to the savings account', async () => {
    const res = await pay({ amountCents: 4_125, date: '2026-01-30', structuredCommunication: '+++000/0000/00707+++' }, 'muller-reserve');
    expect(res.json()).toMatchObject({ account: 'reserve', allocations: [{ ownerCallId: ownerCall(reserve, b.persons.muller).id, cents: 4_125 }] });
  });
});

describe('bad payment requests', () => {
  it('answers 422 for a missing key, bad amounts, an invalid communication or half a designation', async () => {
    const ok = { amountCents: 100, date: '2026-01-20', personId: b.persons.dupont, callId: ordinary.id };
    const cases: Array<[unknown, string | undefined, string, string]> = [
      [ok, undefined, 'payment.idempotency_key_required', 'idempotency-key'],
      [{ ...ok, amountCents: -5 }, 'bad-1', 'payment.invalid_amount', 'amountCents'],
      [{ ...ok, amountCents: 0 }, 'bad-2', 'payment.invalid_amount', 'amountCents'],
      [{ ...ok, amountCents: 1.5 }, 'bad-3', 'payment.invalid_amount', 'amountCents'],
      [{ ...ok, amountCents: 1e12 }, 'bad-4', 'payment.invalid_amount', 'amountCents'],
      [{ ...ok, date: '2026-02-16' }, 'bad-9', 'payment.date_in_future', 'date'], // today is 2026-02-15 on the test clock
      [{ amountCents: 100, date: '2026-01-20', structuredCommunication: '+++000/0000/00102+++' }, 'bad-5', 'payment.invalid_communication', 'structuredCommunication'],
      [{ amountCents: 100, date: '2026-01-20', personId: b.persons.dupont }, 'bad-6', 'payment.person_and_call_required', 'callId'],
    ];
    for (const [body, key, code, field] of cases) {
      const res = await pay(body, key);
      expect(res.statusCode, `${code} ${JSON.stringify(body)}`).toBe(422);
      expect(res.json().error).toMatchObject({ code, details: { field } });
    }
    const draft = (await api.post(`/buildings/${b.buildingId}/calls`, { fund: 'ordinary', periodLabel: 'T2', dueDate: '2026-04-30', totalCents: 100 })).json();
    expect((await pay({ ...ok, callId: draft.id }, 'bad-7')).json().error.code).toBe('call.not_sent');
    const unknown = await pay({ ...ok, callId: UNKNOWN_ID }, 'bad-8');
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'call.not_found']);
    const [n] = await sql`select count(*)::int as n from payment_requests where idempotency_key like 'bad-%'`;
    expect(n!.n).toBe(0);
  });

  it('answers 404 across tenants and changes nothing there', async () => {
    const other = await h.otherOrg();
    const ob = await moneyBuilding(other.api);
    expect((await other.api.post(`/buildings/${b.buildingId}/payments/${UNKNOWN_ID}/allocate`, { personId: b.persons.dupont, callId: ordinary.id }))
      .statusCode).toBe(404);
    const mine = (await api.get(`/buildings/${b.buildingId}/payments?status=matched&limit=1`)).json().items[0];
    expect((await api.get(`/buildings/${ob.buildingId}/payments/${mine.id}`)).statusCode).toBe(404);
    expect((await other.api.get(`/buildings/${ob.buildingId}/payments/${mine.id}`)).statusCode).toBe(404);
    expect((await api.get(`/buildings/${b.buildingId}/payments/${UNKNOWN_ID}`)).json().error.code).toBe('payment.not_found');
    const [n] = await sql`select count(*)::int as n from payments where building_id = ${ob.buildingId}`;
    expect(n!.n).toBe(0);
  });
});
