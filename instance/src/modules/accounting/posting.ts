import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { accountFlags, ensureChart, existingIds } from './chart.repo.ts';
import * as fyRepo from './fiscal-years.repo.ts';
import type { FiscalYear } from './fiscal-years.repo.ts';
import * as journal from './journal.repo.ts';
import {
  checkAccounts, checkEntry, entryNumber, fiscalYearFor, fiscalYearLabel, isIsoDate, reversedLines,
  type CheckedEntry, type CheckedLine,
} from './posting.domain.ts';
import type { PostedEntry, PostingActor, PostingInput } from './posting.types.ts';

/**
 * Posting: the one way into the journal (contract in posting.types.ts). Runs inside the caller's
 * transaction, writes the entry, its lines and an audit row, and leaves the database triggers of
 * migration 0003 as the safety net (balance at commit, immutability, closed years).
 */

/** Validates and writes one journal entry. Creates the building's PCMN chart and the fiscal year on demand. */
export async function postEntry(tx: Db, input: PostingInput, actor: PostingActor): Promise<PostedEntry> {
  return post(tx, input.organizationId, input.buildingId, checkEntry(input), actor, null);
}

export interface ReversalInput { organizationId: string; buildingId: string; entryId: string; date: string; reason: string }

/**
 * Posts the reversal (extourne) of an entry on `date`: same journal, accounts and sub-accounts, debit and
 * credit swapped. An entry is reversed at most once ('entry.already_reversed').
 */
export async function reverseEntry(tx: Db, input: ReversalInput, actor: PostingActor): Promise<PostedEntry> {
  const original = await journal.findEntry(tx, input.organizationId, input.buildingId, input.entryId);
  if (!original) throw notFound('entry', input.entryId);
  if (original.reversedByEntryId) {
    throw new AppError('entry.already_reversed', `Entry ${original.number} is already reversed`,
      { id: original.id, reversedByEntryId: original.reversedByEntryId });
  }
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason.length < 1 || reason.length > 400) throw new AppError('entry.invalid_reason', 'A reversal states its reason (1 to 400 characters)', { field: 'reason' });
  if (!isIsoDate(input.date)) throw new AppError('entry.invalid_date', 'The date is a calendar date YYYY-MM-DD', { field: 'date' });
  if (input.date < original.date) {
    throw new AppError('entry.reversal_before_entry', `A reversal is dated on or after the entry it reverses (${original.date})`, { field: 'date' });
  }
  const entry = checkEntry({
    organizationId: input.organizationId, buildingId: input.buildingId, journal: original.journal, date: input.date,
    description: `Extourne de ${original.number} : ${reason}`.slice(0, 500),
    source: { type: 'reversal', id: original.id, reference: original.number },
    lines: reversedLines(original.lines),
  });
  return post(tx, input.organizationId, input.buildingId, entry, actor, original.id);
}

async function post(tx: Db, organizationId: string, buildingId: string, entry: CheckedEntry, actor: PostingActor,
  reverses: string | null): Promise<PostedEntry> {
  const mmdd = await fyRepo.buildingFiscalYearStart(tx, organizationId, buildingId);
  if (mmdd === null) throw notFound('building', buildingId);
  const existing = await journal.entryIdBySource(tx, organizationId, buildingId, entry.source.type, entry.source.id);
  if (existing) throw duplicate(entry, existing);
  await checkChart(tx, organizationId, buildingId, entry.lines, actor.at);
  await checkReferences(tx, organizationId, buildingId, entry.lines);
  const fy = await openFiscalYearFor(tx, organizationId, buildingId, entry.date, mmdd, actor);
  const seq = await journal.nextSeq(tx, organizationId, fy.id, entry.journal);
  const number = entryNumber(entry.journal, fy.label, seq);
  const entryId = await journal.insertEntry(tx, {
    organizationId, buildingId, fiscalYearId: fy.id, journal: entry.journal, seq, number, date: entry.date,
    description: entry.description, sourceType: entry.source.type, sourceId: entry.source.id, reference: entry.source.reference,
    reversesEntryId: reverses, createdBy: actor.actorUserId, createdAt: actor.at,
  });
  if (!entryId) {
    throw duplicate(entry, (await journal.entryIdBySource(tx, organizationId, buildingId, entry.source.type, entry.source.id))!);
  }
  await journal.insertLines(tx, organizationId, buildingId, entryId, entry.lines);
  await recordAudit(tx, {
    organizationId, actorUserId: actor.actorUserId, requestId: actor.requestId,
    action: reverses ? 'journal_entry.reversed' : 'journal_entry.posted', entityType: 'journal_entry', entityId: entryId,
    details: { buildingId, number, journal: entry.journal, date: entry.date, source: { type: entry.source.type, id: entry.source.id },
      totalCents: entry.totalCents, lineCount: entry.lines.length, ...(reverses ? { reversesEntryId: reverses } : {}) },
  }, actor.at);
  return { entryId, number, fiscalYearId: fy.id };
}

