import { describe, expect, it } from 'vitest';
import { createBuilding, createLot, createPerson, registerHarness, UNKNOWN_ID } from '../../../test/support/register.ts';
import { insertLedgerBuilding } from '../accounting/accounting.fixture.ts';
import { CURRENT_IBAN, moneyBuilding, RESERVE_IBAN, sentCall } from './calls.fixture.ts';

/**
 * Calls for funds through HTTP on PostgreSQL: the split over owners exact to the cent, one
 * structured communication per owner call, the VEN entry, idempotent sending, bad input.
 * The building (calls.fixture.ts): A1 500 shares Dupont; A2 300 Janssens ½ + Müller ½; P1 200 Smith.
 */
const h = await registerHarness();
const { t, api } = h;
const sql = t.deps.sql;
t.clock.set(new Date('2026-01-05T09:00:00Z'), { frozen: true });
const b = await moneyBuilding(api);
const calls = `/buildings/${b.buildingId}/calls`;

const entryLines = (entryId: string) => sql<{ account: string; debit: number; credit: number; personId: string | null; lotId: string | null }[]>`
  select l.account, l.debit_cents as debit, l.credit_cents as credit, l.person_id as "personId", l.lot_id as "lotId"
  from journal_lines l where l.entry_id = ${entryId} order by l.line_no`;

