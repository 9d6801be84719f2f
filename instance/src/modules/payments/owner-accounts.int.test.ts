import { describe, expect, it } from 'vitest';
import { createActor } from '../../../test/support/actors.ts';
import { registerHarness, UNKNOWN_ID } from '../../../test/support/register.ts';
import { moneyBuilding, sentCall } from '../calls/calls.fixture.ts';

/**
 * Owner accounts: the statement with its running balance (and CSV), and overdue receivables, as of
 * a date. Calls sent 2026-01-05, due 2026-01-31 (splits in calls.int.test.ts / payments.int.test.ts):
 *   ordinary 1 000.03 €: Dupont 500.01, Janssens 150.01, Müller 150.00, Smith 200.01 (communications 1–4)
 *   reserve    275.00 €: Dupont 137.50, Janssens 41.25, Müller 41.25, Smith 55.00 (communications 5–8)
 * Payments: Dupont 500.01 (01-20) and 137.50 (01-21); Janssens 100.00 (01-25); Smith 250.00 (01-28);
 * Müller 41.25 reserve (01-30); 150.00 with an unknown communication (02-02), allocated to Müller's 150.00.
 */
const h = await registerHarness();
const { t, api } = h;
t.clock.set(new Date('2026-01-05T09:00:00Z'), { frozen: true });
const b = await moneyBuilding(api);
const ordinary = await sentCall(api, b.buildingId, { fund: 'ordinary', periodLabel: '2026 T1', dueDate: '2026-01-31', totalCents: 100_003 });
await sentCall(api, b.buildingId, { fund: 'reserve', periodLabel: 'Réserve T1', dueDate: '2026-01-31', totalCents: 27_500 });
t.clock.set(new Date('2026-03-01T09:00:00Z'), { frozen: true }); // the payments below are received up to then
const { headers } = await createActor(t.deps, { organizationId: h.orgId, grants: [{ role: 'syndic' }] });
let n = 0;
const pay = async (body: Record<string, unknown>) => {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/orgs/${h.orgId}/buildings/${b.buildingId}/payments`, payload: body,
    headers: { ...headers, 'idempotency-key': `k${++n}` } });
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
};
await pay({ amountCents: 50_001, date: '2026-01-20', structuredCommunication: '+++000/0000/00101+++' });
await pay({ amountCents: 13_750, date: '2026-01-21', structuredCommunication: '+++000/0000/00505+++' });
await pay({ amountCents: 10_000, date: '2026-01-25', personId: b.persons.janssens, callId: ordinary.id });
await pay({ amountCents: 25_000, date: '2026-01-28', structuredCommunication: '+++000/0000/00404+++' });
await pay({ amountCents: 4_125, date: '2026-01-30', structuredCommunication: '+++000/0000/00707+++' });
const unknown = await pay({ amountCents: 15_000, date: '2026-02-02', structuredCommunication: '+++000/0000/99929+++' });
// The syndic attributes it on 2026-02-10: the OD entry is dated the day it is made.
t.clock.set(new Date('2026-02-10T09:00:00Z'), { frozen: true });
await api.post(`/buildings/${b.buildingId}/payments/${unknown.id}/allocate`, { personId: b.persons.muller, callId: ordinary.id });
const owner = (personId: string) => `/buildings/${b.buildingId}/owners/${personId}`;

describe('owner statement', () => {
  it('lists every movement with the running balance as of a date', async () => {
    const res = await api.get(`${owner(b.persons.dupont)}/statement?asOf=2026-01-20`);
    expect(res.statusCode).toBe(200);
    // 500.01 + 137.50 called on 01-05 = 637.51; 500.01 paid on 01-20 → 137.50; the 01-21 payment is after asOf.
    expect(res.json()).toMatchObject({ personName: 'Jean Dupont', asOf: '2026-01-20', balanceCents: 13_750 });
    expect(res.json().items.map((i: any) => [i.date, i.entryNumber, i.account, i.debitCents, i.creditCents, i.balanceCents])).toEqual([
      ['2026-01-05', 'VEN-2026-00001', '4101', 50_001, 0, 50_001],
      ['2026-01-05', 'VEN-2026-00002', '4100', 13_750, 0, 63_751],
      ['2026-01-20', 'FIN-2026-00001', '4101', 0, 50_001, 13_750],
    ]);
    // Smith: 200.01 + 55.00 called, 250.00 paid → still owes 5.01 overall (55.00 reserve open, 49.99 credit on 4101).
    expect((await api.get(`${owner(b.persons.smith)}/statement?asOf=2026-12-31`)).json().balanceCents).toBe(501);
  });

  it('exports it as CSV with semicolons and decimal commas', async () => {
    const res = await api.get(`${owner(b.persons.muller)}/statement.csv?asOf=2026-02-28`);
    expect(res.statusCode).toBe(200);
    expect((res as any).headers['content-type']).toBe('text/csv; charset=utf-8');
    // Müller: 150.00 + 41.25 called; 41.25 paid on the reserve (FIN no. 5); the 150.00 allocated from 4990 (OD no. 1).
    expect(res.body).toBe([
      'date;journal;entry;account;description;debit;credit;balance',
      '2026-01-05;VEN;VEN-2026-00001;4101;Appel de fonds 2026 T1;150,00;0,00;150,00',
      '2026-01-05;VEN;VEN-2026-00002;4100;Appel de fonds Réserve T1;41,25;0,00;191,25',
      '2026-01-30;FIN;FIN-2026-00005;4100;Paiement copropriétaire +++000/0000/00707+++;0,00;41,25;150,00',
      '2026-02-10;OD;OD-2026-00001;4101;Affectation d\'un paiement en compte d\'attente;0,00;150,00;0,00',
      '',
    ].join('\r\n'));
  });

  it('answers 404 for an unknown person or another organization\'s', async () => {
    expect((await api.get(`${owner(UNKNOWN_ID)}/statement`)).json().error.code).toBe('person.not_found');
    const other = await h.otherOrg();
    const ob = await moneyBuilding(other.api);
    expect((await api.get(`${owner(ob.persons.dupont)}/statement`)).statusCode).toBe(404);
    expect((await api.get(`/buildings/${ob.buildingId}/owners/${b.persons.dupont}/statement.csv`)).statusCode).toBe(404);
    expect((await other.api.get(`/buildings/${b.buildingId}/receivables/overdue`)).statusCode).toBe(404);
  });
});

describe('overdue receivables', () => {
  const overdue = (asOf: string) => api.get(`/buildings/${b.buildingId}/receivables/overdue?asOf=${asOf}`);
  const rows = (body: any) => body.items.map((i: any) => [i.personName, i.periodLabel, i.amountCents, i.paidCents, i.openCents, i.daysLate]);

  it('lists nothing on the due date itself', async () => {
    expect((await overdue('2026-01-31')).json()).toMatchObject({ items: [], totalOpenCents: 0 });
  });

  it('counts only payments dated up to asOf, with the days late', async () => {
    // 2026-02-01: Müller's 150.00 arrives on 02-02, so it is still open; 1 day late.
    const feb1 = (await overdue('2026-02-01')).json();
    expect(rows(feb1)).toEqual([
      ['Anna Müller', '2026 T1', 15_000, 0, 15_000, 1],
      ['John Smith', 'Réserve T1', 5_500, 0, 5_500, 1],
      ['Piet Janssens', '2026 T1', 15_001, 10_000, 5_001, 1],
      ['Piet Janssens', 'Réserve T1', 4_125, 0, 4_125, 1],
    ]);
    expect(feb1.totalOpenCents).toBe(15_000 + 5_500 + 5_001 + 4_125);
    const feb10 = (await overdue('2026-02-10')).json();
    expect(rows(feb10)).toEqual([
      ['John Smith', 'Réserve T1', 5_500, 0, 5_500, 10],
      ['Piet Janssens', '2026 T1', 15_001, 10_000, 5_001, 10],
      ['Piet Janssens', 'Réserve T1', 4_125, 0, 4_125, 10],
    ]);
    expect(feb10.totalOpenCents).toBe(14_626);
    expect(feb10.items[1].structuredCommunication).toBe('+++000/0000/00202+++');
  });
});
