import {
  BuildingCreateSchema, BuildingListQuerySchema, BuildingPageSchema, BuildingParamsSchema, BuildingPatchSchema,
  BuildingSchema, errorResponses, type BuildingDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http.ts';
import { buildingScope } from '../access/access.domain.ts';
import { requirePermission } from '../access/access.guard.ts';
import type { Building } from './buildings.domain.ts';
import * as service from './buildings.service.ts';
import { actorOf, type RegisterDeps } from './use-case.ts';

const tags = ['register'];

export function toBuildingDto(b: Building): BuildingDto {
  return { ...b, createdAt: b.createdAt.toISOString(), updatedAt: b.updatedAt.toISOString() };
}

/** /buildings: the organization's buildings (ACP / VME). */
export async function buildingRoutes(app: App, deps: RegisterDeps): Promise<void> {
  app.get('/buildings', {
    schema: {
      tags, summary: 'List buildings (filter q on name/city; sort name, city, totalShares, createdAt)',
      querystring: BuildingListQuerySchema, response: { 200: BuildingPageSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'building.read');
    const page = await service.listBuildings(deps, actorOf(req), { ...req.query, scope: buildingScope(req.auth, 'building.read') });
    return { ...page, items: page.items.map(toBuildingDto) };
  });

  app.post('/buildings', {
    schema: {
      tags, summary: 'Create a building (organization-wide building.write)', body: BuildingCreateSchema,
      response: { 201: BuildingSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'building.write');
    if (buildingScope(req.auth, 'building.write') !== 'all') {
      throw new AppError('auth.forbidden', 'Creating a building needs building.write on the whole organization', { permission: 'building.write' });
    }
    const b = await service.createBuilding(deps, actorOf(req), req.body);
    return reply.status(201).send(toBuildingDto(b));
  });

  app.get('/buildings/:buildingId', {
    schema: { tags, summary: 'Get a building', params: BuildingParamsSchema, response: { 200: BuildingSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'building.read', req.params.buildingId);
    return toBuildingDto(await service.getBuilding(deps, actorOf(req), req.params.buildingId));
  });

  app.patch('/buildings/:buildingId', {
    schema: {
      tags, summary: 'Change a building (fields left out are unchanged)', params: BuildingParamsSchema, body: BuildingPatchSchema,
      response: { 200: BuildingSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'building.write', req.params.buildingId);
    return toBuildingDto(await service.updateBuilding(deps, actorOf(req), req.params.buildingId, req.body));
  });

  app.delete('/buildings/:buildingId', {
    schema: {
      tags, summary: 'Delete a building without lots', params: BuildingParamsSchema,
      response: { 204: z.null().describe('Deleted'), ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'building.write', req.params.buildingId);
    await service.deleteBuilding(deps, actorOf(req), req.params.buildingId);
    return reply.status(204).send(null);
  });
}
