import { describe, expect, it } from 'vitest';
import { createActor, createOrganization, type Actor } from '../../../test/support/actors.ts';
import { insertLedgerBuilding } from '../accounting/accounting.fixture.ts';
import { postEntry } from '../accounting/posting.ts';
import type { PostingLine } from '../accounting/posting.types.ts';
import { signAccessToken } from '../auth/tokens.ts';
import { adminCall, eventually, peer, startFedInstance, type FedInstance } from './federation.test-fixture.ts';

/**
 * Moving a building's whole file between two real instances (own database, pg-boss, HTTP port each):
 * A offers, B's administrator accepts into one of B's organizations, B fetches the bundle by signed
 * GET, verifies it and imports it in one transaction; A keeps a read-only tombstone. C is no peer.
 */
const A = await startFedInstance('Source A');
const B = await startFedInstance('Receiver B');
const C = await startFedInstance('Stranger C');
const bOnA = await peer(A, B);
await peer(B, A);
await peer(C, A); // C knows A, but A does not allow C

interface Org { orgId: string; admin: Actor }
async function orgWithAdmin(i: FedInstance): Promise<Org> {
  const { id } = await createOrganization(i.deps);
  return { orgId: id, admin: await createActor(i.deps, { organizationId: id, grants: [{ role: 'admin' }] }) };
}
const orgCall = (i: FedInstance, o: Org) => (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  i.app.inject({ method, url: `/api/v1/orgs/${o.orgId}${url}`, headers: o.admin.headers, ...(payload ? { payload } : {}) });

/** A building with 6 lots and owners, a closed fiscal year and an open one, owner and supplier lines, and an archived document. */
async function buildingWithBooks(i: FedInstance, o: Org): Promise<{ buildingId: string; years: string[] }> {
  const sql = i.deps.sql;
  const { buildingId, lots } = await insertLedgerBuilding(sql, o.orgId, { lots: 6, name: 'Résidence Migrante' });
  const call = orgCall(i, o);
  const y1 = (await call('POST', `/buildings/${buildingId}/fiscal-years`, { startDate: '2025-01-01' })).json();
  const at = new Date('2025-06-01T00:00:00Z');
  const [sup] = await sql<{ id: string }[]>`insert into suppliers (organization_id, name, created_at, updated_at) values (${o.orgId}, 'Chauffagiste', ${at}, ${at}) returning id`;
  const post = (journal: 'VEN' | 'ACH', date: string, id: string, lines: PostingLine[]) => sql.begin((tx) => postEntry(tx,
    { organizationId: o.orgId, buildingId, journal, date, description: id, source: { type: 'call', id }, lines }, { actorUserId: o.admin.userId, requestId: null, at }));
  await post('VEN', '2025-03-01', 'call-1', [
    ...lots.map((l, k): PostingLine => ({ account: '4101', debitCents: 10_000 + k * 333, creditCents: 0, personId: l.personId, lotId: l.id })),
    { account: '701', debitCents: 0, creditCents: lots.reduce((s, _l, k) => s + 10_000 + k * 333, 0) },
  ]);
  await post('ACH', '2025-04-10', 'inv-1', [{ account: '611', debitCents: 45_678, creditCents: 0 }, { account: '440', debitCents: 0, creditCents: 45_678, supplierId: sup!.id }]);
  const closed = await call('POST', `/buildings/${buildingId}/fiscal-years/${y1.id}/close`, {});
  expect(closed.statusCode, closed.body).toBe(200);
  const years = (await call('GET', `/buildings/${buildingId}/fiscal-years`)).json().items.map((y: { id: string }) => y.id);
  const y2 = years.find((y: string) => y !== y1.id) ?? (await call('POST', `/buildings/${buildingId}/fiscal-years`, { startDate: '2026-01-01' })).json().id;
  await post('VEN', '2026-02-01', 'call-2', [
    { account: '4101', debitCents: 12_345, creditCents: 0, personId: lots[0]!.personId }, { account: '701', debitCents: 0, creditCents: 12_345 }]);
  await sql`insert into archived_documents (organization_id, building_id, person_id, kind, filename, content_type, size_bytes, sha256, content, related_type, related_id, created_at)
    values (${o.orgId}, ${buildingId}, ${lots[0]!.personId}, 'attachment', 'pv-ag-2025.txt', 'text/plain', 5, encode(sha256('hello'::bytea), 'hex'), 'hello'::bytea,
      'meeting', gen_random_uuid(), ${at})`;
  return { buildingId, years: [y1.id, y2] };
}

/** Counts and totals that must be equal on both sides. */
async function figures(i: FedInstance, org: string, buildingId: string) {
  const [c] = await i.deps.sql<{ lots: number; persons: number; holdings: number; entries: number; lines: number; documents: number; closedYears: number }[]>`select
    (select count(*)::int from lots where organization_id = ${org} and building_id = ${buildingId}) as lots,
    (select count(distinct h.person_id)::int from holdings h join lots l on l.id = h.lot_id where l.building_id = ${buildingId} and h.organization_id = ${org}) as persons,
    (select count(*)::int from holdings h join lots l on l.id = h.lot_id where l.building_id = ${buildingId} and h.organization_id = ${org}) as holdings,
    (select count(*)::int from journal_entries where organization_id = ${org} and building_id = ${buildingId}) as entries,
    (select count(*)::int from journal_lines where organization_id = ${org} and building_id = ${buildingId}) as lines,
    (select count(*)::int from archived_documents where organization_id = ${org} and building_id = ${buildingId}) as documents,
    (select count(*)::int from fiscal_years where organization_id = ${org} and building_id = ${buildingId} and status = 'closed') as "closedYears"`;
  const perAccount = await i.deps.sql`select account, sum(debit_cents)::text as debit, sum(credit_cents)::text as credit from journal_lines
    where organization_id = ${org} and building_id = ${buildingId} group by account order by account`;
  const perOwner = await i.deps.sql`select person_id, sum(debit_cents - credit_cents)::text as balance from journal_lines
    where organization_id = ${org} and building_id = ${buildingId} and person_id is not null group by person_id order by person_id`;
  return { counts: c!, perAccount, perOwner };
}

/** Rows of every moved assembly table of the building. */
async function assemblyCounts(i: FedInstance, org: string, buildingId: string) {
  const sql = i.deps.sql;
  const meetings = sql`select id from meetings where organization_id = ${org} and building_id = ${buildingId}`;
  const [c] = await sql`select
    (select count(*)::int from meetings where id in (${meetings})) as meetings,
    (select count(*)::int from agenda_items where meeting_id in (${meetings})) as agenda_items,
    (select count(*)::int from proxies where meeting_id in (${meetings})) as proxies,
    (select count(*)::int from meeting_voters where meeting_id in (${meetings})) as meeting_voters,
    (select count(*)::int from attendance where meeting_id in (${meetings})) as attendance,
    (select count(*)::int from votes where agenda_item_id in (select id from agenda_items where meeting_id in (${meetings}))) as votes,
    (select count(*)::int from minutes where meeting_id in (${meetings})) as minutes,
    (select count(*)::int from written_procedures where organization_id = ${org} and building_id = ${buildingId}) as written_procedures`;
  return c!;
}

const trialBalance = async (i: FedInstance, o: Org, buildingId: string, fy: string) =>
  (await orgCall(i, o)('GET', `/buildings/${buildingId}/fiscal-years/${fy}/trial-balance`)).json();

describe('moving a building to a peer instance', () => {
  it('moves the whole file: equal counts, per-account totals and trial balances; the source keeps a tombstone', async () => {
    const src = await orgWithAdmin(A);
    const dst = await orgWithAdmin(B);
    const { buildingId, years } = await buildingWithBooks(A, src);
    const before = await figures(A, src.orgId, buildingId);
    expect(before.counts).toMatchObject({ lots: 6, persons: 6, holdings: 6, documents: 1, closedYears: 1 });
    expect(before.counts.entries).toBeGreaterThanOrEqual(3);

    const offered = await orgCall(A, src)('POST', `/buildings/${buildingId}/federation-moves`, { fedPeerId: bOnA });
    expect(offered.statusCode, offered.body).toBe(201);
    expect(offered.json()).toMatchObject({ state: 'offered', peerHost: B.host, counts: { lots: 6, holdings: 6, archived_documents: 1 } });
    const again = await orgCall(A, src)('POST', `/buildings/${buildingId}/federation-moves`, { fedPeerId: bOnA });
    expect(again.statusCode).toBe(200);
    expect(again.json().transferId).toBe(offered.json().transferId);
    // Frozen while offered: writes 409, reads work.
    const frozen = await orgCall(A, src)('PATCH', `/buildings/${buildingId}`, { name: 'Renamed' });
    expect(frozen.statusCode).toBe(409);
    expect(frozen.json().error.code).toBe('building.transfer_pending');

    const incoming: Array<{ id: string }> = await eventually(async () => (await adminCall(B).get('/federation/transfers')).json().items, (l: Array<{ id: string }>) => l.length > 0);
    expect(incoming[0]).toMatchObject({ state: 'offered', buildingId, buildingName: 'Résidence Migrante', peerHost: A.host, manifestSha256: offered.json().manifestSha256 });
    const accepted = await adminCall(B).post(`/federation/transfers/${incoming[0]!.id}/accept`, { organizationId: dst.orgId });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ state: 'imported', organizationId: dst.orgId });

    const after = await figures(B, dst.orgId, buildingId);
    expect(after).toEqual(before);
    for (const fy of years) expect(await trialBalance(B, dst, buildingId, fy)).toEqual(await trialBalance(A, src, buildingId, fy));
    expect((await orgCall(B, dst)('GET', `/buildings/${buildingId}`)).json().name).toBe('Résidence Migrante');
    const [doc] = await B.deps.sql`select sha256, filename from archived_documents where organization_id = ${dst.orgId}`;
    expect(doc).toEqual({ sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824', filename: 'pv-ag-2025.txt' });

    // The receipt reaches A: tombstone with the new address; writes 410 with movedTo; reads still work.
    const moved = await eventually(async () => (await orgCall(A, src)('GET', `/buildings/${buildingId}/federation-moves`)).json().items[0], (m) => m.state === 'completed');
    expect(moved.movedTo).toBe(`${B.url}/api/v1/orgs/${dst.orgId}/buildings/${buildingId}`);
    const gone = await orgCall(A, src)('PATCH', `/buildings/${buildingId}`, { name: 'Renamed' });
    expect(gone.statusCode).toBe(410);
    expect(gone.json().error).toMatchObject({ code: 'building.moved', details: { movedTo: moved.movedTo } });
    const lot = (await A.deps.sql`select id from lots where building_id = ${buildingId} limit 1`)[0]!.id;
    expect((await orgCall(A, src)('PATCH', `/buildings/${buildingId}/lots/${lot}`, { floor: 3 })).statusCode).toBe(410);
    expect((await orgCall(A, src)('GET', `/buildings/${buildingId}`)).statusCode).toBe(200);
    expect(await figures(A, src.orgId, buildingId)).toEqual(before);

    // Accepting again is idempotent: nothing imported twice.
    const twice = await adminCall(B).post(`/federation/transfers/${incoming[0]!.id}/accept`, { organizationId: dst.orgId });
    expect(twice.statusCode).toBe(200);
    expect(await figures(B, dst.orgId, buildingId)).toEqual(before);
    const other = await orgWithAdmin(B);
    expect((await adminCall(B).post(`/federation/transfers/${incoming[0]!.id}/accept`, { organizationId: other.orgId })).statusCode).toBe(409);

    // A second building of the same organization, held by an owner of the first, joins it on B: the person is not duplicated.
    const at = A.deps.clock.now();
    const [p] = await A.deps.sql<{ id: string }[]>`select h.person_id as id from holdings h join lots l on l.id = h.lot_id where l.building_id = ${buildingId} limit 1`;
    const [b2] = await A.deps.sql<{ id: string }[]>`insert into buildings (organization_id, name, street, postal_code, city, total_shares, language, created_at, updated_at)
      values (${src.orgId}, 'Annexe', 'Rue 2', '1000', 'Bruxelles', 100, 'fr', ${at}, ${at}) returning id`;
    const [l2] = await A.deps.sql<{ id: string }[]>`insert into lots (organization_id, building_id, number, kind, shares, created_at, updated_at)
      values (${src.orgId}, ${b2!.id}, 'A1', 'apartment', 100, ${at}, ${at}) returning id`;
    await A.deps.sql`insert into holdings (organization_id, lot_id, person_id, right_kind, part_num, part_den, votes, pays_ordinary, pays_extraordinary, valid_from, created_at)
      values (${src.orgId}, ${l2!.id}, ${p!.id}, 'full', 1, 1, true, true, true, '2020-01-01', ${at})`;
    expect((await orgCall(A, src)('POST', `/buildings/${b2!.id}/federation-moves`, { fedPeerId: bOnA })).statusCode).toBe(201);
    const second = await eventually(async () => (await adminCall(B).get('/federation/transfers')).json().items.find((t: { buildingId: string }) => t.buildingId === b2!.id), (t) => !!t);
    const res2 = await adminCall(B).post(`/federation/transfers/${second.id}/accept`, { organizationId: dst.orgId });
    expect(res2.statusCode, res2.body).toBe(200);
    expect((await B.deps.sql`select count(*)::int as n from persons where id = ${p!.id}`)[0]).toEqual({ n: 1 });
    expect((await B.deps.sql`select count(*)::int as n from holdings where person_id = ${p!.id} and organization_id = ${dst.orgId}`)[0]).toEqual({ n: 2 });
  });

  it('moves the meetings and the decisions register: the receiver lists the same decisions and has the same assembly rows', async () => {
    const src = await orgWithAdmin(A);
    const dst = await orgWithAdmin(B);
    const { buildingId, lots } = await insertLedgerBuilding(A.deps.sql, src.orgId, { lots: 3, name: 'Résidence des Assemblées' });
    const [aerts, bosmans, cools] = lots.map((l) => l.personId);
    await A.deps.sql`update persons set street = 'Rue Haute 5', postal_code = '1000', city = 'Bruxelles', country = 'BE'
      where organization_id = ${src.orgId} and id in ${A.deps.sql([aerts!, bosmans!, cools!])}`;
    const b = `/buildings/${buildingId}`;
    // The meeting is held on a test day: the admin's token is signed at the moved clock's time.
    const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const token = await signAccessToken(A.deps.secrets.jwtKey, { userId: src.admin.userId, sessionId: src.admin.sessionId }, A.clock.now(), A.deps.config.accessTokenTtlSeconds);
      const res = await A.app.inject({ method, url: `/api/v1/orgs/${src.orgId}${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.json();
    };
    let m: { id: string } = { id: '' };
    try {
      A.clock.set(new Date('2030-06-01T07:00:00Z'), { frozen: true });
      m = await call('POST', `${b}/meetings`, { kind: 'ordinary', meetingDate: '2030-06-20', startTime: '18:30', place: 'Salle communale, Bruxelles' });
      for (const item of [{ title: 'Approbation des comptes', decisionType: 'accounts_budget', draftResolution: 'Les comptes sont approuvés.' },
        { title: 'Rénovation de la façade', decisionType: 'common_parts_works', draftResolution: 'La façade est rénovée.' }]) {
        await call('POST', `${b}/meetings/${m.id}/agenda-items`, item);
      }
      await call('POST', `${b}/meetings/${m.id}/convocations`);
      await call('POST', `${b}/meetings/${m.id}/proxies`, { principalPersonId: cools, holderPersonId: bosmans });
      for (const [personId, mode] of [[aerts, 'present'], [bosmans, 'present'], [cools, 'represented']] as const) {
        await call('POST', `${b}/meetings/${m.id}/attendance`, { personId, mode });
      }
      A.clock.set(new Date('2030-06-20T07:00:00Z'), { frozen: true });
      const agenda: { id: string }[] = (await call('POST', `${b}/meetings/${m.id}/open`)).agenda;
      for (const [item, choices] of [[agenda[0]!, ['for', 'for', 'against']], [agenda[1]!, ['against', 'against', 'for']]] as const) {
        await call('POST', `${b}/meetings/${m.id}/agenda-items/${item.id}/open-vote`);
        for (const [k, personId] of [aerts, bosmans, cools].entries()) {
          await call('POST', `${b}/meetings/${m.id}/agenda-items/${item.id}/votes`, { personId, choice: choices[k] });
        }
        await call('POST', `${b}/meetings/${m.id}/agenda-items/${item.id}/close-vote`);
      }
      await call('POST', `${b}/meetings/${m.id}/close`);
      await call('POST', `${b}/meetings/${m.id}/minutes/signatures`, { signatures: [{ name: 'Lot 1', role: 'president' }, { name: 'Lot 2', role: 'secretary' }] });
    } finally {
      A.clock.reset();
    }
    const decisions = (await orgCall(A, src)('GET', `${b}/decisions`)).json();
    expect(decisions.items).toHaveLength(2);
    const before = await assemblyCounts(A, src.orgId, buildingId);
    expect(before).toMatchObject({ meetings: 1, agenda_items: 2, proxies: 1, meeting_voters: 3, attendance: 3, votes: 6, minutes: 1 });

    const offered = await orgCall(A, src)('POST', `${b}/federation-moves`, { fedPeerId: bOnA });
    expect(offered.statusCode, offered.body).toBe(201);
    expect(offered.json().counts).toMatchObject({ meetings: 1, agenda_items: 2, votes: 6, minutes: 1 });
    const incoming = await eventually(async () => (await adminCall(B).get('/federation/transfers')).json().items.find((t: { buildingId: string }) => t.buildingId === buildingId), (t) => !!t);
    const accepted = await adminCall(B).post(`/federation/transfers/${incoming.id}/accept`, { organizationId: dst.orgId });
    expect(accepted.statusCode, accepted.body).toBe(200);

    expect((await orgCall(B, dst)('GET', `${b}/decisions`)).json()).toEqual(decisions);
    expect(await assemblyCounts(B, dst.orgId, buildingId)).toEqual(before);
    const minutesOnA = (await orgCall(A, src)('GET', `${b}/meetings/${m.id}/minutes`)).json();
    expect(minutesOnA.signatures).toHaveLength(2);
    expect((await orgCall(B, dst)('GET', `${b}/meetings/${m.id}/minutes`)).json()).toEqual(minutesOnA);
    // Live voter tokens are this instance's credentials: none travels. Convocations stay behind (they point at A's deliveries).
    expect((await A.deps.sql`select count(*)::int as n from attendance where organization_id = ${src.orgId} and voter_token_hash is not null`)[0]!.n).toBeGreaterThan(0);
    expect((await B.deps.sql`select count(*)::int as n from convocations where organization_id = ${dst.orgId}`)[0]).toEqual({ n: 0 });
    expect((await B.deps.sql`select count(*)::int as n from attendance where organization_id = ${dst.orgId} and voter_token_hash is not null`)[0]).toEqual({ n: 0 });
  });

  it('imports nothing when the bundle does not match the signed offer', async () => {
    const src = await orgWithAdmin(A);
    const dst = await orgWithAdmin(B);
    const { buildingId } = await buildingWithBooks(A, src);
    const offered = (await orgCall(A, src)('POST', `/buildings/${buildingId}/federation-moves`, { fedPeerId: bOnA })).json();
    const row = await eventually(async () => (await adminCall(B).get('/federation/transfers')).json().items.find((t: { buildingId: string }) => t.buildingId === buildingId),
      (t) => !!t);
    // One part altered at the source after the offer was signed (as if corrupted in transit).
    await A.deps.sql`update fed_transfers_out set bundle = convert_to(replace(convert_from(bundle, 'UTF8'), 'Chauffagiste', 'Chauffagistz'), 'UTF8')
      where id = ${offered.transferId}`;
    const res = await adminCall(B).post(`/federation/transfers/${row.id}/accept`, { organizationId: dst.orgId });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('fed_transfer.hash_mismatch');
    expect(res.json().error.message).toContain('part suppliers');
    const [n] = await B.deps.sql`select (select count(*)::int from buildings where id = ${buildingId}) as b, (select count(*)::int from journal_entries where building_id = ${buildingId}) as e`;
    expect(n).toEqual({ b: 0, e: 0 });
    expect((await adminCall(B).get('/federation/transfers')).json().items.find((t: { id: string }) => t.id === row.id)).toMatchObject({ state: 'offered' });
  });

  it('refuses a peer that is not allowed, and a bundle fetch by anyone but the receiver', async () => {
    const src = await orgWithAdmin(A);
    const { buildingId } = await buildingWithBooks(A, src);
    const cOnA = (await A.deps.sql`select id from fed_peers where host = ${C.host}`)[0]?.id ?? '00000000-0000-4000-8000-000000000000';
    const res = await orgCall(A, src)('POST', `/buildings/${buildingId}/federation-moves`, { fedPeerId: cOnA });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('fed_transfer.peer_not_allowed');
    expect((await A.deps.sql`select count(*)::int as n from fed_transfers_out where building_id = ${buildingId}`)[0]).toEqual({ n: 0 });
    // Only an administrator of the whole organization may move a building.
    const syndic = await createActor(A.deps, { organizationId: src.orgId, grants: [{ role: 'syndic' }] });
    const bySyndic = await A.app.inject({ method: 'POST', url: `/api/v1/orgs/${src.orgId}/buildings/${buildingId}/federation-moves`, headers: syndic.headers, payload: { fedPeerId: bOnA } });
    expect(bySyndic.statusCode).toBe(403);
    // The bundle: unsigned → 401; signed by C (not allowed on A) → 401 unknown_peer.
    const offered = (await orgCall(A, src)('POST', `/buildings/${buildingId}/federation-moves`, { fedPeerId: bOnA })).json();
    const url = `${A.url}/fed/transfers/${offered.transferId}/bundle`;
    expect((await fetch(url)).status).toBe(401);
    const { signRequest } = await import('@koprogo/federation');
    const { signingIdentity } = await import('./federation.identity.ts');
    const byC = await fetch(url, { headers: await signRequest({ method: 'GET', url, headers: { accept: 'application/json' } }, await signingIdentity(C.deps), C.deps.clock.now()) });
    expect(byC.status).toBe(401);
    expect(((await byC.json()) as { error: { code: string } }).error.code).toBe('federation.unknown_peer');
    const byB = await fetch(url, { headers: await signRequest({ method: 'GET', url, headers: { accept: 'application/json' } }, await signingIdentity(B.deps), B.deps.clock.now()) });
    expect(byB.status).toBe(200);
  });
});
