import {
  AccountCreateSchema, AccountListSchema, AccountSchema, BalanceSheetSchema, BuildingParamsSchema, ClosingSchema, EntryCreateSchema,
  EntryPageSchema, EntryParamsSchema, EntryReverseSchema, EntrySchema, errorResponses, FiscalYearCloseSchema, FiscalYearListSchema,
  FiscalYearOpenSchema, FiscalYearParamsSchema, FiscalYearSchema, IncomeStatementSchema, JournalCsvQuerySchema, JournalQuerySchema,
  TrialBalanceSchema, type EntryDto, type FiscalYearDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf } from '../buildings/use-case.ts';
import * as service from './accounting.service.ts';
import { closeFiscalYear } from './closing.service.ts';
import type { FiscalYear } from './fiscal-years.repo.ts';
import type { Entry } from './journal.repo.ts';

const tags = ['accounting'];
const READ = 'accounting.read';
const WRITE = 'accounting.write';

export const toFiscalYearDto = (f: FiscalYear): FiscalYearDto => ({
  id: f.id, buildingId: f.buildingId, label: f.label, startDate: f.startDate, endDate: f.endDate, status: f.status,
  closedAt: f.closedAt ? f.closedAt.toISOString() : null,
});
const reportYear = (f: FiscalYear) => ({ id: f.id, label: f.label, startDate: f.startDate, endDate: f.endDate, status: f.status });

export const toEntryDto = (e: Entry): EntryDto => ({
  id: e.id, buildingId: e.buildingId, fiscalYearId: e.fiscalYearId, journal: e.journal, number: e.number, date: e.date,
  description: e.description, source: { type: e.sourceType, id: e.sourceId, reference: e.reference },
  reversesEntryId: e.reversesEntryId, reversedByEntryId: e.reversedByEntryId, createdBy: e.createdBy,
  createdAt: e.createdAt.toISOString(), lines: e.lines,
});

/** The chart, fiscal years, journal, reports and year-end closing of a building. */
export async function accountingRoutesOf(app: App, deps: Deps): Promise<void> {
  app.get('/buildings/:buildingId/accounts', {
    schema: { tags, summary: 'The building\'s chart of accounts (the PCMN for owners\' associations, loaded on first use)',
      params: BuildingParamsSchema, response: { 200: AccountListSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    return { items: await service.listChart(deps, actorOf(req), req.params.buildingId) };
  });

  app.post('/buildings/:buildingId/accounts', {
    schema: { tags, summary: 'Add a sub-account (e.g. 1601 under 160); it inherits its parent\'s class, kind and flags',
      params: BuildingParamsSchema, body: AccountCreateSchema, response: { 201: AccountSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return reply.status(201).send(await service.addAccount(deps, actorOf(req), req.params.buildingId, req.body));
  });

  app.get('/buildings/:buildingId/fiscal-years', {
    schema: { tags, summary: 'The building\'s fiscal years', params: BuildingParamsSchema,
      response: { 200: FiscalYearListSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    return { items: (await service.listFiscalYears(deps, actorOf(req), req.params.buildingId)).map(toFiscalYearDto) };
  });

  app.post('/buildings/:buildingId/fiscal-years', {
    schema: { tags, summary: 'Open a fiscal year (one year from startDate unless endDate is given; years also open at the first posting)',
      params: BuildingParamsSchema, body: FiscalYearOpenSchema, response: { 201: FiscalYearSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return reply.status(201).send(toFiscalYearDto(await service.openFiscalYear(deps, actorOf(req), req.params.buildingId, req.body)));
  });

  app.post('/buildings/:buildingId/fiscal-years/:fiscalYearId/close', {
    schema: { tags, summary: 'Year-end closing: post the décompte per owner (provisions against actual charges), then close the year',
      params: FiscalYearParamsSchema, body: FiscalYearCloseSchema, response: { 200: ClosingSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    const r = await closeFiscalYear(deps, actorOf(req), req.params.buildingId, req.params.fiscalYearId);
    return { ...r, fiscalYear: toFiscalYearDto(r.fiscalYear) };
  });

  const reports = [
    ['trial-balance', 'Trial balance of the fiscal year: per account Σdebit, Σcredit and balance', TrialBalanceSchema, service.trialBalanceReport],
    ['balance-sheet', 'Balance sheet (classes 1–5) at the end of the fiscal year', BalanceSheetSchema, service.balanceSheetReport],
    ['income-statement', 'Income statement (classes 6–7) of the fiscal year', IncomeStatementSchema, service.incomeStatementReport],
  ] as const;
  for (const [path, summary, schema, report] of reports) {
    app.get(`/buildings/:buildingId/fiscal-years/:fiscalYearId/${path}`, {
      schema: { tags, summary, params: FiscalYearParamsSchema, response: { 200: schema as z.ZodType, ...errorResponses } },
    }, async (req) => {
      requirePermission(req.auth, READ, req.params.buildingId);
      const r = await report(deps, actorOf(req), req.params.buildingId, req.params.fiscalYearId);
      return { ...r, fiscalYear: reportYear(r.fiscalYear) };
    });
  }

  app.get('/buildings/:buildingId/journal-entries', {
    schema: { tags, summary: 'The journal, paginated, by date (filters journal, account or sub-accounts, personId, fiscalYearId, from, to)',
      params: BuildingParamsSchema, querystring: JournalQuerySchema, response: { 200: EntryPageSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    const r = await service.listEntries(deps, actorOf(req), req.params.buildingId, req.query);
    return { ...r, items: r.items.map(toEntryDto) };
  });

  app.get('/buildings/:buildingId/journal.csv', {
    schema: { tags, summary: 'The journal as CSV for Belgian spreadsheets: UTF-8 with BOM, semicolons, decimal comma (same filters as the list)',
      params: BuildingParamsSchema, querystring: JournalCsvQuerySchema,
      response: { 200: z.string().describe('text/csv; one row per journal line'), ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    const csv = await service.exportJournalCsv(deps, actorOf(req), req.params.buildingId, req.query);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="journal.csv"').send(csv);
  });

  app.get('/buildings/:buildingId/journal-entries/:entryId', {
    schema: { tags, summary: 'One journal entry with its lines', params: EntryParamsSchema, response: { 200: EntrySchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    return toEntryDto(await service.getEntry(deps, actorOf(req), req.params.buildingId, req.params.entryId));
  });

  app.post('/buildings/:buildingId/journal-entries', {
    schema: { tags, summary: 'Post a manual miscellaneous (OD) entry; it is validated (immutable) at once',
      params: BuildingParamsSchema, body: EntryCreateSchema, response: { 201: EntrySchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return reply.status(201).send(toEntryDto(await service.postManualEntry(deps, actorOf(req), req.params.buildingId, req.body)));
  });

  app.post('/buildings/:buildingId/journal-entries/:entryId/reverse', {
    schema: { tags, summary: 'Reverse an entry (extourne): the mirror entry, once', params: EntryParamsSchema, body: EntryReverseSchema,
      response: { 201: EntrySchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    const { buildingId, entryId } = req.params;
    return reply.status(201).send(toEntryDto(await service.reverse(deps, actorOf(req), buildingId, entryId, req.body)));
  });
}
