import { z } from 'zod';
import {
  AcceptTransferBody, BuildingParamsSchema, errorResponses, IncomingTransferParams, IncomingTransferView, MoveView, OfferMoveBody,
} from '@koprogo/protocols';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http.ts';
import { buildingScope } from '../access/access.domain.ts';
import { requirePermission } from '../access/access.guard.ts';
import { federationSecret } from './federation.crypto.ts';
import { signedGetVerifier } from './federation.signed-get.ts';
import { acceptTransfer, bundleFor, listIncoming, listMoves, movedBuildingState, offerMove, type IncomingRow, type MoveRow } from './federation.move.ts';
import { dispatchSoon } from './federation.outbox.ts';

const tags = ['federation'];
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const moveDto = (m: MoveRow) => ({ ...m, createdAt: m.createdAt.toISOString(), completedAt: iso(m.completedAt) });
const incomingDto = (r: IncomingRow) => ({ ...r, offeredAt: r.offeredAt.toISOString(), importedAt: iso(r.importedAt) });

/** Moving a building is the organization administrator's decision (org.manage_roles on the whole organization). */
function requireOrgAdmin(req: FastifyRequest): void {
  requirePermission(req.auth, 'org.manage_roles');
  if (buildingScope(req.auth, 'org.manage_roles') !== 'all') throw new AppError('auth.forbidden', 'Only an administrator of the whole organization moves a building');
}

/** /api/v1/orgs/:orgId/buildings/:buildingId/federation-moves (source side). */
export async function federationMoveOrgRoutes(app: App, deps: Deps): Promise<void> {
  app.post('/buildings/:buildingId/federation-moves', {
    schema: { tags, summary: 'Offer this building\'s whole file to a peer instance (freezes the building; a second offer returns the first)',
      params: BuildingParamsSchema, body: OfferMoveBody, response: { 200: MoveView, 201: MoveView, ...errorResponses } },
  }, async (req, reply) => {
    requireOrgAdmin(req);
    if (!(await federationSecret(deps))) throw new AppError('federation.disabled', 'Federation is off on this instance');
    const r = await offerMove(deps, { organizationId: req.auth.organizationId, userId: req.auth.userId }, req.params.buildingId, req.body.fedPeerId);
    if (r.created) dispatchSoon(deps, r.move.activityId);
    return reply.status(r.created ? 201 : 200).send(moveDto(r.move));
  });
  app.get('/buildings/:buildingId/federation-moves', {
    schema: { tags, summary: 'The move of this building, if any (state offered or completed, movedTo)', params: BuildingParamsSchema,
      response: { 200: z.object({ items: z.array(MoveView) }), ...errorResponses } },
  }, async (req) => {
    requireOrgAdmin(req);
    const [b] = await deps.sql`select 1 from buildings where organization_id = ${req.auth.organizationId} and id = ${req.params.buildingId}`;
    if (!b) throw new AppError('building.not_found', 'No such building', { buildingId: req.params.buildingId });
    return { items: (await listMoves(deps.sql, req.auth.organizationId, req.params.buildingId)).map(moveDto) };
  });
}

/**
 * Tombstone: any write naming a building (or one of its lots) that is offered or moved is refused:
 * 409 while the offer is pending, 410 with `movedTo` once moved. Reads keep working (the source keeps
 * a read-only archive). The move routes themselves are exempt (offering again returns the offer).
 */
export function movedBuildingGuard(deps: Deps) {
  return async (req: FastifyRequest) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.routeOptions.url?.endsWith('/federation-moves')) return;
    const p = (req.params ?? {}) as { buildingId?: string; lotId?: string };
    if (!p.buildingId && !p.lotId) return;
    const moved = await movedBuildingState(deps.sql, req.auth.organizationId, p);
    if (!moved) return;
    if (moved.state === 'completed') throw new AppError('building.moved', 'This building has moved to another instance; its file here is read-only', { movedTo: moved.movedTo });
    throw new AppError('building.transfer_pending', 'This building is being moved to another instance; its file is read-only meanwhile');
  };
}

/** Instance administrator (receiver side): offers received, and accepting one into an organization. */
export async function federationTransferAdminRoutes(app: App, deps: Deps, admin: (req: FastifyRequest) => Promise<void>): Promise<void> {
  app.get('/federation/transfers', { onRequest: admin, schema: { tags, summary: 'Building transfers offered to this instance',
    response: { 200: z.object({ items: z.array(IncomingTransferView) }) } } }, async () => ({ items: (await listIncoming(deps.sql)).map(incomingDto) }));
  app.post('/federation/transfers/:fedTransferId/accept', { onRequest: admin, schema: { tags,
    summary: 'Accept a building transfer into an organization: fetch (signed GET), verify every hash, import in one transaction, send the receipt',
    params: IncomingTransferParams, body: AcceptTransferBody, response: { 200: IncomingTransferView } } },
  async (req) => {
    const r = await acceptTransfer(deps, req.params.fedTransferId, req.body.organizationId);
    if (r.activityId) dispatchSoon(deps, r.activityId);
    return incomingDto(r.row);
  });
}

/** GET /fed/transfers/:transferId/bundle: the bundle, for the peer it was offered to only (signed GET, profile copro-fed/1). */
export async function federationBundleRoute(app: App, deps: Deps): Promise<void> {
  const verified = signedGetVerifier(deps);
  app.get('/fed/transfers/:transferId/bundle', {
    schema: { tags, summary: 'A building bundle, for the instance it was offered to (signed GET)', security: [], params: z.object({ transferId: z.uuid() }) },
  }, async (req, reply) => {
    const peerHost = await verified(req, reply);
    if (!peerHost) return reply;
    const bundle = await bundleFor(deps.sql, req.params.transferId, peerHost);
    if (!bundle) throw new AppError('fed_transfer.not_found', 'No such transfer for this peer');
    return reply.header('content-type', 'application/json').send(bundle);
  });
}
