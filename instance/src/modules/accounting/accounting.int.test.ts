import { describe, expect, it } from 'vitest';
import { createActor } from '../../../test/support/actors.ts';
import { registerHarness, UNKNOWN_ID } from '../../../test/support/register.ts';
import { insertLedgerBuilding } from './accounting.fixture.ts';

/** The accounting routes through HTTP: chart, fiscal years, journal, CSV, reports, tenants and bad input. */

const h = await registerHarness();
const { api, orgId } = h;
const sql = h.t.deps.sql;
const { buildingId, lots } = await insertLedgerBuilding(sql, orgId, { lots: 2 });
const [alice, bob] = [lots[0]!.personId, lots[1]!.personId];
const B = `/buildings/${buildingId}`;

const od = (lines: unknown[], over: Record<string, unknown> = {}) =>
  ({ date: '2026-02-10', description: 'Régularisation', reference: 'PV AG 2026-02-01 pt 4', lines, ...over });

describe('chart of accounts', () => {
  it('loads the PCMN on first read and adds sub-accounts that inherit from their parent', async () => {
    const res = await api.get(`${B}/accounts`);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ number: string; kind: string; isOwnerAccount: boolean }>;
    expect(items).toHaveLength(96);
    expect(items.find((a) => a.number === '4101')).toMatchObject({ kind: 'asset', isOwnerAccount: true, labelNl: 'Mede-eigenaar – werkkapitaal / provisies' });
    const lift = await api.post(`${B}/accounts`, { number: '1601', labelFr: 'Fonds de réserve – ascenseur' });
    expect(lift.statusCode).toBe(201);
    expect(lift.json()).toEqual({ number: '1601', labelFr: 'Fonds de réserve – ascenseur', labelNl: 'Fonds de réserve – ascenseur',
      class: 1, kind: 'liability', isOwnerAccount: false, isSupplierAccount: false, defaultKeyId: null });
    const owner = await api.post(`${B}/accounts`, { number: '41011', labelFr: 'Provisions – parkings', labelNl: 'Provisies – parkings' });
    expect(owner.json()).toMatchObject({ class: 4, kind: 'asset', isOwnerAccount: true });
    expect((await api.post(`${B}/accounts`, { number: '1601', labelFr: 'x' })).json().error.code).toBe('account.already_exists');
    expect((await api.post(`${B}/accounts`, { number: '1601', labelFr: 'x' })).statusCode).toBe(409);
    const orphan = await api.post(`${B}/accounts`, { number: '5999', labelFr: 'x' });
    expect([orphan.statusCode, orphan.json().error.code, orphan.json().error.details.field]).toEqual([422, 'account.no_parent', 'number']);
    expect((await api.post(`${B}/accounts`, { number: '8000', labelFr: 'x' })).statusCode).toBe(400);
    expect((await api.get(`/buildings/${UNKNOWN_ID}/accounts`)).statusCode).toBe(404);
  });
});

describe('fiscal years', () => {
  it('opens a year explicitly, refuses an overlap and lists them', async () => {
    const b = await insertLedgerBuilding(sql, orgId, { lots: 1, name: 'Years' });
    const res = await api.post(`/buildings/${b.buildingId}/fiscal-years`, { startDate: '2025-07-01' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ label: '2025/26', startDate: '2025-07-01', endDate: '2026-06-30', status: 'open', closedAt: null });
    const overlap = await api.post(`/buildings/${b.buildingId}/fiscal-years`, { startDate: '2026-01-01' });
    expect([overlap.statusCode, overlap.json().error.code]).toEqual([409, 'fiscal_year.conflict']);
    const long = await api.post(`/buildings/${b.buildingId}/fiscal-years`, { startDate: '2026-07-01', endDate: '2028-07-01' });
    expect([long.statusCode, long.json().error.code]).toEqual([422, 'fiscal_year.invalid_period']);
    expect((await api.get(`/buildings/${b.buildingId}/fiscal-years`)).json().items).toHaveLength(1);
  });
});

