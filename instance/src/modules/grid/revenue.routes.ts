import {
  errorResponses, GridLedgerVerificationSchema, GridNodeStatementSchema, GridPeriodListSchema, GridPeriodReportSchema, GridPriceSchema,
  GridWorkSchema, PeriodNodeParamsSchema, PeriodParamsSchema, ReverseGridWorkBody, ReverseGridWorkParams, SetGridPriceBody,
} from '@koprogo/protocols';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http.ts';
import { authenticateUser } from '../access/access.plugin.ts';
import { closePeriod, currentPrice, reverseWork, setPrice, verifyChain } from './ledger.service.ts';
import { listPeriods, nodeStatement, periodReport } from './revenue.service.ts';

const tags = ['grid'];

/**
 * The revenue-share ledger under /api/v1/grid/revenue (registered inside /api/v1): the grid is
 * operated by the cooperative, so only the instance administrator sees and closes it.
 */
export async function revenueRoutes(app: App, deps: Deps): Promise<void> {
  await app.register(async (scope) => {
    const r = scope as unknown as App;
    r.addHook('onRequest', authenticateUser(deps));
    r.addHook('preHandler', async (req) => {
      if (!req.user.isInstanceAdmin) throw new AppError('auth.forbidden', 'Only the instance administrator manages the grid revenue ledger');
    });

    r.get('/price', {
      schema: { tags, summary: 'The price one accepted AI draft earns (per draft + per 1,000 recounted tokens, integer cents)',
        response: { 200: GridPriceSchema, ...errorResponses } },
    }, async () => {
      const p = await currentPrice(deps);
      return { perDraftCents: p?.perDraftCents ?? 0, perThousandTokensCents: p?.perThousandTokensCents ?? 0, setAt: p?.setAt.toISOString() ?? null };
    });

    r.put('/price', {
      schema: { tags, summary: 'Set the price of an accepted AI draft from now on (jobs already credited keep theirs)', body: SetGridPriceBody,
        response: { 200: GridPriceSchema, ...errorResponses } },
    }, async (req) => {
      const p = await setPrice(deps, { ...req.body, by: req.user.userId });
      req.log.info({ price: req.body }, 'grid price set');
      return { perDraftCents: p.perDraftCents, perThousandTokensCents: p.perThousandTokensCents, setAt: p.setAt.toISOString() };
    });

    r.get('/periods', {
      schema: { tags, summary: 'Closed periods, most recent first', response: { 200: GridPeriodListSchema, ...errorResponses } },
    }, async () => ({ items: await listPeriods(deps) }));

    r.get('/periods/:period', {
      schema: { tags, summary: 'A period: revenue, the 80/20 pools and each node\'s share (provisional while open)', params: PeriodParamsSchema,
        response: { 200: GridPeriodReportSchema, ...errorResponses } },
    }, async (req) => periodReport(deps, req.params.period));

    r.post('/periods/:period/close', {
      schema: { tags, summary: 'Close an ended period: write the hash-chained ledger lines (idempotent)', params: PeriodParamsSchema,
        response: { 200: GridPeriodReportSchema, 201: GridPeriodReportSchema, ...errorResponses } },
    }, async (req, reply) => {
      const { created } = await closePeriod(deps, { period: req.params.period, by: req.user.userId });
      return reply.status(created ? 201 : 200).send(await periodReport(deps, req.params.period));
    });

    r.get('/periods/:period/nodes/:peerId', {
      schema: { tags, summary: 'One node\'s statement: jobs, tokens, declared energy, units and money', params: PeriodNodeParamsSchema,
        response: { 200: GridNodeStatementSchema, ...errorResponses } },
    }, async (req) => nodeStatement(deps, req.params.period, req.params.peerId));

    r.post('/work/:workId/reverse', {
      schema: { tags, summary: 'Cancel a credited job in its open period with a reversing entry', params: ReverseGridWorkParams,
        body: ReverseGridWorkBody, response: { 201: GridWorkSchema, ...errorResponses } },
    }, async (req, reply) => {
      const w = await reverseWork(deps, { workId: req.params.workId, reason: req.body.reason, by: req.user.userId });
      return reply.status(201).send({ ...w, recordedAt: w.recordedAt.toISOString() });
    });

    r.get('/verify', {
      schema: { tags, summary: 'Recompute the ledger\'s hash chain', response: { 200: GridLedgerVerificationSchema, ...errorResponses } },
    }, async () => verifyChain(deps));
  }, { prefix: '/grid/revenue' });
}