function duplicate(entry: CheckedEntry, existing: { id: string; number: string }): AppError {
  return new AppError('entry.duplicate', `The document ${entry.source.type} ${entry.source.id} is already posted as ${existing.number}`,
    { field: 'source', entryId: existing.id, number: existing.number });
}

async function checkChart(tx: Db, organizationId: string, buildingId: string, lines: readonly CheckedLine[], at: Date): Promise<void> {
  const numbers = [...new Set(lines.map((l) => l.account))];
  let chart = await accountFlags(tx, organizationId, buildingId, numbers);
  if (chart.size < numbers.length && (await ensureChart(tx, organizationId, buildingId, at)) > 0) {
    chart = await accountFlags(tx, organizationId, buildingId, numbers);
  }
  checkAccounts(lines, chart);
}

/** Persons and suppliers of the organization, lots of the building: a clear 422 rather than a foreign-key error. */
async function checkReferences(tx: Db, organizationId: string, buildingId: string, lines: readonly CheckedLine[]): Promise<void> {
  const uniq = (k: 'personId' | 'lotId' | 'supplierId') => [...new Set(lines.flatMap((l) => (l[k] ? [l[k]] : [])))];
  const found = await existingIds(tx, organizationId, buildingId, { persons: uniq('personId'), lots: uniq('lotId'), suppliers: uniq('supplierId') });
  lines.forEach((l, i) => {
    if (l.personId && !found.persons.has(l.personId)) {
      throw new AppError('entry.unknown_person', 'No such person in this organization', { field: `lines.${i}.personId`, id: l.personId });
    }
    if (l.lotId && !found.lots.has(l.lotId)) {
      throw new AppError('entry.unknown_lot', 'No such lot in this building', { field: `lines.${i}.lotId`, id: l.lotId });
    }
    if (l.supplierId && !found.suppliers.has(l.supplierId)) {
      throw new AppError('entry.unknown_supplier', 'No such supplier in this organization', { field: `lines.${i}.supplierId`, id: l.supplierId });
    }
  });
}

/** The open fiscal year containing the date, created from the building's fiscalYearStart when missing. */
export async function openFiscalYearFor(tx: Db, organizationId: string, buildingId: string, date: string, mmdd: string,
  actor: PostingActor): Promise<FiscalYear> {
  const at = actor.at;
  let fy = await fyRepo.fiscalYearContaining(tx, organizationId, buildingId, date);
  if (!fy) {
    const years = await fyRepo.listFiscalYears(tx, organizationId, buildingId);
    const period = fiscalYearFor(date, mmdd, years.map((y) => ({ start: y.startDate, end: y.endDate })));
    const label = fiscalYearLabel(period, new Set(years.map((y) => y.label)));
    const id = await fyRepo.insertFiscalYear(tx, organizationId, buildingId, period, label, at);
    if (id) {
      await recordAudit(tx, { organizationId, actorUserId: actor.actorUserId, requestId: actor.requestId, action: 'fiscal_year.opened', entityType: 'fiscal_year', entityId: id,
        details: { buildingId, startDate: period.start, endDate: period.end, label, onDemand: true } }, at);
    }
    fy = await fyRepo.fiscalYearContaining(tx, organizationId, buildingId, date);
    if (!fy) throw new AppError('db.serialization', 'A concurrent change conflicted with this one; retry the request');
  }
  if (fy.status === 'closed') {
    throw new AppError('fiscal_year.closed', `The fiscal year ${fy.startDate} – ${fy.endDate} is closed`,
      { field: 'date', fiscalYearId: fy.id });
  }
  return fy;
}
