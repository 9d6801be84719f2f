import {
  BuildingParamsSchema, CreditNoteCreateSchema, errorResponses, ExpenseCreateSchema, ExpenseDetailSchema, ExpenseListQuerySchema,
  ExpensePageSchema, ExpenseParamsSchema, ExpensePatchSchema, ExpensePaySchema, ExpenseRejectSchema, ExpenseSchema,
  ExpenseSettingsPatchSchema, ExpenseSettingsSchema, type ExpenseDto,
} from '@koprogo/protocols';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf, type RegisterDeps } from '../buildings/use-case.ts';
import type { Expense } from './expenses.repo.ts';
import * as service from './expenses.service.ts';

const tags = ['expenses'];
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function toExpenseDto(e: Expense): ExpenseDto {
  return { ...e, submittedAt: iso(e.submittedAt), decidedAt: iso(e.decidedAt), createdAt: e.createdAt.toISOString(), updatedAt: e.updatedAt.toISOString() };
}

/** A council member of the organization, or of this building (the threshold rule). */
const isCouncilMember = (req: FastifyRequest, buildingId: string) =>
  req.auth.grants.some((g) => g.role === 'council_member' && (g.buildingId === null || g.buildingId === buildingId));

const one = { 200: ExpenseSchema, ...errorResponses };

/** /buildings/:buildingId/expenses: supplier invoices and credit notes, their workflow and payment; expense settings. */
export async function expenseRoutesOfBuilding(app: App, deps: RegisterDeps): Promise<void> {
  app.get('/buildings/:buildingId/expenses', {
    schema: { tags, summary: 'List expenses (filters state, paymentState, supplierId, invoice date from/to; default sort -invoiceDate)',
      params: BuildingParamsSchema, querystring: ExpenseListQuerySchema, response: { 200: ExpensePageSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'expense.read', req.params.buildingId);
    const page = await service.listExpenses(deps, actorOf(req), req.params.buildingId, req.query);
    return { ...page, items: page.items.map(toExpenseDto) };
  });

  app.post('/buildings/:buildingId/expenses', {
    schema: { tags, summary: 'Enter a supplier invoice as a draft, with its lines (VAT computed per line)',
      params: BuildingParamsSchema, body: ExpenseCreateSchema, response: { 201: ExpenseSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'expense.write', req.params.buildingId);
    return reply.status(201).send(toExpenseDto(await service.createExpense(deps, actorOf(req), req.params.buildingId, req.body)));
  });

  app.get('/buildings/:buildingId/expenses/:expenseId', {
    schema: { tags, summary: 'Get an expense with its lines and its distribution (charge allocations, once approved)',
      params: ExpenseParamsSchema, response: { 200: ExpenseDetailSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'expense.read', req.params.buildingId);
    const e = await service.getExpense(deps, actorOf(req), req.params.buildingId, req.params.expenseId);
    return { ...toExpenseDto(e), lines: e.lines, distribution: e.distribution };
  });

  app.patch('/buildings/:buildingId/expenses/:expenseId', {
    schema: { tags, summary: 'Change a draft (lines, when given, replace all lines)', params: ExpenseParamsSchema, body: ExpensePatchSchema,
      response: one },
  }, async (req) => {
    requirePermission(req.auth, 'expense.write', req.params.buildingId);
    return toExpenseDto(await service.updateDraft(deps, actorOf(req), req.params.buildingId, req.params.expenseId, req.body));
  });

  app.post('/buildings/:buildingId/expenses/:expenseId/submit', {
    schema: { tags, summary: 'Submit a draft for approval', params: ExpenseParamsSchema, response: one },
  }, async (req) => {
    requirePermission(req.auth, 'expense.write', req.params.buildingId);
    return toExpenseDto(await service.submitExpense(deps, actorOf(req), req.params.buildingId, req.params.expenseId));
  });

  app.post('/buildings/:buildingId/expenses/:expenseId/approve', {
    schema: { tags, summary: 'Approve: posts the invoice (ACH) and distributes it over the lots and holders of its invoice date',
      params: ExpenseParamsSchema, response: one },
  }, async (req) => {
    const { buildingId, expenseId } = req.params;
    requirePermission(req.auth, 'expense.approve', buildingId);
    return toExpenseDto(await service.approveExpense(deps, actorOf(req), buildingId, expenseId, isCouncilMember(req, buildingId)));
  });

  app.post('/buildings/:buildingId/expenses/:expenseId/reject', {
    schema: { tags, summary: 'Reject a pending expense, with a reason', params: ExpenseParamsSchema, body: ExpenseRejectSchema, response: one },
  }, async (req) => {
    requirePermission(req.auth, 'expense.approve', req.params.buildingId);
    return toExpenseDto(await service.rejectExpense(deps, actorOf(req), req.params.buildingId, req.params.expenseId, req.body.reason));
  });

  app.post('/buildings/:buildingId/expenses/:expenseId/pay', {
    schema: { tags, summary: 'Record the payment of an approved expense (posts FIN: 440 / 551)', params: ExpenseParamsSchema,
      body: ExpensePaySchema, response: one },
  }, async (req) => {
    requirePermission(req.auth, 'expense.write', req.params.buildingId);
    return toExpenseDto(await service.markPaid(deps, actorOf(req), req.params.buildingId, req.params.expenseId, req.body.paidOn));
  });

  app.post('/buildings/:buildingId/expenses/:expenseId/credit-notes', {
    schema: { tags, summary: 'Enter a credit note (draft, negative lines) correcting an approved invoice', params: ExpenseParamsSchema,
      body: CreditNoteCreateSchema, response: { 201: ExpenseSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'expense.write', req.params.buildingId);
    const e = await service.createCreditNote(deps, actorOf(req), req.params.buildingId, req.params.expenseId, req.body);
    return reply.status(201).send(toExpenseDto(e));
  });

  app.get('/buildings/:buildingId/expense-settings', {
    schema: { tags, summary: "The building's approval threshold and the facts the 6 % VAT check needs", params: BuildingParamsSchema,
      response: { 200: ExpenseSettingsSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'expense.read', req.params.buildingId);
    return service.getSettings(deps, actorOf(req), req.params.buildingId);
  });

  app.patch('/buildings/:buildingId/expense-settings', {
    schema: { tags, summary: 'Change the approval threshold (a governance setting: building.write) or the VAT facts', params: BuildingParamsSchema,
      body: ExpenseSettingsPatchSchema, response: { 200: ExpenseSettingsSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'building.write', req.params.buildingId);
    return service.updateSettings(deps, actorOf(req), req.params.buildingId, req.body);
  });
}
