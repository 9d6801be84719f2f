import { z } from 'zod';
import {
  AddPeerBody, AlertView, BlockPeerBody, DeliveryParams, DeliveryView, InstanceDocument, OutboxQuery, OwnKeyView, PeerParams, PeerView,
  LedgerHeadView, PublicStatsBulletin, PublishStatsBody, RevokeOwnKeyBody, RotateKeyBody, StatsAggregateView, StatsPeriodParams,
} from '@koprogo/protocols';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http.ts';
import { authenticateUser } from '../access/access.plugin.ts';
import { outboxViews, ownKeyViews, peerViews, resendDelivery } from './federation.admin.ts';
import { federationSecret } from './federation.crypto.ts';
import { instanceDocument, revokeOwnKey, rotateKey } from './federation.identity.ts';
import { inboxRoute } from './federation.inbox.ts';
import { federationBundleRoute, federationTransferAdminRoutes } from './federation.move.routes.ts';
import { federationOwnerFeedRoute, federationPortfolioRoutes } from './federation.portfolio.routes.ts';
import { listLedgerHeads, publishLedgerHead } from './federation.ledger-head.ts';
import { dispatchSoon, sendDeliverJob } from './federation.outbox.ts';
import { addPeer, approvePeerKey, blockPeer, revokePeerKey, unblockPeer } from './federation.peers.ts';
import * as repo from './federation.repo.ts';
import { aggregateStats, ownBulletin, publishStats } from './federation.stats.ts';

const tags = ['federation'];
const FedKeyBody = z.strictObject({ keyId: z.string().min(1).max(300) });
const UnblockBody = z.strictObject({ fingerprint: AddPeerBody.shape.fingerprint });

/** Public federation endpoints: the instance document and the inbox. */
export async function federationPublicRoutes(app: App, deps: Deps): Promise<void> {
  const doc = async () => {
    if (!(await federationSecret(deps))) throw new AppError('federation.disabled', 'Federation is off on this instance');
    return instanceDocument(deps);
  };
  app.get('/.well-known/koprogo-federation', {
    schema: { tags, summary: 'Instance document: name, country, cooperative, public keys, inbox, supported activities', security: [], response: { 200: InstanceDocument } },
  }, doc);
  app.get('/fed/actor', { schema: { tags, summary: 'The instance actor (same document)', security: [], response: { 200: InstanceDocument } } }, doc);
  app.get('/fed/stats/:period', {
    schema: { tags, summary: 'This instance\'s statistics bulletin for a month (public; counts below 10 suppressed)', security: [], params: StatsPeriodParams,
      response: { 200: PublicStatsBulletin } },
  }, async (req) => {
    if (!(await federationSecret(deps))) throw new AppError('federation.disabled', 'Federation is off on this instance');
    return ownBulletin(deps, req.params.period);
  });
  await inboxRoute(app, deps);
  await federationBundleRoute(app, deps);
  await federationOwnerFeedRoute(app, deps);
}