describe('sending a call for funds', () => {
  it('splits 1 000.03 € over the general key exact to the cent, one communication per owner, and posts VEN', async () => {
    const created = await api.post(calls, { fund: 'ordinary', periodLabel: '2026 T1', dueDate: '2026-01-31', totalCents: 100_003 });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ status: 'draft', chargeKind: 'ordinary', owners: [], entryId: null, sentOn: null });
    const res = await api.post(`${calls}/${created.json().id}/send`);
    expect(res.statusCode).toBe(200);
    const call = res.json();
    expect(call).toMatchObject({ status: 'sent', sentOn: '2026-01-05', totalCents: 100_003 });
    // Lots: 100 003 × 500/1000 = 50 001.5, × 300/1000 = 30 000.9, × 200/1000 = 20 000.6 → floors 50 001 + 30 000 + 20 000
    // = 100 001; the 2 cents left go to the largest remainders, A2 (.9) and P1 (.6): A1 50 001, A2 30 001, P1 20 001.
    // A2's 30 001 over ½ + ½ = 15 000.5 each: the tie goes to the smaller sort key, "janssens" < "müller".
    // Communications: the building's counter 1, 2, 3, 4 in distribution order (A1 Dupont, A2 Janssens, A2 Müller, P1 Smith);
    // check digits = base mod 97: 1 → 01, 2 → 02, 3 → 03, 4 → 04.
    expect(call.owners.map((o: any) => [o.personName, o.amountCents, o.openCents, o.structuredCommunication, o.language])).toEqual([
      ['Jean Dupont', 50_001, 50_001, '+++000/0000/00101+++', 'fr'],
      ['Piet Janssens', 15_001, 15_001, '+++000/0000/00202+++', 'nl'],
      ['Anna Müller', 15_000, 15_000, '+++000/0000/00303+++', 'de'],
      ['John Smith', 20_001, 20_001, '+++000/0000/00404+++', 'en'],
    ]);
    expect(call.owners[0].lots).toEqual([{ lotId: b.lots.A1, lotNumber: 'A1', cents: 50_001 }]);
    const [entry] = await sql`select journal, entry_date::text as date, source_type from journal_entries where id = ${call.entryId}`;
    expect(entry).toEqual({ journal: 'VEN', date: '2026-01-05', source_type: 'call' });
    // E3: 4101 per owner and lot (debit), 701 (credit) the total.
    expect(await entryLines(call.entryId)).toEqual([
      { account: '4101', debit: 50_001, credit: 0, personId: b.persons.dupont, lotId: b.lots.A1 },
      { account: '4101', debit: 15_001, credit: 0, personId: b.persons.janssens, lotId: b.lots.A2 },
      { account: '4101', debit: 15_000, credit: 0, personId: b.persons.muller, lotId: b.lots.A2 },
      { account: '4101', debit: 20_001, credit: 0, personId: b.persons.smith, lotId: b.lots.P1 },
      { account: '701', debit: 0, credit: 100_003, personId: null, lotId: null },
    ]);

    const again = await api.post(`${calls}/${call.id}/send`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(call);
    const [n] = await sql`select count(*)::int as n from journal_entries where source_type = 'call' and source_id = ${call.id}`;
    expect(n!.n).toBe(1);
    const [counter] = await sql`select last_value from structured_communication_counters where building_id = ${b.buildingId}`;
    expect(counter!.last_value).toBe(4);
    const [audits] = await sql`select count(*)::int as n from audit_log where action = 'call.sent' and entity_id = ${call.id}`;
    expect(audits!.n).toBe(1);
  });

  it('sends once when two requests race', async () => {
    const { id } = (await api.post(calls, { fund: 'working_capital', periodLabel: 'FdR initial', dueDate: '2026-02-15', totalCents: 500_000 })).json();
    const [r1, r2] = await Promise.all([api.post(`${calls}/${id}/send`), api.post(`${calls}/${id}/send`)]);
    expect([r1.statusCode, r2.statusCode]).toEqual([200, 200]);
    expect(r1.json()).toEqual(r2.json());
    const [n] = await sql`select count(*)::int as n from journal_entries where source_type = 'call' and source_id = ${id}`;
    expect(n!.n).toBe(1);
    // E7: 5 000 € → A1 250 000, A2 150 000 (75 000 each), P1 100 000; 4101 / 100.
    expect(r1.json().owners.map((o: any) => o.amountCents)).toEqual([250_000, 75_000, 75_000, 100_000]);
    expect((await entryLines(r1.json().entryId)).at(-1)).toMatchObject({ account: '100', credit: 500_000 });
  });

  it('posts a reserve call on 4100 / 160, as extraordinary charges, over a specific key', async () => {
    const [key] = await sql<{ id: string }[]>`insert into distribution_keys (organization_id, building_id, name, kind, created_at, updated_at)
      values (${h.orgId}, ${b.buildingId}, 'Ascenseur', 'lots', now(), now()) returning id`;
    await sql`insert into distribution_key_lots (organization_id, key_id, lot_id, weight)
      values (${h.orgId}, ${key!.id}, ${b.lots.A2}, null), (${h.orgId}, ${key!.id}, ${b.lots.P1}, null)`;
    // 275.00 € over A2 (300) and P1 (200): 16 500 and 11 000; A2 → 8 250 each.
    const call = await sentCall(api, b.buildingId, { fund: 'reserve', periodLabel: 'Réserve T1', dueDate: '2026-01-31', totalCents: 27_500,
      distributionKeyId: key!.id });
    expect(call.chargeKind).toBe('extraordinary');
    expect(call.owners.map((o: any) => [o.personName, o.amountCents])).toEqual([['Piet Janssens', 8_250], ['Anna Müller', 8_250], ['John Smith', 11_000]]);
    expect((await entryLines(call.entryId)).map((l) => [l.account, l.debit, l.credit])).toEqual([
      ['4100', 8_250, 0], ['4100', 8_250, 0], ['4100', 11_000, 0], ['160', 0, 27_500]]);
    const funds = await api.get(`/buildings/${b.buildingId}/funds?asOf=2026-01-05`);
    // Working capital: the 5 000 € call above; reserve: this 275 €.
    expect(funds.json()).toMatchObject({ workingCapital: { account: '100', balanceCents: 500_000 }, reserve: { account: '160', balanceCents: 27_500 } });
  });

  it('lists the calls with filters and keyset pages', async () => {
    const all = (await api.get(`${calls}?status=sent&sort=dueDate`)).json();
    // Sent so far: 2026 T1 (due 01-31, 4 owners), Réserve T1 (01-31, 3 owners over the lift key), FdR initial (02-15, 4 owners).
    expect(all.total).toBe(3);
    expect(all.items.map((c: any) => [c.dueDate, c.ownerCount])).toEqual(expect.arrayContaining([['2026-01-31', 4], ['2026-01-31', 3], ['2026-02-15', 4]]));
    expect(all.items.at(-1).periodLabel).toBe('FdR initial');
    const page1 = (await api.get(`${calls}?status=sent&sort=-dueDate&limit=2`)).json();
    const page2 = (await api.get(`${calls}?status=sent&sort=-dueDate&limit=2&cursor=${page1.nextCursor}`)).json();
    expect([...page1.items, ...page2.items].map((c: any) => c.id).sort()).toEqual(all.items.map((c: any) => c.id).sort());
    expect(page2.nextCursor).toBeNull();
    expect((await api.get(`${calls}?fund=reserve`)).json().items.map((c: any) => c.periodLabel)).toEqual(['Réserve T1']);
  });

  it('gives every owner call of the building its own communication, also in the database', async () => {
    const rows = await sql<{ communication: string }[]>`select communication from owner_calls where building_id = ${b.buildingId}`;
    expect(rows.length).toBe(4 + 4 + 3);
    expect(new Set(rows.map((r) => r.communication)).size).toBe(rows.length);
    const [one] = await sql<{ call_id: string; communication: string }[]>`select call_id, communication from owner_calls
      where building_id = ${b.buildingId} limit 1`;
    await expect(sql`insert into owner_calls (organization_id, building_id, call_id, person_id, amount_cents, communication, created_at)
      values (${h.orgId}, ${b.buildingId}, ${one!.call_id}, ${(await h.api.post('/persons', { kind: 'natural', lastName: 'X', language: 'fr' })).json().id},
        1, ${one!.communication}, now())`).rejects.toMatchObject({ constraint_name: 'owner_calls_communication_key' });
  });
});

