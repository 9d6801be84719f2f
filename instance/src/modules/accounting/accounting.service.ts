import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { resolvePage, type PageRequest } from '../../platform/pagination.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import * as chart from './chart.repo.ts';
import { subAccount } from './chart.domain.ts';
import * as fyRepo from './fiscal-years.repo.ts';
import { findEntry, type Entry } from './journal.repo.ts';
import { journalCsv } from './journal-csv.domain.ts';
import { checkPeriod, fiscalYearLabel, oneYearFrom } from './posting.domain.ts';
import { postEntry, reverseEntry } from './posting.ts';
import type { PostingActor, PostingLine } from './posting.types.ts';
import { balanceSheet, incomeStatement, trialBalance } from './reports.domain.ts';
import * as reports from './reports.repo.ts';

/** Use cases of the chart, fiscal years, journal and reports. Routes check permissions; queries are scoped by organization. */

export const postingActor = (deps: RegisterDeps, ctx: ActorCtx): PostingActor =>
  ({ actorUserId: ctx.actorUserId, requestId: ctx.requestId, at: deps.clock.now() });

export async function assertBuilding(sql: Db, ctx: ActorCtx, buildingId: string): Promise<void> {
  if ((await fyRepo.buildingFiscalYearStart(sql, ctx.organizationId, buildingId)) === null) throw notFound('building', buildingId);
}

async function loadChart(tx: Db, deps: RegisterDeps, ctx: ActorCtx, buildingId: string): Promise<void> {
  const at = deps.clock.now();
  const added = await chart.ensureChart(tx, ctx.organizationId, buildingId, at);
  if (added > 0) await audit(tx, ctx, at, 'chart.loaded', { type: 'building', id: buildingId }, { accounts: added });
}

// ── Chart ───────────────────────────────────────────────────────────────────
/** The building's chart, loaded from the PCMN on first use. */
export async function listChart(deps: RegisterDeps, ctx: ActorCtx, buildingId: string) {
  return inTx(deps, async (tx) => {
    await assertBuilding(tx, ctx, buildingId);
    await loadChart(tx, deps, ctx, buildingId);
    return chart.listAccounts(tx, ctx.organizationId, buildingId);
  });
}

/** Adds a sub-account (e.g. 1601 under 160); it inherits class, kind and owner/supplier flags from its parent. */
export async function addAccount(deps: RegisterDeps, ctx: ActorCtx, buildingId: string,
  input: { number: string; labelFr: string; labelNl?: string | undefined; defaultKeyId?: string | null | undefined }) {
  return inTx(deps, async (tx) => {
    await assertBuilding(tx, ctx, buildingId);
    await loadChart(tx, deps, ctx, buildingId);
    if (await chart.findAccount(tx, ctx.organizationId, buildingId, input.number)) {
      throw new AppError('account.already_exists', `Account ${input.number} already exists in this building's chart`, { field: 'number' });
    }
    const account = subAccount(await chart.parentAccount(tx, ctx.organizationId, buildingId, input.number), input);
    const at = deps.clock.now();
    if (!(await chart.insertAccount(tx, ctx.organizationId, buildingId, account, at))) {
      throw new AppError('account.already_exists', `Account ${input.number} already exists in this building's chart`, { field: 'number' });
    }
    await audit(tx, ctx, at, 'account.created', { type: 'building', id: buildingId }, { number: account.number });
    return account;
  });
}

// ── Fiscal years ────────────────────────────────────────────────────────────
export async function listFiscalYears(deps: RegisterDeps, ctx: ActorCtx, buildingId: string) {
  await assertBuilding(deps.sql, ctx, buildingId);
  return fyRepo.listFiscalYears(deps.sql, ctx.organizationId, buildingId);
}

export async function getFiscalYear(sql: Db, ctx: ActorCtx, buildingId: string, id: string) {
  const fy = await fyRepo.findFiscalYear(sql, ctx.organizationId, buildingId, id);
  if (!fy) throw notFound('fiscal_year', id);
  return fy;
}

/** Opens a fiscal year explicitly (one year by default); it may not overlap another ('fiscal_year.conflict'). */
export async function openFiscalYear(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: { startDate: string; endDate?: string | undefined }) {
  const period = { start: input.startDate, end: input.endDate ?? oneYearFrom(input.startDate) };
  checkPeriod(period);
  return inTx(deps, async (tx) => {
    await assertBuilding(tx, ctx, buildingId);
    const years = await fyRepo.listFiscalYears(tx, ctx.organizationId, buildingId);
    const label = fiscalYearLabel(period, new Set(years.map((y) => y.label)));
    const at = deps.clock.now();
    const id = await fyRepo.insertFiscalYear(tx, ctx.organizationId, buildingId, period, label, at);
    if (!id) throw new AppError('fiscal_year.conflict', 'A fiscal year already starts on this date', { field: 'startDate' });
    await audit(tx, ctx, at, 'fiscal_year.opened', { type: 'fiscal_year', id }, { buildingId, startDate: period.start, endDate: period.end, label });
    return (await fyRepo.findFiscalYear(tx, ctx.organizationId, buildingId, id))!;
  });
}

