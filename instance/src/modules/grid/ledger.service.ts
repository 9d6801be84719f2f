import { createHash } from 'node:crypto';
import { isoDate, type Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import {
  checkSplit, entryText, jobPriceCents, LedgerInvariantError, PERIOD_PATTERN, periodEnd, periodOfDate, splitPeriod, type LedgerEntry, type PeriodSplit,
} from './ledger.domain.ts';
import * as repo from './ledger.repo.ts';

/**
 * Revenue-share ledger use cases (grid-design §9, docs/revenue-share.md). `recordWork` runs in its
 * caller's transaction (the draft approval); the others open their own.
 */

export const GENESIS_HASH = '0'.repeat(64);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export interface RecordWorkInput {
  /** 'YYYY-MM'; defaults to the month of `at` (or of `clock`'s today, in Brussels). */
  period?: string;
  at?: Date;
  peerId: string;
  /** The draft id (= the pg-boss job id). */
  jobId: string;
  units: number;
  tokensIn: number;
  tokensOut: number;
  /** Declared by the node in its receipt; stored, never used for money. */
  energyMilliWh?: number | null;
  /** Overrides the price in force (grid_prices) for this job. */
  priceCents?: number;
  recordedBy?: string | null;
}

export interface RecordedWork { workId: number; period: string; units: number; priceCents: number; created: boolean }

const nonNegativeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Credits one approved job to one node. Idempotent per (jobId, peerId): calling it again returns
 * the first row and inserts nothing. The job's price (revenue) is counted on its first credited node
 * only; approved redundant runs add units for each node that passed, not revenue.
 */
export async function recordWork(tx: Db, input: RecordWorkInput, clock?: Clock): Promise<RecordedWork> {
  const at = input.at ?? clock?.now();
  // The month in Brussels, like every business date (clock.today() is Brussels too).
  const period = input.period ?? (input.at ? periodOfDate(isoDate(input.at)) : clock ? periodOfDate(clock.today()) : undefined);
  if (!period || !PERIOD_PATTERN.test(period)) throw new AppError('grid_work.invalid_period', 'A period YYYY-MM (or a date) is required', { period });
  for (const k of ['units', 'tokensIn', 'tokensOut'] as const) {
    if (!nonNegativeInt(input[k])) throw new AppError('grid_work.invalid', `${k} must be a non-negative integer`, { field: k });
  }
  if (input.energyMilliWh != null && !nonNegativeInt(input.energyMilliWh)) throw new AppError('grid_work.invalid', 'energyMilliWh must be a non-negative integer', { field: 'energyMilliWh' });
  if (input.priceCents !== undefined && !nonNegativeInt(input.priceCents)) throw new AppError('grid_work.invalid', 'priceCents must be a non-negative integer', { field: 'priceCents' });

  if (!at) throw new AppError('grid_work.invalid', 'recordWork needs the time of the approval (at) or the clock', { field: 'at' });
  await repo.lockPeriod(tx, period);
  await repo.lockJob(tx, input.jobId);
  const existing = await repo.workOfJob(tx, input.jobId);
  const same = existing.find((w) => w.peerId === input.peerId && w.reversesId === null);
  if (same) return { workId: same.id, period: same.period, units: same.units, priceCents: same.priceCents, created: false };
  // Revenue once per job: a second node (redundant run) is credited units only; a reversed first
  // credit does not make the job earn again.
  const priced = existing.some((w) => w.reversesId === null);
  let priceCents = 0;
  if (!priced) {
    const price = input.priceCents === undefined ? await repo.latestPrice(tx) : null;
    priceCents = input.priceCents ?? (price ? jobPriceCents(price, input.tokensIn + input.tokensOut) : 0);
  }
  const row = await repo.insertWork(tx, {
    period, peerId: input.peerId, jobId: input.jobId, units: input.units, tokensIn: input.tokensIn, tokensOut: input.tokensOut,
    energyMwh: input.energyMilliWh ?? null, priceCents, reversesId: null, reason: null, recordedBy: input.recordedBy ?? null, at,
  });
  return { workId: row.id, period, units: row.units, priceCents: row.priceCents, created: true };
}

/** Cancels a credited job in its (still open) period with a reversing row: the original stays. */
export async function reverseWork(deps: Pick<Deps, 'sql' | 'clock'>, input: { workId: number; reason: string; by: string | null }): Promise<repo.WorkRow> {
  return deps.sql.begin(async (tx) => {
    const original = await repo.workById(tx, input.workId);
    if (!original) throw new AppError('grid_work.not_found', 'Work entry not found', { id: input.workId });
    if (original.reversesId !== null) throw new AppError('grid_work.illegal_transition', 'A reversing entry cannot itself be reversed');
    await repo.lockPeriod(tx, original.period);
    if (await repo.closeOf(tx, original.period)) throw new AppError('grid_period.closed', `Period ${original.period} is closed`, { period: original.period });
    const reversed = (await repo.workOfJob(tx, original.jobId)).some((w) => w.reversesId === original.id);
    if (reversed) throw new AppError('grid_work.already_reversed', 'This work entry is already reversed', { id: original.id });
    return repo.insertWork(tx, {
      period: original.period, peerId: original.peerId, jobId: original.jobId, units: -original.units, tokensIn: -original.tokensIn,
      tokensOut: -original.tokensOut, energyMwh: original.energyMwh === null ? null : -original.energyMwh, priceCents: -original.priceCents,
      reversesId: original.id, reason: input.reason, recordedBy: input.by, at: deps.clock.now(),
    });
  }) as Promise<repo.WorkRow>;
}

export async function setPrice(deps: Pick<Deps, 'sql' | 'clock'>, input: { perDraftCents: number; perThousandTokensCents: number; by: string | null }) {
  return repo.insertPrice(deps.sql, { ...input, setBy: input.by, at: deps.clock.now() });
}

export const currentPrice = (deps: Pick<Deps, 'sql'>) => repo.latestPrice(deps.sql);

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');
export const chainHash = (prevHash: string, e: LedgerEntry) => sha256Hex(prevHash + entryText(e));

/**
 * Closes a period that has ended (today ≥ its first following day): R from the credited jobs, the
 * 80/20 split, each pool over the nodes by units, hash-chained lines. Idempotent: a closed period
 * returns its close. The invariants are checked against the rows written, inside the transaction.
 */
export async function closePeriod(deps: Pick<Deps, 'sql' | 'clock'>, input: { period: string; by: string | null }): Promise<{ close: repo.CloseRow; created: boolean }> {
  const { period } = input;
  if (!PERIOD_PATTERN.test(period)) throw new AppError('grid_period.invalid', 'A period is written YYYY-MM', { period });
  if (deps.clock.today() < periodEnd(period)) {
    throw new AppError('grid_period.not_ended', `Period ${period} has not ended yet (it can be closed from ${periodEnd(period)})`, { period });
  }
  return guarded(() => deps.sql.begin(async (tx) => {
    await repo.lockPeriod(tx, period);
    const done = await repo.closeOf(tx, period);
    if (done) return { close: done, created: false };
    const { revenueCents, jobs } = await repo.periodRevenue(tx, period);
    const totals = await repo.periodTotals(tx, period);
    const split = splitPeriod(BigInt(revenueCents), totals.map((t) => ({ peerId: t.peerId, units: BigInt(t.units) })));
    const at = deps.clock.now();
    let prev = (await repo.lastEntryHash(tx)) ?? GENESIS_HASH;
    for (const line of split.lines) {
      for (const pool of ['dev', 'sol'] as const) {
        const entry: LedgerEntry = { period, peerId: line.peerId, pool, units: line.units, cents: pool === 'dev' ? line.devCents : line.solCents };
        const hash = chainHash(prev, entry);
        await repo.insertLedgerLine(tx, { period, peerId: line.peerId, pool, units: asNumber(entry.units), cents: asNumber(entry.cents), prevHash: prev, entryHash: hash, at });
        prev = hash;
      }
    }
    const close = await repo.insertClose(tx, {
      period, revenueCents, devCents: asNumber(split.devCents), solCents: asNumber(split.solCents), totalUnits: asNumber(split.totalUnits),
      jobs, headHash: prev, closedBy: input.by, at,
    });
    checkSplit(fromRows(close, await repo.ledgerOfPeriod(tx, period)));
    return { close, created: true };
  }) as Promise<{ close: repo.CloseRow; created: boolean }>);
}

/** A broken invariant rolls the close back and is reported with a stable code, never as a crash. */
export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LedgerInvariantError) throw new AppError('grid_ledger.invariant_broken', err.message, undefined, { cause: err });
    throw err;
  }
}

