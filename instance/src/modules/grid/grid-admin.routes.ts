import {
  CreateEnrolmentTokenBody, CreateGridModelBody, EnrolmentTokenSchema, errorResponses, GridEnrolmentRequestSchema,
  GridEnrolmentResponseSchema, GridModelParamsSchema, GridModelSchema, GridNodeParamsSchema, GridNodeSchema, PatchGridModelBody,
  RevokeGridNodeBody, type GridModelDto, type GridNodeDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { authenticateUser } from '../access/access.plugin.ts';
import * as service from './grid-admin.service.ts';
import type { ModelRow, NodeRow } from './grid.repo.ts';

const tags = ['grid'];

const modelDto = (m: ModelRow): GridModelDto => ({ ...m, createdAt: m.createdAt.toISOString(), updatedAt: m.updatedAt.toISOString() });

function nodeDto(n: NodeRow): GridNodeDto {
  const ad = n.lastAd as { models?: Array<{ name?: unknown; sha256?: unknown }> } | null;
  const models = (ad?.models ?? []).filter((m) => typeof m.name === 'string' && typeof m.sha256 === 'string')
    .map((m) => ({ name: m.name as string, sha256: m.sha256 as string }));
  return {
    peerId: n.peerId, operatorAccountId: n.operatorAccountId, status: n.status, enrolledAt: n.enrolledAt.toISOString(),
    revokedAt: n.revokedAt?.toISOString() ?? null, revokedReason: n.revokedReason, reputation: n.reputation,
    lastSeenAt: n.lastSeenAt?.toISOString() ?? null, models, jobsDone: n.jobsDone, jobsFailed: n.jobsFailed,
  };
}

/**
 * /api/v1/grid/*: the instance administrator's model registry, enrolment tokens and nodes (a logged-in
 * user with `isInstanceAdmin`, like organization creation), and the public enrolment endpoint a node
 * calls with a signed request and a token.
 */
export async function gridAdminRoutes(app: App, deps: Deps): Promise<void> {
  const userAuth = authenticateUser(deps);

  app.post('/grid/enrol', {
    schema: { tags, summary: 'Enrol an edge node: signed claim + single-use token → bootstrap address (public)',
      body: GridEnrolmentRequestSchema, response: { 201: GridEnrolmentResponseSchema, ...errorResponses } },
  }, async (req, reply) => reply.status(201).send(await service.enrol(deps, req.body, req.id)));

  app.get('/grid/models', {
    onRequest: userAuth,
    schema: { tags, summary: 'The model registry (instance administrator)', response: { 200: z.object({ items: z.array(GridModelSchema) }), ...errorResponses } },
  }, async (req) => ({ items: (await service.listModels(deps, req.user)).map(modelDto) }));

  app.post('/grid/models', {
    onRequest: userAuth,
    schema: { tags, summary: 'Register a model by its GGUF SHA-256 (instance administrator)', body: CreateGridModelBody,
      response: { 201: GridModelSchema, ...errorResponses } },
  }, async (req, reply) => reply.status(201).send(modelDto(await service.createModel(deps, req.user, req.body, req.id))));

  app.patch('/grid/models/:modelId', {
    onRequest: userAuth,
    schema: { tags, summary: 'Enable, disable or rename a model (instance administrator)', params: GridModelParamsSchema, body: PatchGridModelBody,
      response: { 200: GridModelSchema, ...errorResponses } },
  }, async (req) => modelDto(await service.patchModel(deps, req.user, req.params.modelId, req.body, req.id)));

  app.post('/grid/enrolment-tokens', {
    onRequest: userAuth,
    schema: { tags, summary: 'A single-use enrolment token, valid 15 minutes, shown once (instance administrator)',
      body: CreateEnrolmentTokenBody, response: { 201: EnrolmentTokenSchema, ...errorResponses } },
  }, async (req, reply) => {
    const t = await service.createEnrolmentToken(deps, req.user, req.body.label ?? null, req.id);
    return reply.status(201).send({ ...t, expiresAt: t.expiresAt.toISOString() });
  });

  app.get('/grid/nodes', {
    onRequest: userAuth,
    schema: { tags, summary: 'Enrolled nodes with status, reputation and advertised models (instance administrator)',
      response: { 200: z.object({ items: z.array(GridNodeSchema) }), ...errorResponses } },
  }, async (req) => ({ items: (await service.listNodes(deps, req.user)).map(nodeDto) }));

  app.get('/grid/nodes/:peerId', {
    onRequest: userAuth,
    schema: { tags, summary: 'One node (instance administrator)', params: GridNodeParamsSchema, response: { 200: GridNodeSchema, ...errorResponses } },
  }, async (req) => nodeDto(await service.getNode(deps, req.user, req.params.peerId)));

  app.get('/grid/nodes/:peerId/events', {
    onRequest: userAuth,
    schema: { tags, summary: 'What the grid recorded about a peer, enrolled or not: refused connections and ads, failed attempts (instance administrator)',
      params: GridNodeParamsSchema, querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), kind: z.string(), details: z.record(z.string(), z.unknown()), at: z.string() })) }),
        ...errorResponses } },
  }, async (req) => ({ items: (await service.nodeEvents(deps, req.user, req.params.peerId, req.query.limit)).map((e) => ({ ...e, at: e.at.toISOString() })) }));

  app.get('/grid/receipts/chain', {
    onRequest: userAuth,
    schema: { tags, summary: 'Check the hash-chained, countersigned receipts from the genesis (instance administrator)',
      response: { 200: z.object({ receipts: z.number().int(), headHash: z.string().nullable(), intact: z.boolean(), brokenAtSeq: z.number().int().nullable() }),
        ...errorResponses } },
  }, async (req) => service.receiptChain(deps, req.user));

  app.post('/grid/nodes/:peerId/revoke', {
    onRequest: userAuth,
    schema: { tags, summary: 'Revoke a node: refused from now on, connections closed (instance administrator)', params: GridNodeParamsSchema,
      body: RevokeGridNodeBody, response: { 200: GridNodeSchema, ...errorResponses } },
  }, async (req) => nodeDto(await service.revokeNode(deps, req.user, req.params.peerId, req.body.reason, req.id)));
}
