// 1,000 owners voting at once over the live WebSocket on one resolution: the acknowledgement time
// each voter sees, the chair's live view, and the time from the last vote to the exact final tally.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import * as meetings from '../instance/src/modules/assemblies/meetings.service.ts';
import * as session from '../instance/src/modules/assemblies/session.service.ts';
import * as voting from '../instance/src/modules/assemblies/voting.service.ts';
import { systemClock } from '../instance/src/platform/clock.ts';
import { createActor } from '../instance/test/support/actors.ts';
import type { Deps } from '../instance/src/platform/deps.ts';
import { startBenchInstance } from './lib/instance.ts';
import type { BenchModule, Metric } from './lib/report.ts';

export const title = '1,000 concurrent WebSocket voters on one resolution (acknowledgement time, time to the final tally)';

const VOTERS = 1000;
const TARGET_P99_MS = 50;
const CHOICES = ['for', 'against', 'abstention'] as const;

async function seed(deps: Deps) {
  const sql = deps.sql;
  const at = new Date();
  const [org] = await sql<{ id: string }[]>`insert into organizations (name, kind, created_at) values ('Bench', 'syndic_office', ${at}) returning id`;
  const orgId = org!.id;
  const shares = Array.from({ length: VOTERS }, (_, i) => 1 + (i % 10));
  const total = shares.reduce((a, s) => a + s, 0);
  const [b] = await sql<{ id: string }[]>`insert into buildings (organization_id, name, street, postal_code, city, total_shares, language,
      created_at, updated_at) values (${orgId}, 'Bench tower', 'Rue 1', '1000', 'Bruxelles', ${total}, 'fr', ${at}, ${at}) returning id`;
  const buildingId = b!.id;
  const lots = await sql<{ id: string }[]>`insert into lots ${sql(shares.map((s, i) => ({ organization_id: orgId, building_id: buildingId,
    number: String(i + 1).padStart(4, '0'), kind: 'apartment', floor: 1, shares: s, created_at: at, updated_at: at })))} returning id`;
  const persons = await sql<{ id: string }[]>`insert into persons ${sql(shares.map((_, i) => ({ organization_id: orgId, kind: 'natural',
    last_name: `Owner ${i}`, language: 'fr', street: 'Rue 1', postal_code: '1000', city: 'Bruxelles', country: 'BE', created_at: at, updated_at: at })))} returning id`;
  await sql`insert into holdings ${sql(lots.map((l, i) => ({ organization_id: orgId, lot_id: l.id, person_id: persons[i]!.id, right_kind: 'full',
    part_num: 1, part_den: 1, votes: true, pays_ordinary: true, pays_extraordinary: true, valid_from: '2020-01-01', created_at: at })))}`;
  await sql`analyze lots, holdings, persons`;
  return { orgId, buildingId, personIds: persons.map((p) => p.id), shares };
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { median: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1]! };
}
const fmt = (n: number) => `${n.toFixed(1)} ms`;

