import {
  BuildingParamsSchema, DistributionKeyCreateSchema, DistributionKeyListSchema, DistributionKeyParamsSchema,
  DistributionKeyPatchSchema, DistributionKeySchema, DistributionPreviewQuerySchema, DistributionPreviewSchema, errorResponses,
  type DistributionKeyDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { Db } from '../../platform/db.ts';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf, type RegisterDeps } from '../buildings/use-case.ts';
import type { DistributionKey } from './distribution.repo.ts';
import * as service from './distribution.service.ts';

const tags = ['expenses'];

export function toKeyDto(k: DistributionKey): DistributionKeyDto {
  return {
    ...k, totalWeight: k.lots.reduce((a, l) => a + l.weight, 0),
    createdAt: k.createdAt.toISOString(), updatedAt: k.updatedAt.toISOString(),
  };
}

/** Display names of persons, for distribution views. */
export async function personNames(sql: Db, organizationId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; name: string }[]>`select id, display_name as name from persons
    where organization_id = ${organizationId} and id = any(${[...new Set(ids)]}::uuid[])`;
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** /buildings/:buildingId/distribution-keys: specific keys (the general key is implicit), and a preview. */
export async function distributionRoutes(app: App, deps: RegisterDeps): Promise<void> {
  app.get('/buildings/:buildingId/distribution-keys', {
    schema: {
      tags, summary: 'List the building\'s specific distribution keys (the general key, every lot by its shares, is implicit)',
      params: BuildingParamsSchema, response: { 200: DistributionKeyListSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'expense.read', req.params.buildingId);
    return { items: (await service.listKeys(deps, actorOf(req), req.params.buildingId)).map(toKeyDto) };
  });

  app.post('/buildings/:buildingId/distribution-keys', {
    schema: {
      tags, summary: "Create a key: 'lots' (a subset of lots by their shares) or 'weights' (an integer weight per lot)",
      params: BuildingParamsSchema, body: DistributionKeyCreateSchema, response: { 201: DistributionKeySchema, ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'expense.write', req.params.buildingId);
    return reply.status(201).send(toKeyDto(await service.createKey(deps, actorOf(req), req.params.buildingId, req.body)));
  });

  app.get('/buildings/:buildingId/distribution-keys/:keyId', {
    schema: { tags, summary: 'Get a distribution key with its lots and weights', params: DistributionKeyParamsSchema,
      response: { 200: DistributionKeySchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'expense.read', req.params.buildingId);
    return toKeyDto(await service.getKey(deps, actorOf(req), req.params.buildingId, req.params.keyId));
  });

  app.patch('/buildings/:buildingId/distribution-keys/:keyId', {
    schema: { tags, summary: 'Rename a key or replace its lots (its kind stays)', params: DistributionKeyParamsSchema,
      body: DistributionKeyPatchSchema, response: { 200: DistributionKeySchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'expense.write', req.params.buildingId);
    return toKeyDto(await service.updateKey(deps, actorOf(req), req.params.buildingId, req.params.keyId, req.body));
  });

  app.delete('/buildings/:buildingId/distribution-keys/:keyId', {
    schema: { tags, summary: 'Delete a key no expense uses', params: DistributionKeyParamsSchema,
      response: { 204: z.null().describe('Deleted'), ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'expense.write', req.params.buildingId);
    await service.deleteKey(deps, actorOf(req), req.params.buildingId, req.params.keyId);
    return reply.status(204).send(null);
  });

  app.get('/buildings/:buildingId/distribution-preview', {
    schema: {
      tags, summary: 'How an amount would be split over a key\'s lots and their holders as of a date (nothing is written)',
      params: BuildingParamsSchema, querystring: DistributionPreviewQuerySchema, response: { 200: DistributionPreviewSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'expense.read', req.params.buildingId);
    const ctx = actorOf(req);
    const r = await service.previewDistribution(deps, ctx, req.params.buildingId, { ...req.query, keyId: req.query.keyId ?? null });
    const names = await personNames(deps.sql, ctx.organizationId, r.items.map((i) => i.personId));
    return { ...r, items: r.items.map((i) => ({ ...i, personName: names.get(i.personId) ?? '' })) };
  });
}
