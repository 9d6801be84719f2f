import type { Db } from '../../platform/db.ts';
import type { Price } from './ledger.domain.ts';

/** All SQL of the revenue-share ledger (migration 0014). Instance-level tables: no organization. */

export interface PriceRow extends Price { id: number; setBy: string | null; setAt: Date }
export interface WorkRow {
  id: number; period: string; peerId: string; jobId: string; units: number; tokensIn: number; tokensOut: number;
  energyMwh: number | null; priceCents: number; reversesId: number | null; reason: string | null; recordedAt: Date;
}
export interface CloseRow {
  period: string; revenueCents: number; devCents: number; solCents: number; totalUnits: number; jobs: number;
  headHash: string; closedBy: string | null; closedAt: Date;
}
export interface LedgerRow { seq: number; period: string; peerId: string; pool: 'dev' | 'sol'; units: number; cents: number; prevHash: string; entryHash: string }

const workCols = (tx: Db) => tx`id, period, peer_id as "peerId", job_id as "jobId", units, tokens_in as "tokensIn", tokens_out as "tokensOut",
  energy_mwh as "energyMwh", price_cents as "priceCents", reverses_id as "reversesId", reason, recorded_at as "recordedAt"`;
const closeCols = (tx: Db) => tx`period, revenue_cents as "revenueCents", dev_cents as "devCents", sol_cents as "solCents",
  total_units as "totalUnits", jobs, head_hash as "headHash", closed_by as "closedBy", closed_at as "closedAt"`;

/** Serialises work recording and closing of one period (both run in their caller's transaction). */
export async function lockPeriod(tx: Db, period: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtext(${`grid_period:${period}`}))`;
}

/** Serialises the recording of one job (its price counts once, whichever node is credited first). */
export async function lockJob(tx: Db, jobId: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtext(${`grid_job:${jobId}`}))`;
}

export async function latestPrice(tx: Db): Promise<PriceRow | null> {
  const [row] = await tx<PriceRow[]>`select id, per_draft_cents as "perDraftCents", per_thousand_tokens_cents as "perThousandTokensCents",
    set_by as "setBy", set_at as "setAt" from grid_prices order by id desc limit 1`;
  return row ?? null;
}

export async function insertPrice(tx: Db, p: Price & { setBy: string | null; at: Date }): Promise<PriceRow> {
  const [row] = await tx<PriceRow[]>`insert into grid_prices (per_draft_cents, per_thousand_tokens_cents, set_by, set_at)
    values (${p.perDraftCents}, ${p.perThousandTokensCents}, ${p.setBy}, ${p.at})
    returning id, per_draft_cents as "perDraftCents", per_thousand_tokens_cents as "perThousandTokensCents", set_by as "setBy", set_at as "setAt"`;
  return row!;
}

export async function workOfJob(tx: Db, jobId: string): Promise<WorkRow[]> {
  return tx<WorkRow[]>`select ${workCols(tx)} from grid_work where job_id = ${jobId} order by id`;
}

export async function workById(tx: Db, id: number): Promise<WorkRow | null> {
  const [row] = await tx<WorkRow[]>`select ${workCols(tx)} from grid_work where id = ${id}`;
  return row ?? null;
}

export async function insertWork(tx: Db, w: Omit<WorkRow, 'id' | 'recordedAt'> & { recordedBy: string | null; at: Date }): Promise<WorkRow> {
  const [row] = await tx<WorkRow[]>`insert into grid_work (period, peer_id, job_id, units, tokens_in, tokens_out, energy_mwh, price_cents,
      reverses_id, reason, recorded_by, recorded_at)
    values (${w.period}, ${w.peerId}, ${w.jobId}, ${w.units}, ${w.tokensIn}, ${w.tokensOut}, ${w.energyMwh}, ${w.priceCents},
      ${w.reversesId}, ${w.reason}, ${w.recordedBy}, ${w.at})
    returning ${workCols(tx)}`;
  return row!;
}

export interface PeerTotals { peerId: string; units: number; jobs: number; tokensIn: number; tokensOut: number; energyMwh: number; energyJobs: number; revenueCents: number }

/**
 * Per-node sums of a period (a reversing row carries negated figures, so it cancels its job). `jobs`
 * counts the node's credited jobs net of reversals; `energyJobs` those that declared energy.
 */