/** Instance administrators' routes under /api/v1/federation. */
export async function federationAdminRoutes(app: App, deps: Deps): Promise<void> {
  const userAuth = authenticateUser(deps);
  const admin = async (req: FastifyRequest) => {
    await userAuth(req);
    if (!req.user.isInstanceAdmin) throw new AppError('auth.forbidden', 'Only the instance administrator manages federation');
    if (!(await federationSecret(deps))) throw new AppError('federation.disabled', 'Federation is off: set FEDERATION_KEY_SECRET');
  };
  const ok = z.object({ ok: z.literal(true) });

  app.get('/federation/peers', { onRequest: admin, schema: { tags, summary: 'Peers allow-list with pinned keys and delivery counts', response: { 200: z.object({ items: z.array(PeerView) }) } } },
    async () => ({ items: await peerViews(deps.sql) }));
  app.post('/federation/peers', { onRequest: admin, schema: { tags, summary: 'Add a peer: fetches its document, pins the key whose fingerprint was compared out of band', body: AddPeerBody, response: { 201: PeerView } } },
    async (req, reply) => {
      const p = await addPeer(deps, req.body);
      return reply.status(201).send((await peerViews(deps.sql)).find((v) => v.id === p.id)!);
    });
  app.post('/federation/peers/:fedPeerId/block', { onRequest: admin, schema: { tags, summary: 'Block (defederate) a peer; announced to the other peers', params: PeerParams, body: BlockPeerBody, response: { 200: ok } } },
    async (req) => {
      const activityId = await blockPeer(deps, req.params.fedPeerId, req.body.reasons);
      if (activityId) dispatchSoon(deps, activityId);
      return { ok: true as const };
    });
  app.post('/federation/peers/:fedPeerId/unblock', { onRequest: admin, schema: { tags, summary: 'Lift a block: pin the key again (fingerprint), resume suspended deliveries', params: PeerParams, body: UnblockBody, response: { 200: ok } } },
    async (req) => {
      const ids = await unblockPeer(deps, req.params.fedPeerId, req.body.fingerprint);
      const peer = await repo.findPeer(deps.sql, req.params.fedPeerId);
      if (deps.boss) for (const id of ids) await sendDeliverJob(deps, id, peer!.host, 0, 0);
      return { ok: true as const };
    });
  app.post('/federation/peers/:fedPeerId/keys/revoke', { onRequest: admin, schema: { tags, summary: 'Revoke a peer key locally, at once', params: PeerParams, body: FedKeyBody, response: { 200: ok } } },
    async (req) => { await revokePeerKey(deps, req.params.fedPeerId, req.body.keyId); return { ok: true as const }; });
  app.post('/federation/peers/:fedPeerId/keys/approve', { onRequest: admin, schema: { tags, summary: 'Approve a quarantined peer key', params: PeerParams, body: FedKeyBody, response: { 200: ok } } },
    async (req) => { await approvePeerKey(deps, req.params.fedPeerId, req.body.keyId); return { ok: true as const }; });

  app.get('/federation/keys', { onRequest: admin, schema: { tags, summary: 'Our signing keys', response: { 200: z.object({ items: z.array(OwnKeyView) }) } } },
    async () => ({ items: await ownKeyViews(deps.sql) }));
  app.post('/federation/keys/rotate', { onRequest: admin, schema: { tags, summary: 'Rotate our key: announce the next key with a continuity proof', body: RotateKeyBody, response: { 201: z.object({ keyId: z.string(), signingFrom: z.string() }) } } },
    async (req, reply) => {
      const r = await rotateKey(deps, req.body.overlapHours);
      dispatchSoon(deps, r.activityId);
      return reply.status(201).send({ keyId: r.keyId, signingFrom: r.signingFrom.toISOString() });
    });
  app.post('/federation/keys/revoke', { onRequest: admin, schema: { tags, summary: 'Revoke one of our keys at once, announced to every peer', body: RevokeOwnKeyBody, response: { 200: ok } } },
    async (req) => { dispatchSoon(deps, await revokeOwnKey(deps, req.body.keyId, req.body.reason)); return { ok: true as const }; });

  app.get('/federation/outbox', { onRequest: admin, schema: { tags, summary: 'Deliveries (filter by state: parked, dead…)', querystring: OutboxQuery, response: { 200: z.object({ items: z.array(DeliveryView) }) } } },
    async (req) => ({ items: await outboxViews(deps.sql, req.query.state, req.query.limit) }));
  app.post('/federation/outbox/:deliveryId/resend', { onRequest: admin, schema: { tags, summary: 'Re-send a parked, dead or expired delivery', params: DeliveryParams, response: { 200: ok } } },
    async (req) => { await resendDelivery(deps, req.params.deliveryId); return { ok: true as const }; });
  app.get('/federation/alerts', { onRequest: admin, schema: { tags, summary: 'Security and delivery alerts', response: { 200: z.object({ items: z.array(AlertView) }) } } },
    async () => ({ items: (await repo.listAlerts(deps.sql, 100)).map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })) }));

  app.post('/federation/stats', { onRequest: admin, schema: { tags, summary: 'Publish this instance\'s statistics bulletin for a period', body: PublishStatsBody, response: { 201: z.object({ activityId: z.string() }) } } },
    async (req, reply) => {
      const r = await publishStats(deps, req.body.period);
      dispatchSoon(deps, r.activityId);
      return reply.status(201).send(r);
    });
  app.get('/federation/stats', { onRequest: admin, schema: { tags, summary: 'Statistics of every instance for a period, with totals', querystring: PublishStatsBody, response: { 200: StatsAggregateView } } },
    async (req) => aggregateStats(deps, req.query.period));
  app.post('/federation/ledger-head', { onRequest: admin, schema: { tags, summary: 'Publish the revenue ledger\'s head (size, latest hash) to every peer',
    response: { 201: z.object({ activityId: z.string(), size: z.number().int(), headHash: z.string() }) } } },
  async (_req, reply) => {
    const r = await publishLedgerHead(deps);
    dispatchSoon(deps, r.activityId);
    return reply.status(201).send(r);
  });
  app.get('/federation/ledger-heads', { onRequest: admin, schema: { tags, summary: 'Ledger heads: ours and every peer\'s', response: { 200: z.object({ items: z.array(LedgerHeadView) }) } } },
    async () => ({ items: await listLedgerHeads(deps.sql) }));
  await federationTransferAdminRoutes(app, deps, admin);
  await federationPortfolioRoutes(app, deps);
}
