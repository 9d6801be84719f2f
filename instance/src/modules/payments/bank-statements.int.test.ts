import { describe, expect, it } from 'vitest';
import { createActor } from '../../../test/support/actors.ts';
import { registerHarness } from '../../../test/support/register.ts';
import { writeCoda, type CodaWriterStatement } from '../banking/coda-writer.ts';
import { CURRENT_IBAN, moneyBuilding, RESERVE_IBAN, sentCall } from '../calls/calls.fixture.ts';

/**
 * CODA import through HTTP on PostgreSQL: payments created and matched in bulk, a report, and a
 * second import of the same statement that changes nothing. Calls sent 2026-01-05 (splits in
 * calls.int.test.ts): ordinary 1 000.03 € — Dupont 500.01 (…00101…), Janssens 150.01 (…00202…),
 * Müller 150.00 (…00303…), Smith 200.01 (…00404…); reserve 275.00 € — Dupont 137.50 (…00505…).
 */
const h = await registerHarness();
const { t, api } = h;
const sql = t.deps.sql;
t.clock.set(new Date('2026-01-05T09:00:00Z'), { frozen: true });
const b = await moneyBuilding(api);
const ordinary = await sentCall(api, b.buildingId, { fund: 'ordinary', periodLabel: '2026 T1', dueDate: '2026-01-31', totalCents: 100_003 });
const reserve = await sentCall(api, b.buildingId, { fund: 'reserve', periodLabel: 'Réserve T1', dueDate: '2026-01-31', totalCents: 27_500 });
const { headers } = await createActor(t.deps, { organizationId: h.orgId, grants: [{ role: 'accountant' }] });
const owner = (call: any, personId: string) => call.owners.find((o: any) => o.personId === personId).id;

/** Posts a CODA file as a bank produces it: latin1 bytes. */
const importCoda = (text: string, orgId = h.orgId, buildingId = b.buildingId, contentType = 'text/plain') => t.app.inject({
  method: 'POST', url: `/api/v1/orgs/${orgId}/buildings/${buildingId}/bank-statements`, payload: Buffer.from(text, 'latin1'),
  headers: { ...headers, 'content-type': contentType },
});

const january: CodaWriterStatement = {
  accountIban: CURRENT_IBAN, accountHolderName: 'ACP Les Tilleuls', date: '2026-01-20', statementNumber: 7, openingBalanceCents: 1_000_000,
  movements: [
    { amountCents: 50_001, counterpartyName: 'Jean Dupont', structuredCommunication: '+++000/0000/00101+++' },
    { amountCents: 10_000, counterpartyName: 'Piet Janssens', freeCommunication: 'Provisions +++000/0000/00202+++ bedankt' },
    { amountCents: 7_777, counterpartyName: 'Inconnu', freeCommunication: 'charges' },
    { amountCents: -60_500, counterpartyName: 'Nettoyage SA', freeCommunication: 'Facture 2026-001' },
    { amountCents: 35_001, details: [
      { amountCents: 20_001, counterpartyName: 'John Smith', structuredCommunication: '+++000/0000/00404+++' },
      { amountCents: 15_000, counterpartyName: 'Anna Müller', structuredCommunication: '+++000/0000/00303+++' },
    ] },
  ],
};

const counts = async () => (await sql`select
  (select count(*)::int from payments where building_id = ${b.buildingId}) as payments,
  (select count(*)::int from journal_entries where building_id = ${b.buildingId}) as entries,
  (select count(*)::int from bank_statement_lines where building_id = ${b.buildingId}) as lines,
  (select count(*)::int from audit_log where organization_id = ${h.orgId}) as audits`)[0];