describe('journal', () => {
  it('posts a manual OD entry, reads it, filters and pages the journal, and reverses once', async () => {
    const res = await api.post(`${B}/journal-entries`, od([
      { account: '4101', debitCents: 12_345, personId: alice, lotId: lots[0]!.id, label: 'Frais privatifs' },
      { account: '6430', creditCents: 12_345 },
    ]));
    expect(res.statusCode).toBe(201);
    const e = res.json();
    expect(e).toMatchObject({ journal: 'OD', number: 'OD-2026-00001', date: '2026-02-10',
      source: { type: 'manual', reference: 'PV AG 2026-02-01 pt 4' }, reversesEntryId: null, reversedByEntryId: null });
    expect(e.lines).toEqual([
      { lineNo: 1, account: '4101', accountLabel: 'Copropriétaire – fonds de roulement / provisions', debitCents: 12_345, creditCents: 0,
        personId: alice, personName: 'Owner Lot 001', supplierId: null, supplierName: null, lotId: lots[0]!.id, lotNumber: '001', label: 'Frais privatifs' },
      { lineNo: 2, account: '6430', accountLabel: 'Frais privatifs (à charge d\'un seul lot)', debitCents: 0, creditCents: 12_345,
        personId: null, personName: null, supplierId: null, supplierName: null, lotId: null, lotNumber: null, label: null },
    ]);
    const second = (await api.post(`${B}/journal-entries`, od([
      { account: '551', debitCents: 50_00 }, { account: '4101', creditCents: 50_00, personId: bob },
    ], { date: '2026-03-01' }))).json();
    expect((await api.get(`${B}/journal-entries/${e.id}`)).json()).toEqual(e);

    const page1 = (await api.get(`${B}/journal-entries?limit=1`)).json();
    expect([page1.total, page1.items[0].id]).toEqual([2, e.id]);
    const page2 = (await api.get(`${B}/journal-entries?limit=1&cursor=${page1.nextCursor}`)).json();
    expect([page2.items[0].id, page2.nextCursor]).toEqual([second.id, null]);
    expect((await api.get(`${B}/journal-entries?sort=-date`)).json().items.map((x: { id: string }) => x.id)).toEqual([second.id, e.id]);
    const ids = async (q: string) => (await api.get(`${B}/journal-entries?${q}`)).json().items.map((x: { id: string }) => x.id);
    expect(await ids(`personId=${bob}`)).toEqual([second.id]);
    expect(await ids('account=64')).toEqual([e.id]);
    expect(await ids('account=41')).toEqual([e.id, second.id]);
    expect(await ids('from=2026-02-11&to=2026-12-31')).toEqual([second.id]);
    expect(await ids('journal=ACH')).toEqual([]);

    const rev = await api.post(`${B}/journal-entries/${e.id}/reverse`, { date: '2026-02-11', reason: 'Imputé au mauvais lot' });
    expect(rev.statusCode).toBe(201);
    expect(rev.json()).toMatchObject({ number: 'OD-2026-00003', reversesEntryId: e.id, description: 'Extourne de OD-2026-00001 : Imputé au mauvais lot' });
    expect(rev.json().lines.map((l: { debitCents: number; creditCents: number }) => [l.debitCents, l.creditCents])).toEqual([[0, 12_345], [12_345, 0]]);
    expect((await api.get(`${B}/journal-entries/${e.id}`)).json().reversedByEntryId).toBe(rev.json().id);
    const again = await api.post(`${B}/journal-entries/${e.id}/reverse`, { date: '2026-02-11', reason: 'encore' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'entry.already_reversed']);
    const early = await api.post(`${B}/journal-entries/${second.id}/reverse`, { date: '2026-01-01', reason: 'x' });
    expect([early.statusCode, early.json().error.code]).toEqual([422, 'entry.reversal_before_entry']);
  });

  it('answers bad input with 400/422 and a code naming the problem, writing nothing', async () => {
    const before = (await api.get(`${B}/journal-entries?limit=1`)).json().total;
    const bad = async (body: unknown) => { const r = await api.post(`${B}/journal-entries`, body); return [r.statusCode, r.json().error.code, r.json().error.details?.field]; };
    expect(await bad(od([{ account: '551', debitCents: 100 }, { account: '6105', creditCents: 99 }]))).toEqual([422, 'entry.unbalanced', 'lines']);
    expect(await bad(od([{ account: '551', debitCents: 100 }, { account: '6999', creditCents: 100 }]))).toEqual([422, 'entry.unknown_account', 'lines.1.account']);
    expect(await bad(od([{ account: '551', debitCents: 100 }, { account: '4101', creditCents: 100 }]))).toEqual([422, 'entry.person_required', 'lines.1.personId']);
    expect(await bad(od([{ account: '551', debitCents: 100 }, { account: '4101', creditCents: 100, personId: UNKNOWN_ID }])))
      .toEqual([422, 'entry.unknown_person', 'lines.1.personId']);
    expect(await bad(od([{ account: '551', debitCents: 100, creditCents: 100 }, { account: '6105', creditCents: 0 }]))).toEqual([422, 'entry.invalid_line', 'lines.0.debitCents']);
    expect((await bad(od([{ account: '551', debitCents: -100 }, { account: '6105', creditCents: -100 }])))[0]).toBe(400);
    expect((await bad(od([{ account: '551', debitCents: 1e15 }, { account: '6105', creditCents: 1e15 }])))[0]).toBe(400);
    expect((await bad(od([{ account: '551', debitCents: 1.5 }, { account: '6105', creditCents: 1.5 }])))[0]).toBe(400);
    expect((await bad(od([{ account: '551', debitCents: 100 }]))).slice(0, 2)).toEqual([400, 'request.invalid']);
    expect((await bad({ ...od([]), reference: undefined })).slice(0, 2)).toEqual([400, 'request.invalid']);
    expect((await api.get(`${B}/journal-entries?cursor=nonsense`)).statusCode).toBe(400);
    const forged = Buffer.from(JSON.stringify(['date', 'abc', UNKNOWN_ID])).toString('base64url');
    expect((await api.get(`${B}/journal-entries?cursor=${forged}`)).json().error).toMatchObject({ code: 'request.invalid', details: { field: 'querystring.cursor' } });
    const nul = await api.post(`${B}/journal-entries`, od([{ account: '551', debitCents: 1 }, { account: '6105', creditCents: 1 }], { description: 'a\u0000b' }));
    expect(nul.statusCode).toBeLessThan(500);
    expect((await api.get(`${B}/journal-entries/${UNKNOWN_ID}`)).json().error.code).toBe('entry.not_found');
    expect((await api.get(`${B}/journal-entries?limit=1`)).json().total).toBe(before);
  });
});

