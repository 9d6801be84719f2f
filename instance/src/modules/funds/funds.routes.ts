import {
  BudgetCreateSchema, BudgetListSchema, BudgetParamsSchema, BudgetPatchSchema, BudgetSchema, BuildingParamsSchema, errorResponses,
  FundBalancesQuerySchema, FundBalancesSchema, FundSettingsSchema, FundSettingsUpdateSchema, ReserveOptOutSchema, type BudgetDto,
} from '@koprogo/protocols';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf, type RegisterDeps } from '../buildings/use-case.ts';
import type { FundSettings } from './funds.repo.ts';
import * as service from './funds.service.ts';

const tags = ['funds'];

const toSettingsDto = (s: FundSettings) => ({
  buildingId: s.buildingId, currentAccountIban: s.currentAccountIban, reserveAccountIban: s.reserveAccountIban,
  provisionalAcceptanceDate: s.provisionalAcceptanceDate,
});

export function toBudgetDto(b: service.BudgetView): BudgetDto {
  return {
    id: b.id, buildingId: b.buildingId, fiscalYear: b.fiscalYear, startsOn: b.startsOn, endsOn: b.endsOn,
    ordinaryCents: b.ordinaryCents, extraordinaryCents: b.extraordinaryCents, reserveCents: b.reserveCents,
    previousOrdinaryCharges: b.previousOrdinaryCharges,
    reserveMinimum: {
      applies: b.reserve.applies, reason: b.reserve.reason, rateBp: b.rule.minAnnualRateBp,
      minimumCents: b.reserve.minimumCents, legalRef: b.rule.legalRef,
    },
    reserveBelowMinimum: b.reserve.belowMinimum,
    reserveOptOut: b.optOutDecisionDate === null ? null : { decisionDate: b.optOutDecisionDate, reference: b.optOutReference! },
    createdAt: b.createdAt.toISOString(), updatedAt: b.updatedAt.toISOString(),
  };
}

/** Fund settings, fund balances and budgets of a building. */
export async function fundRoutes(app: App, deps: RegisterDeps): Promise<void> {
  app.get('/buildings/:buildingId/fund-settings', {
    schema: {
      tags, summary: 'The bank accounts of the two funds and the réception provisoire', params: BuildingParamsSchema,
      response: { 200: FundSettingsSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'call.read', req.params.buildingId);
    return toSettingsDto(await service.getSettings(deps, actorOf(req), req.params.buildingId));
  });

  app.patch('/buildings/:buildingId/fund-settings', {
    schema: {
      tags, summary: 'Set the current (working capital) and savings (reserve fund) IBANs, distinct (R24), and the réception provisoire',
      params: BuildingParamsSchema, body: FundSettingsUpdateSchema, response: { 200: FundSettingsSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'call.write', req.params.buildingId);
    return toSettingsDto(await service.updateSettings(deps, actorOf(req), req.params.buildingId, req.body));
  });

  app.get('/buildings/:buildingId/funds', {
    schema: {
      tags, summary: 'Balances of the working capital (100) and the reserve fund (160) in the journal, as of a date',
      params: BuildingParamsSchema, querystring: FundBalancesQuerySchema, response: { 200: FundBalancesSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'call.read', req.params.buildingId);
    return service.fundBalances(deps, actorOf(req), req.params.buildingId, req.query.asOf);
  });

  app.get('/buildings/:buildingId/budgets', {
    schema: {
      tags, summary: 'The building\'s budgets, newest fiscal year first, with the reserve-fund minimum flag',
      params: BuildingParamsSchema, response: { 200: BudgetListSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'call.read', req.params.buildingId);
    return { items: (await service.listBudgets(deps, actorOf(req), req.params.buildingId)).map(toBudgetDto) };
  });

  app.post('/buildings/:buildingId/budgets', {
    schema: {
      tags, summary: 'Create the budget of a fiscal year (ordinary, extraordinary, reserve contributions)',
      params: BuildingParamsSchema, body: BudgetCreateSchema, response: { 201: BudgetSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'call.write', req.params.buildingId);
    return reply.status(201).send(toBudgetDto(await service.createBudget(deps, actorOf(req), req.params.buildingId, req.body)));
  });

  app.get('/buildings/:buildingId/budgets/:budgetId', {
    schema: {
      tags, summary: 'A budget with last year\'s ordinary charges and the reserve-fund minimum (R23)',
      params: BudgetParamsSchema, response: { 200: BudgetSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'call.read', req.params.buildingId);
    return toBudgetDto(await service.getBudget(deps, actorOf(req), req.params.buildingId, req.params.budgetId));
  });

  app.patch('/buildings/:buildingId/budgets/:budgetId', {
    schema: {
      tags, summary: 'Change a budget\'s amounts', params: BudgetParamsSchema, body: BudgetPatchSchema,
      response: { 200: BudgetSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'call.write', req.params.buildingId);
    return toBudgetDto(await service.updateBudget(deps, actorOf(req), req.params.buildingId, req.params.budgetId, req.body));
  });

  app.post('/buildings/:buildingId/budgets/:budgetId/reserve-opt-out', {
    schema: {
      tags, summary: 'Record the assembly decision (4/5) not to constitute the reserve fund this year: date and reference',
      params: BudgetParamsSchema, body: ReserveOptOutSchema, response: { 200: BudgetSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'call.write', req.params.buildingId);
    return toBudgetDto(await service.optOutOfReserve(deps, actorOf(req), req.params.buildingId, req.params.budgetId, req.body));
  });
}