function asNumber(v: bigint): number {
  if (v > MAX_SAFE || v < -MAX_SAFE) throw new AppError('grid_ledger.overflow', 'An amount exceeds what the ledger stores exactly');
  return Number(v);
}

/** The split as written in the database, for the invariant check and the statements. */
export function fromRows(close: repo.CloseRow, rows: repo.LedgerRow[]): PeriodSplit {
  const lines = new Map<string, { peerId: string; units: bigint; devCents: bigint; solCents: bigint }>();
  for (const r of rows) {
    const l = lines.get(r.peerId) ?? { peerId: r.peerId, units: BigInt(r.units), devCents: 0n, solCents: 0n };
    if (r.pool === 'dev') l.devCents += BigInt(r.cents);
    else l.solCents += BigInt(r.cents);
    lines.set(r.peerId, l);
  }
  return { revenueCents: BigInt(close.revenueCents), devCents: BigInt(close.devCents), solCents: BigInt(close.solCents),
    totalUnits: BigInt(close.totalUnits), lines: [...lines.values()] };
}

/** Recomputes the whole hash chain from the table: the first broken link, or null. */
export async function verifyChain(deps: Pick<Deps, 'sql'>): Promise<{ ok: boolean; entries: number; brokenAt: number | null }> {
  const rows = await repo.allLedger(deps.sql);
  let prev = GENESIS_HASH;
  for (const r of rows) {
    const expected = chainHash(prev, { period: r.period, peerId: r.peerId, pool: r.pool, units: BigInt(r.units), cents: BigInt(r.cents) });
    if (r.prevHash !== prev || r.entryHash !== expected) return { ok: false, entries: rows.length, brokenAt: r.seq };
    prev = r.entryHash;
  }
  return { ok: true, entries: rows.length, brokenAt: null };
}