describe('bad input and refusals', () => {
  it('answers 422 for negative, fractional or absurd totals, naming the field', async () => {
    for (const totalCents of [-100, 0, 12.5, 100_000_000_001]) {
      const res = await api.post(calls, { fund: 'ordinary', periodLabel: 'x', dueDate: '2026-03-31', totalCents });
      expect(res.statusCode, String(totalCents)).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'call.invalid_amount', details: { field: 'totalCents' } });
    }
    expect((await api.post(calls, { fund: 'other', periodLabel: 'x', dueDate: '2026-03-31', totalCents: 1 })).statusCode).toBe(400);
  });

  it('answers 404 for an unknown key, call, building, or another organization\'s call', async () => {
    const key = await api.post(calls, { fund: 'ordinary', periodLabel: 'x', dueDate: '2026-03-31', totalCents: 100, distributionKeyId: UNKNOWN_ID });
    expect([key.statusCode, key.json().error.code]).toEqual([404, 'distribution_key.not_found']);
    expect((await api.get(`${calls}/${UNKNOWN_ID}`)).json().error.code).toBe('call.not_found');
    expect((await api.post(`${calls}/${UNKNOWN_ID}/send`)).statusCode).toBe(404);
    expect((await api.get(`/buildings/${UNKNOWN_ID}/calls`)).statusCode).toBe(404);
    const other = await h.otherOrg();
    const ob = await moneyBuilding(other.api);
    const theirs = await sentCall(other.api, ob.buildingId, { fund: 'ordinary', periodLabel: 'B', dueDate: '2026-01-31', totalCents: 1_000 });
    expect((await api.get(`${calls}/${theirs.id}`)).statusCode).toBe(404);
    expect((await api.post(`${calls}/${theirs.id}/send`)).statusCode).toBe(404);
    expect((await api.get(`/buildings/${ob.buildingId}/calls/${theirs.id}`)).statusCode).toBe(404);
    expect((await other.api.get(`/buildings/${b.buildingId}/calls`)).statusCode).toBe(404);
  });

  it('refuses to send without the fund\'s bank account, or with an incomplete register, leaving the draft as it was', async () => {
    const bare = await moneyBuilding(api, { ibans: false, name: 'Sans comptes' });
    const { id } = (await api.post(`/buildings/${bare.buildingId}/calls`, { fund: 'reserve', periodLabel: 'R', dueDate: '2026-01-31', totalCents: 1_000 })).json();
    const res = await api.post(`/buildings/${bare.buildingId}/calls/${id}/send`);
    expect([res.statusCode, res.json().error.code, res.json().error.details.field]).toEqual([422, 'call.bank_account_missing', 'reserveAccountIban']);

    const [state] = await sql`select status, entry_id from calls where id = ${id}`;
    expect(state).toEqual({ status: 'draft', entry_id: null });

    const half = await createBuilding(api, { name: 'Registre incomplet', totalShares: 1000 });
    const held = await createLot(api, half.id, { number: 'H1', shares: 600 });
    await createLot(api, half.id, { number: 'H2', shares: 400 });
    const owner = await createPerson(api, { lastName: 'Seul', language: 'fr' });
    await api.post(`/buildings/${half.id}/lots/${held.id}/holdings`, { validFrom: '2020-01-01',
      holdings: [{ personId: owner.id, right: 'full', part: { numerator: 1, denominator: 1 } }] });
    await api.patch(`/buildings/${half.id}/fund-settings`, { currentAccountIban: CURRENT_IBAN, reserveAccountIban: RESERVE_IBAN });
    const draft = (await api.post(`/buildings/${half.id}/calls`, { fund: 'ordinary', periodLabel: 'T1', dueDate: '2026-01-31', totalCents: 1_000 })).json();
    const refused = await api.post(`/buildings/${half.id}/calls/${draft.id}/send`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'distribution.register_incomplete', details: { lots: ['H2'] } });
    const [after] = await sql`select status from calls where id = ${draft.id}`;
    expect(after!.status).toBe('draft');
    expect(await sql`select 1 from structured_communication_counters where building_id = ${half.id}`).toHaveLength(0);
    expect(await sql`select 1 from owner_calls where call_id = ${draft.id}`).toHaveLength(0);
  });
});

