import { z } from 'zod';
import { OwnerLinkParams, OwnerLinkView, PortfolioPart, PortfolioView, RequestOwnerLinkBody } from '@koprogo/protocols';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http.ts';
import { authenticateUser } from '../access/access.plugin.ts';
import { federationSecret } from './federation.crypto.ts';
import { dispatchSoon } from './federation.outbox.ts';
import { acceptLink, feedFor, listLinks, portfolio, requestLink, withdrawLink, type LinkRow } from './federation.portfolio.ts';
import { signedGetVerifier } from './federation.signed-get.ts';

const tags = ['federation'];
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const linkDto = (l: LinkRow) => ({ ...l, createdAt: l.createdAt.toISOString(), acceptedAt: iso(l.acceptedAt), withdrawnAt: iso(l.withdrawnAt) });

/** /api/v1/federation/links and /portfolio: any signed-in user, for themselves only. */
export async function federationPortfolioRoutes(app: App, deps: Deps): Promise<void> {
  const userAuth = authenticateUser(deps);
  const signedIn = async (req: FastifyRequest) => {
    await userAuth(req);
    if (!(await federationSecret(deps))) throw new AppError('federation.disabled', 'Federation is off on this instance');
  };
  const one = { 200: OwnerLinkView };
  app.get('/federation/links', { onRequest: signedIn, schema: { tags, summary: 'My links with other instances (asked here, or to accept here)',
    response: { 200: z.object({ items: z.array(OwnerLinkView) }) } } }, async (req) => ({ items: (await listLinks(deps.sql, req.user.userId)).map(linkDto) }));
  app.post('/federation/links', { onRequest: signedIn, schema: { tags, summary: 'Ask to link my account here with my account (e-mail) on a peer instance',
    body: RequestOwnerLinkBody, response: { 201: OwnerLinkView } } }, async (req, reply) => {
    const r = await requestLink(deps, req.user.userId, req.body.fedPeerId, req.body.email);
    dispatchSoon(deps, r.activityId);
    return reply.status(201).send(linkDto(r.link));
  });
  app.post('/federation/links/:linkId/accept', { onRequest: signedIn, schema: { tags, summary: 'Consent here to a link asked from another instance',
    params: OwnerLinkParams, response: one } }, async (req) => {
    const r = await acceptLink(deps, req.user.userId, req.params.linkId);
    if (r.activityId) dispatchSoon(deps, r.activityId);
    return linkDto(r.link);
  });
  app.post('/federation/links/:linkId/withdraw', { onRequest: signedIn, schema: { tags, summary: 'Withdraw consent (either side): fetches are refused from now on',
    params: OwnerLinkParams, response: one } }, async (req) => {
    const r = await withdrawLink(deps, req.user.userId, req.params.linkId);
    if (r.activityId) dispatchSoon(deps, r.activityId);
    return linkDto(r.link);
  });
  app.get('/federation/portfolio', { onRequest: signedIn, schema: { tags, summary: 'My portfolio: balances and coming meetings here and on every linked instance',
    response: { 200: PortfolioView } } }, async (req) => portfolio(deps, req.user.userId));
}

/** GET /fed/owner-feeds/:linkId/portfolio: one owner's part, for the home instance of an active link (signed GET). */
export async function federationOwnerFeedRoute(app: App, deps: Deps): Promise<void> {
  const verified = signedGetVerifier(deps);
  app.get('/fed/owner-feeds/:linkId/portfolio', { schema: { tags, summary: 'An owner\'s portfolio part, for the linked home instance (signed GET, consent required)',
    security: [], params: OwnerLinkParams, response: { 200: PortfolioPart } } }, async (req, reply) => {
    const peerHost = await verified(req, reply);
    if (!peerHost) return reply;
    return feedFor(deps, req.params.linkId, peerHost);
  });
}
