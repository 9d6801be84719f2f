// Moving a building's whole file between two real instances (loopback): the source builds and
// stores the bundle (offer), the receiver fetches it by signed GET, verifies every part's SHA-256 and
// imports it in one transaction. A building of 300 lots and 3,000 journal entries.
import { performance } from 'node:perf_hooks';
import { instanceDocument } from '../instance/src/modules/federation/federation.identity.ts';
import { acceptTransfer, offerMove } from '../instance/src/modules/federation/federation.move.ts';
import { dispatchNow } from '../instance/src/modules/federation/federation.outbox.ts';
import { addPeer } from '../instance/src/modules/federation/federation.peers.ts';
import { insertLedgerBuilding } from '../instance/src/modules/accounting/accounting.fixture.ts';
import { openFiscalYear } from '../instance/src/modules/accounting/accounting.service.ts';
import { postEntry } from '../instance/src/modules/accounting/posting.ts';
import { insertOrganization } from '../instance/src/modules/organizations/organizations.repo.ts';
import type { BenchModule, Metric } from './lib/report.ts';
import { startInstance } from './federation-delivery.bench.ts';

export const title = 'Federation: moving a building (300 lots, 3,000 entries) between two instances';

const LOTS = 300;
const ENTRIES = 3_000;

export const run: BenchModule['run'] = async (ctx) => {
  ctx.progress('two instances (each its own embedded PostgreSQL, pg-boss and HTTP port)');
  const a = await startInstance(ctx, 'move-source');
  const b = await startInstance(ctx, 'move-receiver');
  for (const [from, to] of [[a, b], [b, a]] as const) {
    await addPeer(from.deps, { url: to.url, fingerprint: (await instanceDocument(to.deps)).assertionMethod[0]!.fingerprint });
  }
  const at = new Date();
  const src = await insertOrganization(a.deps.sql, 'Source', 'syndic_office', at);
  const dst = await insertOrganization(b.deps.sql, 'Receiver', 'syndic_office', at);
  ctx.progress(`source building: ${LOTS} lots, ${ENTRIES} entries`);
  const { buildingId, lots } = await insertLedgerBuilding(a.deps.sql, src.id, { lots: LOTS });
  const ctxA = { organizationId: src.id, actorUserId: null, requestId: null };
  await openFiscalYear(a.deps, ctxA, buildingId, { startDate: '2025-01-01' });
  for (let i = 0; i < ENTRIES; i++) {
    const l = lots[i % LOTS]!;
    await a.deps.sql.begin((tx) => postEntry(tx, { organizationId: src.id, buildingId, journal: 'VEN', date: '2025-06-01', description: `call ${i}`,
      source: { type: 'call', id: `c${i}` }, lines: [{ account: '4101', debitCents: 1_000 + i, creditCents: 0, personId: l.personId, lotId: l.id },
        { account: '701', debitCents: 0, creditCents: 1_000 + i }] }, { actorUserId: null, requestId: null, at }));
  }
  const [peerB] = await a.deps.sql<{ id: string }[]>`select id from fed_peers`;
  ctx.progress('offer (export, canonical JSON, hashes, outbox)');
  const t0 = performance.now();
  const offered = await offerMove(a.deps, { organizationId: src.id, userId: null }, buildingId, peerB!.id);
  const offerMs = performance.now() - t0;
  // The route delivers the offer by the post-commit fast path; the same function here.
  await dispatchNow(a.deps, offered.move.activityId);
  let incoming: { id: string } | undefined;
  for (let i = 0; i < 200 && !incoming; i++) {
    [incoming] = await b.deps.sql<{ id: string }[]>`select id from fed_transfers_in`;
    if (!incoming) await new Promise((r) => setTimeout(r, 50));
  }
  if (!incoming) throw new Error('the offer did not reach the receiver');
  ctx.progress('accept (signed GET, verify every part, import in one transaction)');
  const t1 = performance.now();
  await acceptTransfer(b.deps, incoming.id, dst.id);
  const acceptMs = performance.now() - t1;
  const count = async (sql: typeof a.deps.sql, org: string) => (await sql<{ lines: number; debit: string }[]>`select count(*)::int as lines,
    sum(debit_cents)::text as debit from journal_lines where organization_id = ${org} and building_id = ${buildingId}`)[0]!;
  const [before, after] = [await count(a.deps.sql, src.id), await count(b.deps.sql, dst.id)];
  const metrics: Metric[] = [
    { label: 'Bundle size', value: `${(offered.move.bundleBytes / 1024 / 1024).toFixed(2)} MiB` },
    { label: 'Offer (snapshot, canonical JSON, SHA-256 per part, stored, outbox)', value: `${offerMs.toFixed(0)} ms` },
    { label: 'Accept (signed GET, verification, import in one transaction)', value: `${acceptMs.toFixed(0)} ms` },
    { label: 'Journal lines / Σ debit, source → receiver', value: `${before.lines} / ${before.debit} → ${after.lines} / ${after.debit}` },
  ];
  return {
    context: { PostgreSQL: `${a.db.version} (${a.db.origin}, one server per instance)`, Load: `one move of ${LOTS} lots, ${LOTS} persons and holdings, ${ENTRIES} entries (${ENTRIES * 2} lines)` },
    metrics,
    notes: ['Both instances run in the bench process, each on its own embedded PostgreSQL; the cores are shared with anything else running.'],
    failures: before.lines === after.lines && before.debit === after.debit ? [] : ['the receiver\'s journal differs from the source\'s'],
    data: { offerMs, acceptMs, bundleBytes: offered.move.bundleBytes },
  };
};