// ── Journal ─────────────────────────────────────────────────────────────────
export async function getEntry(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<Entry> {
  const e = await findEntry(deps.sql, ctx.organizationId, buildingId, id);
  if (!e) throw notFound('entry', id);
  return e;
}

export async function listEntries(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, q: reports.JournalFilter & PageRequest) {
  const page = resolvePage(reports.ENTRY_SORTS, q, 'date');
  // The sort key is an integer: a forged cursor value would otherwise fail its ::numeric cast in SQL.
  if (page.after && !/^\d{1,30}$/.test(page.after.value)) {
    throw new AppError('request.invalid', 'Invalid querystring.cursor: not a cursor from a previous page of this list', { field: 'querystring.cursor' });
  }
  await assertBuilding(deps.sql, ctx, buildingId);
  return reports.listEntries(deps.sql, ctx.organizationId, buildingId, q, page);
}

export async function exportJournalCsv(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, q: reports.JournalFilter): Promise<string> {
  await assertBuilding(deps.sql, ctx, buildingId);
  return journalCsv(await reports.allEntries(deps.sql, ctx.organizationId, buildingId, q));
}

/** A manual miscellaneous (OD) entry resting on the referenced document. */
export async function postManualEntry(deps: RegisterDeps, ctx: ActorCtx, buildingId: string,
  input: { date: string; description: string; reference: string; lines: PostingLine[] }): Promise<Entry> {
  return inTx(deps, async (tx) => {
    const posted = await postEntry(tx, {
      organizationId: ctx.organizationId, buildingId, journal: 'OD', date: input.date, description: input.description,
      source: { type: 'manual', id: randomUUID(), reference: input.reference }, lines: input.lines,
    }, postingActor(deps, ctx));
    return (await findEntry(tx, ctx.organizationId, buildingId, posted.entryId))!;
  });
}

/**
 * Entries posted by a business record (an approved expense, a sent call, a payment, the closing)
 * are corrected through that record (credit note, …): reversing only the entry would leave the
 * record, its charge shares or owner calls in place and the books out of step with them.
 */
const REVERSIBLE_BY_HAND = new Set(['manual', 'reversal']);

export async function reverse(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, entryId: string,
  input: { date: string; reason: string }): Promise<Entry> {
  return inTx(deps, async (tx) => {
    const original = await findEntry(tx, ctx.organizationId, buildingId, entryId);
    if (original && !REVERSIBLE_BY_HAND.has(original.sourceType)) {
      throw new AppError('entry.has_business_record', `This entry was posted by a ${original.sourceType.replaceAll('_', ' ')}; correct it there (a credit note for an invoice)`,
        { sourceType: original.sourceType, sourceId: original.sourceId });
    }
    const posted = await reverseEntry(tx, { organizationId: ctx.organizationId, buildingId, entryId, ...input }, postingActor(deps, ctx));
    return (await findEntry(tx, ctx.organizationId, buildingId, posted.entryId))!;
  });
}

// ── Reports ─────────────────────────────────────────────────────────────────
export async function trialBalanceReport(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, fiscalYearId: string) {
  const fy = await getFiscalYear(deps.sql, ctx, buildingId, fiscalYearId);
  const totals = await reports.accountTotals(deps.sql, ctx.organizationId, buildingId, { from: fy.startDate, to: fy.endDate });
  return { fiscalYear: fy, ...trialBalance(totals) };
}

export async function balanceSheetReport(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, fiscalYearId: string) {
  const fy = await getFiscalYear(deps.sql, ctx, buildingId, fiscalYearId);
  const totals = await reports.accountTotals(deps.sql, ctx.organizationId, buildingId, { from: null, to: fy.endDate });
  return { fiscalYear: fy, asOf: fy.endDate, ...balanceSheet(totals) };
}

export async function incomeStatementReport(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, fiscalYearId: string) {
  const fy = await getFiscalYear(deps.sql, ctx, buildingId, fiscalYearId);
  const totals = await reports.accountTotals(deps.sql, ctx.organizationId, buildingId, { from: fy.startDate, to: fy.endDate });
  return { fiscalYear: fy, ...incomeStatement(totals) };
}
