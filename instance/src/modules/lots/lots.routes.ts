import {
  errorResponses, LotCreateSchema, LotListQuerySchema, LotPageSchema, LotParamsSchema, LotPatchSchema, LotSchema,
  BuildingParamsSchema, type LotDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf, type RegisterDeps } from '../buildings/use-case.ts';
import type { Lot } from './lots.domain.ts';
import * as service from './lots.service.ts';

const tags = ['register'];

export function toLotDto(l: Lot): LotDto {
  return { ...l, createdAt: l.createdAt.toISOString(), updatedAt: l.updatedAt.toISOString() };
}

/** /buildings/:buildingId/lots: the lots (private parts) of a building and their shares. */
export async function lotRoutes(app: App, deps: RegisterDeps): Promise<void> {
  app.get('/buildings/:buildingId/lots', {
    schema: {
      tags, summary: 'List the lots of a building (filters kind, floor; sort number, floor, shares, kind, createdAt)',
      params: BuildingParamsSchema, querystring: LotListQuerySchema, response: { 200: LotPageSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'lot.read', req.params.buildingId);
    const page = await service.listLots(deps, actorOf(req), req.params.buildingId, req.query);
    return { ...page, items: page.items.map(toLotDto) };
  });

  app.post('/buildings/:buildingId/lots', {
    schema: {
      tags, summary: 'Add a lot; the lots\' shares may not exceed the building\'s total', params: BuildingParamsSchema,
      body: LotCreateSchema, response: { 201: LotSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'lot.write', req.params.buildingId);
    const lot = await service.createLot(deps, actorOf(req), req.params.buildingId, req.body);
    return reply.status(201).send(toLotDto(lot));
  });

  app.get('/buildings/:buildingId/lots/:lotId', {
    schema: { tags, summary: 'Get a lot', params: LotParamsSchema, response: { 200: LotSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'lot.read', req.params.buildingId);
    return toLotDto(await service.getLot(deps, actorOf(req), req.params.buildingId, req.params.lotId));
  });

  app.patch('/buildings/:buildingId/lots/:lotId', {
    schema: {
      tags, summary: 'Change a lot (fields left out are unchanged)', params: LotParamsSchema, body: LotPatchSchema,
      response: { 200: LotSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'lot.write', req.params.buildingId);
    return toLotDto(await service.updateLot(deps, actorOf(req), req.params.buildingId, req.params.lotId, req.body));
  });

  app.delete('/buildings/:buildingId/lots/:lotId', {
    schema: {
      tags, summary: 'Delete a lot that never had holders', params: LotParamsSchema,
      response: { 204: z.null().describe('Deleted'), ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'lot.write', req.params.buildingId);
    await service.deleteLot(deps, actorOf(req), req.params.buildingId, req.params.lotId);
    return reply.status(204).send(null);
  });
}