describe('CSV export and reports agree with the journal', () => {
  it('exports every line for a Belgian spreadsheet and reports the same figures as the lines', async () => {
    const admin = await createActor(h.t.deps, { organizationId: orgId, grants: [{ role: 'accountant' }] });
    const csv = await h.t.app.inject({ method: 'GET', url: `/api/v1/orgs/${orgId}${B}/journal.csv`, headers: admin.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = csv.body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    const [lines] = await sql`select count(*)::int as n, sum(debit_cents)::bigint as d from journal_lines where building_id = ${buildingId}`;
    expect(rows.length - 1).toBe(lines!.n);
    // Σ of the debit column, read back from "123,45", equals Σ debit_cents of the lines
    const debit = rows.slice(1).reduce((s, r) => s + (r.split(';')[8] ? Number(r.split(';')[8]!.replace(',', '')) : 0), 0);
    expect(debit).toBe(lines!.d);
    expect(rows[1]).toContain(';123,45;');
    expect((await api.get(`${B}/journal.csv?personId=${bob}`)).body.split('\r\n').filter(Boolean)).toHaveLength(3);

    const [fy] = await sql<{ id: string }[]>`select id from fiscal_years where building_id = ${buildingId}`;
    const tb = (await api.get(`${B}/fiscal-years/${fy!.id}/trial-balance`)).json();
    const perAccount = await sql<{ account: string; d: number; c: number }[]>`select account, sum(debit_cents)::bigint as d,
      sum(credit_cents)::bigint as c from journal_lines where building_id = ${buildingId} group by account order by account collate "C"`;
    expect(tb.items.map((i: { account: string; debitCents: number; creditCents: number }) => ({ account: i.account, d: i.debitCents, c: i.creditCents })))
      .toEqual(perAccount);
    expect(tb.totals).toEqual({ debitCents: lines!.d, creditCents: lines!.d, balanceCents: 0 });
    const bs = (await api.get(`${B}/fiscal-years/${fy!.id}/balance-sheet`)).json();
    const is = (await api.get(`${B}/fiscal-years/${fy!.id}/income-statement`)).json();
    expect(bs.assets.totalCents - bs.liabilities.totalCents - bs.resultCents).toBe(0);
    expect(is.resultCents).toBe(bs.resultCents);
    // 6430 credited 123.45 then reversed: charges 0; 4101 alice 0, bob −50.00; 551 +50.00
    expect(bs.assets.items).toEqual([{ account: '4101', label: 'Copropriétaire – fonds de roulement / provisions', amountCents: -5_000 },
      { account: '551', label: 'Banque – compte courant (fonds de roulement)', amountCents: 5_000 }]);
    expect((await api.get(`${B}/fiscal-years/${UNKNOWN_ID}/trial-balance`)).json().error.code).toBe('fiscal_year.not_found');
  });
});

describe('tenants and roles', () => {
  it('hides a building and its entries from another organization, and needs the accounting permissions', async () => {
    const other = await h.otherOrg();
    expect((await other.api.get(`${B}/accounts`)).statusCode).toBe(404);
    expect((await other.api.post(`${B}/journal-entries`, od([{ account: '551', debitCents: 1 }, { account: '6105', creditCents: 1 }]))).statusCode).toBe(404);
    const ob = await insertLedgerBuilding(sql, other.orgId, { lots: 1, name: 'Other' });
    const [entry] = await sql<{ id: string }[]>`select id from journal_entries where building_id = ${buildingId} limit 1`;
    expect((await other.api.get(`/buildings/${ob.buildingId}/journal-entries/${entry!.id}`)).statusCode).toBe(404);
    expect((await other.api.post(`/buildings/${ob.buildingId}/journal-entries/${entry!.id}/reverse`, { date: '2026-12-01', reason: 'x' })).statusCode).toBe(404);
    const owner = await h.actor([{ role: 'owner', buildingId }]);
    expect((await owner.get(`${B}/journal-entries`)).statusCode).toBe(403);
    const council = await h.actor([{ role: 'council_member' }]);
    expect((await council.get(`${B}/journal-entries`)).statusCode).toBe(200);
    expect((await council.post(`${B}/journal-entries`, od([{ account: '551', debitCents: 1 }, { account: '6105', creditCents: 1 }]))).statusCode).toBe(403);
  });
});