type Client = { ws: WebSocket; messages: any[]; waiters: Array<(m: any) => boolean> };
function open(url: string, auth: object): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c: Client = { ws: new WebSocket(url), messages: [], waiters: [] };
    c.ws.addEventListener('message', (e) => {
      const m = JSON.parse(String(e.data));
      c.messages.push(m);
      c.waiters = c.waiters.filter((w) => !w(m));
      if (m.type === 'ready') resolve(c);
    });
    c.ws.addEventListener('open', () => c.ws.send(JSON.stringify(auth)));
    c.ws.addEventListener('error', () => reject(new Error('socket error')));
    c.ws.addEventListener('close', (e) => reject(new Error(`socket closed ${e.code}`)));
  });
}
export const run: BenchModule['run'] = async (ctx) => {
  ctx.progress('database, migrations, instance server');
  const { db, deps, port } = await startBenchInstance(ctx.cleanup, 'assembly-voting');
  const { config, sql } = deps;

  ctx.progress(`seeding ${VOTERS} owners, a meeting, ${VOTERS} sign-ins`);
  const f = await seed(deps);
  const actor = { organizationId: f.orgId, actorUserId: null, requestId: null };
  const today = systemClock.today();
  const m = await meetings.createMeeting(deps, actor, f.buildingId, { kind: 'ordinary', convenedBy: 'syndic', meetingDate: today, startTime: '19:00', place: 'Bench hall' });
  await meetings.addAgendaItem(deps, actor, f.buildingId, m.id, { title: 'Budget', decisionType: 'accounts_budget', excludedPersonIds: [] });
  // Convocations (1,000 PDFs and letters) are not what is measured: the meeting is marked convened directly.
  await sql`update meetings set status = 'convened', convened_on = ${today} where id = ${m.id}`;
  const tokens: string[] = [];
  for (const personId of f.personIds) tokens.push((await session.signIn(deps, actor, f.buildingId, m.id, { personId, mode: 'present' })).voterToken);
  const opened = await session.openMeeting(deps, actor, f.buildingId, m.id);
  if (opened.status !== 'open') throw new Error(`meeting did not open: ${opened.status}`);
  const itemId = opened.agenda[0]!.id;
  const chairActor = await createActor(deps, { organizationId: f.orgId, grants: [{ role: 'syndic' }] });

  const url = `ws://127.0.0.1:${port}/api/v1/orgs/${f.orgId}/meetings/${m.id}/live`;
  ctx.progress(`opening ${VOTERS} voter sockets (worker thread) and the chair's`);
  const chair = await open(url, { type: 'auth', token: chairActor.token });
  ctx.cleanup.defer('close the chair socket', () => chair.ws.close());
  const worker = new Worker(new URL('./lib/voters-worker.ts', import.meta.url), {
    workerData: { url, tokens, choices: tokens.map((_, i) => CHOICES[i % 3]) } });
  ctx.cleanup.defer('stop the voters worker', async () => { await worker.terminate(); });
  const messages: any[] = [];
  const next = (type: string) => new Promise<any>((resolve, reject) => {
    const found = messages.find((x) => x.type === type);
    if (found) return resolve(found);
    const onMessage = (x: any) => { if (x.type === type) { worker.off('message', onMessage); resolve(x); } };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
  worker.on('message', (x) => messages.push(x));
  await next('ready');

  await voting.openVote(deps, actor, f.buildingId, m.id, itemId);
  ctx.progress(`${VOTERS} votes at once`);
  worker.postMessage({ itemId });
  const done = await next('done');
  const acks: number[] = done.acks;
  const rejected: string[] = done.rejected;
  const lastSent = done.lastSentEpoch - performance.timeOrigin;
  const start = done.sentAtEpoch - performance.timeOrigin;
  const allAcked = start + done.allAckedMs;
  const closing = performance.now();
  const closed = await voting.closeVote(deps, actor, f.buildingId, m.id, itemId);
  const tallied = performance.now();
  const chairSawAll = await new Promise<number>((resolve) => {
    const check = () => (chair.messages.filter((x) => x.type === 'vote.recorded').length >= VOTERS ? resolve(performance.now()) : setTimeout(check, 1));
    check();
  });
  const result = closed.result as { ballots: number; for: { numerator: string }; against: { numerator: string }; abstention: { numerator: string } };
  const expected = [0, 0, 0];
  f.shares.forEach((s, i) => { expected[i % 3]! += s; });
  const exact = result.ballots === VOTERS && result.for.numerator === String(expected[0]) && result.against.numerator === String(expected[1])
    && result.abstention.numerator === String(expected[2]);

  const ack = stats(acks);
  const metrics: Metric[] = [
    { label: `Vote acknowledgement over WebSocket, ${VOTERS} voters at once: median / P95 / P99`, value: `${fmt(ack.median)} / ${fmt(ack.p95)} / ${fmt(ack.p99)}`,
      target: `P99 < ${TARGET_P99_MS} ms`, pass: ack.p99 < TARGET_P99_MS },
    { label: 'First vote sent → last acknowledgement', value: fmt(allAcked - start) },
    { label: 'Chair\'s live view: first vote sent → all ballots shown', value: fmt(chairSawAll - start) },
    { label: 'Last vote sent → final tally (all acknowledged, then close-vote with the exact result)', value: fmt(tallied - lastSent) },
    { label: 'close-vote alone (lock, exact tally of 1,000 ballots with the cap, store)', value: fmt(tallied - closing) },
    { label: 'Final tally exact (1,000 ballots, sums by choice)', value: exact ? 'yes' : `no: ${JSON.stringify(result)}` },
  ];
  return {
    context: { PostgreSQL: db.version, Fixture: `${VOTERS} owners of 1–10 shares, all present, one open resolution; pool ${config.dbPoolMax} connections` },
    metrics,
    notes: [
      'The 1,000 voters are Node WebSocket clients in a worker thread (bench/lib/voters-worker.ts), the chair in the main thread with the instance; all on loopback, so the 2 cores are shared by clients, server and PostgreSQL. Acknowledgement time = from a voter\'s send to its vote.ack, all 1,000 sent in one loop.',
      'Live ballots are group-committed (ballot-queue.ts): arriving ballots go together in ONE statement per batch (resolution row FOR SHARE so a close waits for them, attendance and conflict checks, upsert on (resolution, owner), one pg_notify per ballot for the chair), batches of at most 250 with up to 4 in flight on the pool; acknowledgements are sent after commit.',
      'For comparison, one transaction per ballot (six round trips each) measured P99 2.3 s on the same machine and load (2026-11-25); a single statement per ballot without batching, 2.6 s at load average 9.4. The remaining time is mostly the batch statements (tens of ms each on the loaded machine) and the 2 cores shared by the 1,001 clients, the server and PostgreSQL.',
      `Max acknowledgement: ${fmt(ack.max)}. Rejected votes: ${rejected.length}.`,
    ],
    failures: [...rejected.slice(0, 10), ...(exact ? [] : ['the final tally is not exact'])],
    data: { ack, firstToLastAckMs: allAcked - start, chairMs: chairSawAll - start, tallyMs: tallied - lastSent, closeVoteMs: tallied - closing, result },
  };
};
