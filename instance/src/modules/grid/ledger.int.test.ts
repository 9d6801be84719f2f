import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, type Actor } from '../../../test/support/actors.ts';
import { signAccessToken } from '../auth/tokens.ts';
import { createTestApp } from '../../../test/support/test-app.ts';
import { ledgerFixture } from './ledger.fixture.ts';
import { LEDGER_CLOSE_QUEUE, runLedgerClose } from './ledger.jobs.ts';
import { closePeriod, recordWork, verifyChain } from './ledger.service.ts';

const { app, deps, clock } = await createTestApp({ withJobs: true });
const sql = deps.sql;
const fx = await ledgerFixture(deps);
const admin = await createActor(deps, { isInstanceAdmin: true });
const member = await createActor(deps, { organizationId: fx.organizationId, grants: [{ role: 'admin' }] });
/** Signs a fresh access token at the test clock's time, which the tests move by months. */
const api = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, who: Actor = admin) => {
  const token = await signAccessToken(deps.secrets.jwtKey, { userId: who.userId, sessionId: who.sessionId }, clock.now(), 60);
  return app.inject({ method, url: `/api/v1/grid/revenue${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
};
const record = (input: Parameters<typeof recordWork>[1]) => sql.begin((tx) => recordWork(tx, input, clock));

/** Σ of the ledger lines of a period, per pool, straight from the table. */
async function ledgerSums(period: string) {
  const [row] = await sql<{ dev: number; sol: number }[]>`select coalesce(sum(cents) filter (where pool = 'dev'), 0)::bigint as dev,
    coalesce(sum(cents) filter (where pool = 'sol'), 0)::bigint as sol from grid_ledger where period = ${period}`;
  return row!;
}

describe('revenue-share ledger', () => {
  it('is for the instance administrator only', async () => {
    expect((await api('GET', '/price', undefined, member)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/grid/revenue/periods' })).statusCode).toBe(401);
    expect((await api('PUT', '/price', { perDraftCents: -1, perThousandTokensCents: 0 })).json().error.code).toBe('request.invalid');
  });

  it('closes the worked example: R = 1,001, A/B/C 5/3/2 → dev 400/240/160, sol 101/60/40', async () => {
    clock.set(new Date('2026-10-15T10:00:00Z'), { frozen: true });
    const [A, B, C] = [await fx.node('12D3KooWAaaaaaaaaaaaa'), await fx.node('12D3KooWBbbbbbbbbbbbb'), await fx.node('12D3KooWCcccccccccccc')];
    await record({ peerId: C!, jobId: await fx.draft(), units: 2, tokensIn: 100, tokensOut: 50, priceCents: 1 });
    await record({ peerId: A!, jobId: await fx.draft(), units: 5, tokensIn: 300, tokensOut: 200, priceCents: 1000, energyMilliWh: 12 });
    await record({ peerId: B!, jobId: await fx.draft(), units: 3, tokensIn: 200, tokensOut: 100, priceCents: 0 });

    const early = await api('POST', '/periods/2026-10/close');
    expect(early.statusCode).toBe(422);
    expect(early.json().error.code).toBe('grid_period.not_ended');
    const open = (await api('GET', '/periods/2026-10')).json();
    expect(open).toMatchObject({ status: 'open', revenueCents: 1001, devCents: 800, solCents: 201, totalUnits: 10, jobs: 3 });

    clock.set(new Date('2026-11-01T08:00:00Z'), { frozen: true });
    const closed = await api('POST', '/periods/2026-10/close');
    expect(closed.statusCode).toBe(201);
    const report = closed.json();
    expect(report).toMatchObject({ status: 'closed', revenueCents: 1001, devCents: 800, solCents: 201, totalUnits: 10, jobs: 3 });
    expect(report.nodes.map((n: { peerId: string; devCents: number; solCents: number }) => [n.peerId, n.devCents, n.solCents]))
      .toEqual([[A, 400, 101], [B, 240, 60], [C, 160, 40]]);
    expect(await ledgerSums('2026-10')).toEqual({ dev: 800, sol: 201 });

    const again = await api('POST', '/periods/2026-10/close');
    expect(again.statusCode).toBe(200);
    expect(again.json().headHash).toBe(report.headHash);
    const statement = (await api('GET', `/periods/2026-10/nodes/${A}`)).json();
    expect(statement.node).toMatchObject({ jobs: 1, tokensIn: 300, tokensOut: 200, energyMwh: 12, energyJobs: 1, units: 5, revenueCents: 1000, devCents: 400, solCents: 101 });
    expect(statement.work).toHaveLength(1);
    expect((await api('GET', '/periods')).json().items[0]).toMatchObject({ period: '2026-10', revenueCents: 1001 });
  });

  it('refuses work in a closed period, and changes to any ledger row', async () => {
    await expect(record({ period: '2026-10', peerId: await fx.node(), jobId: await fx.draft(), units: 1, tokensIn: 1, tokensOut: 1 }))
      .rejects.toMatchObject({ message: 'grid_period.closed' });
    await expect(sql`update grid_ledger set cents = cents + 1`).rejects.toMatchObject({ message: 'grid_ledger.immutable' });
    await expect(sql`delete from grid_work`).rejects.toMatchObject({ message: 'grid_work.immutable' });
    await expect(sql`update grid_closes set revenue_cents = 0`).rejects.toMatchObject({ message: 'grid_ledger.immutable' });
    expect(await verifyChain(deps)).toMatchObject({ ok: true, brokenAt: null });
  });

  it('credits a job once per node, its price once per job, at the price in force', async () => {
    clock.set(new Date('2026-11-10T10:00:00Z'), { frozen: true });
    expect((await api('PUT', '/price', { perDraftCents: 5, perThousandTokensCents: 10 })).statusCode).toBe(200);
    const [n1, n2, job] = [await fx.node(), await fx.node(), await fx.draft()];
    const first = await record({ peerId: n1, jobId: job, units: 7, tokensIn: 350, tokensOut: 200 });
    expect(first).toMatchObject({ period: '2026-11', priceCents: 5 + 5, created: true }); // 5 + floor(10 × 550 / 1000)
    expect(await record({ peerId: n1, jobId: job, units: 7, tokensIn: 350, tokensOut: 200 })).toMatchObject({ workId: first.workId, created: false });
    // An approved redundant run: units for the second node, no second revenue.
    expect(await record({ peerId: n2, jobId: job, units: 7, tokensIn: 350, tokensOut: 200 })).toMatchObject({ priceCents: 0, created: true });
    const rows = await sql`select 1 from grid_work where job_id = ${job}`;
    expect(rows).toHaveLength(2);
    await expect(record({ peerId: n1, jobId: await fx.draft(), units: -1, tokensIn: 0, tokensOut: 0 })).rejects.toMatchObject({ code: 'grid_work.invalid' });
    // The period is the month in Brussels: 23:30 UTC on 31 October is already November there.
    // (In UTC it would be October, which is closed: the insert would be refused.)
    const late = await sql.begin(async (tx) => recordWork(tx, { at: new Date('2026-10-31T23:30:00Z'), peerId: n1, jobId: await fx.draft(), units: 1, tokensIn: 1, tokensOut: 1 }));
    expect(late).toMatchObject({ period: '2026-11', created: true });
    const lastMinute = await sql.begin(async (tx) => recordWork(tx, { at: new Date('2026-11-30T22:59:00Z'), peerId: n2, jobId: await fx.draft(), units: 1, tokensIn: 1, tokensOut: 1 }));
    expect(lastMinute).toMatchObject({ period: '2026-11', created: true });
  });

  it('corrects with a reversing entry in the open period, once', async () => {
    const [n, job] = [await fx.node(), await fx.draft()];
    const w = await record({ peerId: n, jobId: job, units: 9, tokensIn: 10, tokensOut: 10, priceCents: 50 });
    const before = (await api('GET', '/periods/2026-11')).json();
    const rev = await api('POST', `/work/${w.workId}/reverse`, { reason: 'draft approved by mistake' });
    expect(rev.statusCode).toBe(201);
    expect(rev.json()).toMatchObject({ units: -9, priceCents: -50, reversesId: w.workId });
    const after = (await api('GET', '/periods/2026-11')).json();
    expect(after.revenueCents).toBe(before.revenueCents - 50);
    expect(after.totalUnits).toBe(before.totalUnits - 9);
    expect(after.nodes.find((x: { peerId: string }) => x.peerId === n)).toMatchObject({ units: 0, jobs: 0, devCents: 0, solCents: 0 });
    expect((await api('POST', `/work/${w.workId}/reverse`, { reason: 'twice' })).json().error.code).toBe('grid_work.already_reversed');
    expect((await api('POST', `/work/${rev.json().id}/reverse`, { reason: 'of a reversal' })).statusCode).toBe(409);
    expect((await api('POST', '/work/999999999/reverse', { reason: 'x' })).statusCode).toBe(404);
    // The job stays credited once: crediting the same node again returns the original (reversed) row.
    expect(await record({ peerId: n, jobId: job, units: 9, tokensIn: 10, tokensOut: 10 })).toMatchObject({ workId: w.workId, created: false });
  });

  it('closes ended periods from the scheduled pg-boss job, by the instance clock, once', async () => {
    clock.set(new Date('2026-12-02T03:15:00Z'), { frozen: true });
    await deps.boss!.send(LEDGER_CLOSE_QUEUE, {});
    let close: readonly unknown[] = [];
    for (let i = 0; i < 100 && close.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      close = await sql`select 1 from grid_closes where period = '2026-11'`;
    }
    expect(close).toHaveLength(1);
    const report = (await api('GET', '/periods/2026-11')).json();
    expect(report.status).toBe('closed');
    expect(await ledgerSums('2026-11')).toEqual({ dev: report.devCents, sol: report.solCents });
    expect(report.devCents + report.solCents).toBe(report.revenueCents);
    expect(await runLedgerClose(deps)).toEqual([]); // idempotent per period
    const schedules = await deps.boss!.getSchedules(LEDGER_CLOSE_QUEUE);
    expect(schedules.map((s) => s.cron)).toEqual(['15 3 * * *']);
  });

  it('reconciles to the cent on random periods (Σ lines = R, dev = floor(0.8 R)), chain intact', async () => {
    const nodes = await Promise.all(Array.from({ length: 6 }, () => fx.node()));
    let month = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ node: fc.integer({ min: 0, max: 5 }), units: fc.integer({ min: 0, max: 10_000 }), price: fc.integer({ min: 0, max: 100_000 }) }),
        { minLength: 0, maxLength: 12 }),
      async (jobs) => {
        month += 1;
        const period = `2027-${String(month).padStart(2, '0')}`;
        for (const j of jobs) await record({ period, peerId: nodes[j.node]!, jobId: await fx.draft(), units: j.units, tokensIn: 1, tokensOut: 1, priceCents: j.price });
        clock.set(new Date(`2028-01-15T00:00:00Z`), { frozen: true });
        const { close } = await closePeriod(deps, { period, by: null });
        const R = jobs.reduce((a, j) => a + j.price, 0);
        expect(close.revenueCents).toBe(R);
        expect(close.devCents).toBe(Math.floor((R * 80) / 100));
        const sums = await ledgerSums(period);
        const W = jobs.reduce((a, j) => a + j.units, 0);
        expect(sums).toEqual(W === 0 ? { dev: 0, sol: 0 } : { dev: close.devCents, sol: close.solCents });
      }), { numRuns: 12, seed: 42 });
    expect(await verifyChain(deps)).toMatchObject({ ok: true });
    expect((await api('GET', '/verify')).json()).toMatchObject({ ok: true });
  });

  it('detects a forged line appended to the chain', async () => {
    const n = await fx.node();
    await sql`insert into grid_ledger (period, peer_id, pool, units, cents, prev_hash, entry_hash, created_at)
      values ('2026-10', ${n}, 'dev', 1, 1000, ${'0'.repeat(64)}, ${'f'.repeat(64)}, now())`;
    const v = await verifyChain(deps);
    expect(v.ok).toBe(false);
    expect(v.brokenAt).not.toBeNull();
  });
});