export async function periodTotals(tx: Db, period: string, peerId?: string): Promise<PeerTotals[]> {
  return tx<PeerTotals[]>`select peer_id as "peerId", sum(units)::bigint as units,
      (count(*) filter (where reverses_id is null) - count(*) filter (where reverses_id is not null))::int as jobs,
      sum(tokens_in)::bigint as "tokensIn", sum(tokens_out)::bigint as "tokensOut",
      coalesce(sum(energy_mwh), 0)::bigint as "energyMwh",
      (count(energy_mwh) filter (where reverses_id is null) - count(energy_mwh) filter (where reverses_id is not null))::int as "energyJobs",
      sum(price_cents)::bigint as "revenueCents"
    from grid_work where period = ${period} ${peerId === undefined ? tx`` : tx`and peer_id = ${peerId}`}
    group by peer_id order by peer_id collate "C"`;
}

/** The period's revenue R and its net number of priced jobs (a job's price sits on its first work row). */
export async function periodRevenue(tx: Db, period: string): Promise<{ revenueCents: number; jobs: number }> {
  const [row] = await tx<{ revenueCents: number; jobs: number }[]>`select coalesce(sum(price_cents), 0)::bigint as "revenueCents",
      count(distinct job_id) filter (where reverses_id is null and not exists (select 1 from grid_work r where r.reverses_id = w.id))::int as jobs
    from grid_work w where period = ${period}`;
  return row!;
}

/** Periods before `beforePeriod` with work and no close yet (the close job catches up on them). */
export async function unclosedPeriodsBefore(tx: Db, beforePeriod: string): Promise<string[]> {
  const rows = await tx<{ period: string }[]>`select distinct w.period from grid_work w
    where w.period < ${beforePeriod} and not exists (select 1 from grid_closes c where c.period = w.period) order by w.period`;
  return rows.map((r) => r.period);
}

export async function closeOf(tx: Db, period: string): Promise<CloseRow | null> {
  const [row] = await tx<CloseRow[]>`select ${closeCols(tx)} from grid_closes where period = ${period}`;
  return row ?? null;
}

export async function listCloses(tx: Db, limit: number): Promise<CloseRow[]> {
  return tx<CloseRow[]>`select ${closeCols(tx)} from grid_closes order by period desc limit ${limit}`;
}

export async function insertClose(tx: Db, c: Omit<CloseRow, 'closedAt'> & { at: Date }): Promise<CloseRow> {
  const [row] = await tx<CloseRow[]>`insert into grid_closes (period, revenue_cents, dev_cents, sol_cents, total_units, jobs, head_hash, closed_by, closed_at)
    values (${c.period}, ${c.revenueCents}, ${c.devCents}, ${c.solCents}, ${c.totalUnits}, ${c.jobs}, ${c.headHash}, ${c.closedBy}, ${c.at})
    returning ${closeCols(tx)}`;
  return row!;
}

/** The hash of the last ledger entry (the chain runs across periods), locking the table's tail for the close. */
export async function lastEntryHash(tx: Db): Promise<string | null> {
  await tx`lock table grid_ledger in share row exclusive mode`;
  const [row] = await tx<{ entryHash: string }[]>`select entry_hash as "entryHash" from grid_ledger order by seq desc limit 1`;
  return row?.entryHash ?? null;
}

export async function insertLedgerLine(tx: Db, l: Omit<LedgerRow, 'seq'> & { at: Date }): Promise<void> {
  await tx`insert into grid_ledger (period, peer_id, pool, units, cents, prev_hash, entry_hash, created_at)
    values (${l.period}, ${l.peerId}, ${l.pool}, ${l.units}, ${l.cents}, ${l.prevHash}, ${l.entryHash}, ${l.at})`;
}

export async function ledgerOfPeriod(tx: Db, period: string): Promise<LedgerRow[]> {
  return tx<LedgerRow[]>`select seq, period, peer_id as "peerId", pool, units, cents, prev_hash as "prevHash", entry_hash as "entryHash"
    from grid_ledger where period = ${period} order by seq`;
}

export async function allLedger(tx: Db): Promise<LedgerRow[]> {
  return tx<LedgerRow[]>`select seq, period, peer_id as "peerId", pool, units, cents, prev_hash as "prevHash", entry_hash as "entryHash"
    from grid_ledger order by seq`;
}

export async function nodeExists(tx: Db, peerId: string): Promise<boolean> {
  const [row] = await tx`select 1 from grid_nodes where peer_id = ${peerId}`;
  return Boolean(row);
}

export async function periodWork(tx: Db, period: string, peerId: string): Promise<WorkRow[]> {
  return tx<WorkRow[]>`select ${workCols(tx)} from grid_work where period = ${period} and peer_id = ${peerId} order by id`;
}