describe('CODA import', () => {
  let first: any;

  it('creates and matches the payments of a statement, and reports each movement', async () => {
    const res = await importCoda(writeCoda(january));
    expect(res.statusCode).toBe(200);
    first = res.json();
    expect(first).toMatchObject({ accountIban: CURRENT_IBAN, account: 'current', statementNumber: '7', date: '2026-01-20' });
    const brief = (l: any) => [l.sequence, l.detail, l.amountCents, l.ownerCallId];
    // 1 by its structured communication; 2 by the communication written in its free text; 5 is globalised: its two details
    // (Smith, Müller) are matched one by one. 3 has no communication; 4 is money out.
    expect(first.matched.map(brief)).toEqual([
      [1, 0, 50_001, owner(ordinary, b.persons.dupont)], [2, 0, 10_000, owner(ordinary, b.persons.janssens)],
      [5, 1, 20_001, owner(ordinary, b.persons.smith)], [5, 2, 15_000, owner(ordinary, b.persons.muller)],
    ]);
    expect(first.unmatched.map(brief)).toEqual([[3, 0, 7_777, null]]);
    expect(first.outgoing.map(brief)).toEqual([[4, 0, -60_500, null]]);
    expect(first.alreadyImported).toEqual([]);

    const call = (await api.get(`/buildings/${b.buildingId}/calls/${ordinary.id}`)).json();
    // Dupont 500.01 paid in full, Janssens 100.00 of 150.01, Smith and Müller in full.
    expect(call.owners.map((o: any) => [o.personName, o.paidCents, o.openCents])).toEqual([
      ['Jean Dupont', 50_001, 0], ['Piet Janssens', 10_000, 5_001], ['Anna Müller', 15_000, 0], ['John Smith', 20_001, 0]]);
    const unmatched = (await api.get(`/buildings/${b.buildingId}/payments/${first.unmatched[0].paymentId}`)).json();
    expect(unmatched).toMatchObject({ status: 'unmatched', source: 'coda', date: '2026-01-20', counterpartyName: 'Inconnu', freeCommunication: 'charges' });
    const lines = await sql`select account, debit_cents as d, credit_cents as c from journal_lines where entry_id = ${unmatched.entryId} order by line_no`;
    expect(lines).toEqual([{ account: '551', d: 7_777, c: 0 }, { account: '4990', d: 0, c: 7_777 }]);
    const [muller] = await sql`select counterparty_name as n from bank_statement_lines where building_id = ${b.buildingId} and sequence = 5 and detail = 2`;
    expect(muller!.n).toBe('Anna Müller'); // latin1 bytes read as latin1
  });

  it('changes nothing when the same statement is imported again', async () => {
    const before = await counts();
    const res = await importCoda(writeCoda(january));
    expect(res.statusCode).toBe(200);
    const again = res.json();
    expect([again.matched, again.unmatched, again.outgoing]).toEqual([[], [], []]);
    const key = (l: any) => `${l.sequence}.${l.detail}`;
    expect(again.alreadyImported.map(key)).toEqual(['1.0', '2.0', '3.0', '4.0', '5.1', '5.2']);
    const firstPayments = new Map([...first.matched, ...first.unmatched].map((l: any) => [key(l), l.paymentId]));
    for (const l of again.alreadyImported) expect(l.paymentId).toBe(firstPayments.get(key(l)) ?? null);
    expect(await counts()).toEqual(before);
    // The same file saved as UTF-8 is the same statement too.
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/orgs/${h.orgId}/buildings/${b.buildingId}/bank-statements`,
      payload: Buffer.from(writeCoda(january), 'utf8'), headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' } })).json().matched).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('posts a statement of the savings account on 550, and treats next year\'s statement 7 as new', async () => {
    const res = await importCoda(writeCoda({ accountIban: RESERVE_IBAN, date: '2026-01-22', statementNumber: 1, openingBalanceCents: 0,
      movements: [{ amountCents: 13_750, structuredCommunication: '+++000/0000/00505+++' }] }));
    const report = res.json();
    expect(report).toMatchObject({ account: 'reserve', matched: [{ ownerCallId: owner(reserve, b.persons.dupont), amountCents: 13_750 }] });
    const p = (await api.get(`/buildings/${b.buildingId}/payments/${report.matched[0].paymentId}`)).json();
    const lines = await sql`select account, debit_cents as d, credit_cents as c from journal_lines where entry_id = ${p.entryId} order by line_no`;
    expect(lines).toEqual([{ account: '550', d: 13_750, c: 0 }, { account: '4100', d: 0, c: 13_750 }]);
    const nextYear = await importCoda(writeCoda({ ...january, date: '2027-01-20', movements: [{ amountCents: 100 }] }));
    expect(nextYear.json()).toMatchObject({ unmatched: [{ sequence: 1, amountCents: 100 }], alreadyImported: [] });
  });

  it('refuses a statement of another account, a broken file and another tenant\'s building', async () => {
    const before = await counts();
    const foreign = await importCoda(writeCoda({ ...january, accountIban: 'BE71096123456769' }));
    expect([foreign.statusCode, foreign.json().error.code, foreign.json().error.details.field]).toEqual([422, 'bank_statement.unknown_account', 'accountIban']);
    const broken = await importCoda('0000020126 not a CODA record');
    expect([broken.statusCode, broken.json().error.code]).toEqual([422, 'coda.invalid']);
    const asJson = (payload: object) => t.app.inject({ method: 'POST', url: `/api/v1/orgs/${h.orgId}/buildings/${b.buildingId}/bank-statements`,
      payload, headers });
    expect((await asJson({ coda: 'x' })).json().error.code).toBe('coda.invalid'); // JSON clients send { coda: "<file>" }
    expect((await asJson({ file: 'x' })).statusCode).toBe(400);
    const other = await h.otherOrg();
    const ob = await moneyBuilding(other.api);
    const cross = await importCoda(writeCoda(january), h.orgId, ob.buildingId);
    expect(cross.statusCode).toBe(404);
    expect(await counts()).toEqual(before);
  });
});