describe('atomic sending', () => {
  it('gives the communications back when the entry cannot be posted (closed fiscal year): nothing is half-written', async () => {
    const closed = await moneyBuilding(api, { name: 'Exercice clos' });
    await sql`insert into fiscal_years (organization_id, building_id, label, start_date, end_date, status, closed_at, created_at)
      values (${h.orgId}, ${closed.buildingId}, '2026', '2026-01-01', '2026-12-31', 'closed', now(), now())`;
    const { id } = (await api.post(`/buildings/${closed.buildingId}/calls`, { fund: 'ordinary', periodLabel: 'T1', dueDate: '2026-01-31', totalCents: 1_000 })).json();
    const res = await api.post(`/buildings/${closed.buildingId}/calls/${id}/send`);
    expect([res.statusCode, res.json().error.code]).toEqual([409, 'fiscal_year.closed']);
    expect(await sql`select 1 from structured_communication_counters where building_id = ${closed.buildingId}`).toHaveLength(0);
    expect(await sql`select 1 from owner_calls where call_id = ${id}`).toHaveLength(0);
    expect((await sql`select status from calls where id = ${id}`)[0]!.status).toBe('draft');
    expect(await sql`select 1 from audit_log where action = 'call.sent' and entity_id = ${id}`).toHaveLength(0);
  });
});

describe('a large building', () => {
  it('sends a call over 1 000 lots exact to the cent, with 1 000 distinct communications', async () => {
    const big = await insertLedgerBuilding(sql, h.orgId, { lots: 1_000, sharesPerLot: 7, name: 'Tour' });
    await api.patch(`/buildings/${big.buildingId}/fund-settings`, { currentAccountIban: CURRENT_IBAN, reserveAccountIban: RESERVE_IBAN });
    const started = performance.now();
    // 1 234 567.89 € over 1 000 equal lots: 123 456 789 / 1 000 = 123 456.789 → 123 456 each, and the 789 cents left go one each
    // to the 789 smallest lot numbers (equal remainders and weights: the smaller number, compared as text, wins). The lots are
    // numbered 001…999 and 1000; as text: 001…099 (99), 100, 1000, 101…788 (688) = 789 lots get 123 457; 789…999 get 123 456.
    const call = await sentCall(api, big.buildingId, { fund: 'ordinary', periodLabel: 'Grand appel', dueDate: '2026-01-31', totalCents: 123_456_789 });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(call.owners).toHaveLength(1_000);
    expect(call.owners.reduce((a: number, o: any) => a + o.amountCents, 0)).toBe(123_456_789);
    const byLot = new Map(call.owners.map((o: any) => [o.lots[0].lotNumber, o.amountCents]));
    expect([byLot.get('001'), byLot.get('788'), byLot.get('789'), byLot.get('999'), byLot.get('1000')])
      .toEqual([123_457, 123_457, 123_456, 123_456, 123_457]);
    expect(new Set(call.owners.map((o: any) => o.structuredCommunication)).size).toBe(1_000);
  });
});

describe('OpenAPI', () => {
  it('documents the funds, calls and payments routes, with the Idempotency-Key header', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { paths: Record<string, Record<string, { tags?: string[]; parameters?: { name: string; in: string }[] }>> };
    const tagged = (tag: string) => Object.entries(doc.paths).filter(([, ops]) => Object.values(ops).some((op) => op.tags?.includes(tag))).length;
    expect([tagged('funds'), tagged('calls'), tagged('payments')]).toEqual([5, 4, 7]);
    const post = doc.paths['/api/v1/orgs/{orgId}/buildings/{buildingId}/payments']!.post!;
    expect(post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'idempotency-key', in: 'header' })]));
  });
});
