import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { splitPeriod } from './ledger.domain.ts';
import * as repo from './ledger.repo.ts';
import { fromRows, guarded } from './ledger.service.ts';

/**
 * Revenue-share statements: a period's report (provisional while open, the ledger once closed) and
 * one node's statement with its credited jobs, tokens, declared energy and money.
 */

export interface NodeShare {
  peerId: string; jobs: number; tokensIn: number; tokensOut: number; units: number; energyMwh: number; energyJobs: number;
  revenueCents: number; devCents: number; solCents: number;
}
export interface PeriodReport {
  period: string; status: 'open' | 'closed'; revenueCents: number; devCents: number; solCents: number; totalUnits: number; jobs: number;
  headHash: string | null; closedAt: string | null; nodes: NodeShare[];
}

export async function periodReport(deps: Pick<Deps, 'sql'>, period: string): Promise<PeriodReport> {
  return guarded(() => deps.sql.begin('isolation level repeatable read', async (tx) => {
    const totals = await repo.periodTotals(tx, period);
    const close = await repo.closeOf(tx, period);
    const split = close
      ? fromRows(close, await repo.ledgerOfPeriod(tx, period))
      : splitPeriod(BigInt((await repo.periodRevenue(tx, period)).revenueCents), totals.map((t) => ({ peerId: t.peerId, units: BigInt(t.units) })));
    const jobs = close ? close.jobs : (await repo.periodRevenue(tx, period)).jobs;
    const money = new Map(split.lines.map((l) => [l.peerId, l]));
    return {
      period, status: close ? 'closed' : 'open',
      revenueCents: Number(split.revenueCents), devCents: Number(split.devCents), solCents: Number(split.solCents),
      totalUnits: Number(split.totalUnits), jobs, headHash: close?.headHash ?? null, closedAt: close?.closedAt.toISOString() ?? null,
      nodes: totals.map((t) => ({
        ...t, devCents: Number(money.get(t.peerId)?.devCents ?? 0n), solCents: Number(money.get(t.peerId)?.solCents ?? 0n),
      })),
    };
  }) as Promise<PeriodReport>);
}

export async function listPeriods(deps: Pick<Deps, 'sql'>, limit = 24) {
  const closes = await repo.listCloses(deps.sql, limit);
  return closes.map((c) => ({
    period: c.period, status: 'closed' as const, revenueCents: c.revenueCents, devCents: c.devCents, solCents: c.solCents,
    totalUnits: c.totalUnits, jobs: c.jobs, headHash: c.headHash, closedAt: c.closedAt.toISOString(),
  }));
}

export async function nodeStatement(deps: Pick<Deps, 'sql'>, period: string, peerId: string) {
  const report = await periodReport(deps, period);
  const node = report.nodes.find((n) => n.peerId === peerId);
  if (!node) throw new AppError('grid_statement.not_found', 'No work of this node in this period', { peerId, period });
  const work = (await repo.periodWork(deps.sql, period, peerId)).map((w) => ({ ...w, recordedAt: w.recordedAt.toISOString() }));
  return { period, status: report.status, node, work };
}
