import {
  BuildingParamsSchema, errorResponses, HolderSchema, HoldingCloseSchema, HoldingParamsSchema, HoldingsAddSchema,
  LotHoldingsQuerySchema, LotHoldingsSchema, LotParamsSchema, PersonHoldingsSchema, PersonParamsSchema,
  RegisterQuerySchema, RegisterSchema, TransferResultSchema, TransferSchema, type HolderDto, type LotHoldingsDto,
} from '@koprogo/protocols';
import type { App } from '../../platform/http.ts';
import { buildingScope } from '../access/access.domain.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf, type RegisterDeps } from '../buildings/use-case.ts';
import type { Holding } from './holdings.domain.ts';
import * as service from './holdings.service.ts';

const tags = ['register'];

export function toHolderDto(h: Holding): HolderDto {
  return {
    holdingId: h.id, personId: h.personId, name: h.personName, right: h.right,
    part: { numerator: Number(h.part.num), denominator: Number(h.part.den) },
    votes: h.votes, paysOrdinary: h.paysOrdinary, paysExtraordinary: h.paysExtraordinary,
    validFrom: h.validFrom, validTo: h.validTo,
  };
}

const toLotHoldingsDto = (v: service.LotHoldingsView): LotHoldingsDto => ({ ...v, items: v.items.map(toHolderDto) });

/** The register: lots with their holders as of a date, holdings history, additions, transfers. */
export async function holdingRoutes(app: App, deps: RegisterDeps): Promise<void> {
  app.get('/buildings/:buildingId/register', {
    schema: {
      tags, summary: 'The building\'s lots with their holders as of a date (default today), paginated like lots',
      params: BuildingParamsSchema, querystring: RegisterQuerySchema, response: { 200: RegisterSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'register.read', req.params.buildingId);
    const r = await service.readRegister(deps, actorOf(req), req.params.buildingId, req.query);
    return { ...r, items: r.items.map((lot) => ({ ...lot, holders: lot.holders.map(toHolderDto) })) };
  });

  app.get('/buildings/:buildingId/lots/:lotId/holdings', {
    schema: {
      tags, summary: 'The lot\'s holders as of a date (asOf, default today), or its whole history (history=true)',
      params: LotParamsSchema, querystring: LotHoldingsQuerySchema, response: { 200: LotHoldingsSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'register.read', req.params.buildingId);
    return toLotHoldingsDto(await service.listLotHoldings(deps, actorOf(req), req.params.buildingId, req.params.lotId, req.query));
  });

  app.post('/buildings/:buildingId/lots/:lotId/holdings', {
    schema: {
      tags, summary: 'Add holders to a lot from a date, while its parts stay within 100 %',
      params: LotParamsSchema, body: HoldingsAddSchema, response: { 201: LotHoldingsSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'register.write', req.params.buildingId);
    const v = await service.addHoldings(deps, actorOf(req), req.params.buildingId, req.params.lotId, req.body,
      buildingScope(req.auth, 'register.write'));
    return reply.status(201).send(toLotHoldingsDto(v));
  });

  app.post('/buildings/:buildingId/lots/:lotId/transfers', {
    schema: {
      tags, summary: 'Transfer a lot: end every running holding on the date and start a new, complete set',
      params: LotParamsSchema, body: TransferSchema, response: { 201: TransferResultSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'register.write', req.params.buildingId);
    const r = await service.transferLot(deps, actorOf(req), req.params.buildingId, req.params.lotId, req.body,
      buildingScope(req.auth, 'register.write'));
    return reply.status(201).send({ ...r, items: r.items.map(toHolderDto) });
  });

  app.post('/buildings/:buildingId/lots/:lotId/holdings/:holdingId/close', {
    schema: {
      tags, summary: 'End one current holding on a date (exclusive)', params: HoldingParamsSchema, body: HoldingCloseSchema,
      response: { 200: HolderSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'register.write', req.params.buildingId);
    const { buildingId, lotId, holdingId } = req.params;
    return toHolderDto(await service.closeHolding(deps, actorOf(req), buildingId, lotId, holdingId, req.body));
  });

  app.get('/persons/:personId/holdings', {
    schema: {
      tags, summary: 'A person\'s holdings, past and present', params: PersonParamsSchema,
      response: { 200: PersonHoldingsSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'person.read');
    const rows = await service.listPersonHoldings(deps, actorOf(req), req.params.personId, buildingScope(req.auth, 'person.read'));
    return {
      personId: req.params.personId,
      items: rows.map((r) => ({ ...toHolderDto(r), buildingId: r.buildingId, buildingName: r.buildingName, lotId: r.lotId, lotNumber: r.lotNumber })),
    };
  });
}
