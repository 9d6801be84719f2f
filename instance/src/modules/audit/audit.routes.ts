import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { listAudit } from './audit.query.ts';

const AuditItem = z.object({
  id: z.string(),
  at: z.string(),
  actorUserId: z.uuid().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  details: z.record(z.string(), z.unknown()),
  requestId: z.string().nullable(),
});

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d{1,19}$/, 'an opaque cursor from a previous page').optional(),
  action: z.string().max(100).optional(),
  entityType: z.string().max(100).optional(),
  entityId: z.string().max(100).optional(),
  actorUserId: z.uuid().optional(),
});

/** The organization's audit log, newest first (admins). */
export async function auditRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/audit', {
    schema: {
      tags: ['audit'], summary: 'Audit log of every state change in the organization, newest first (admin)', querystring: Query,
      response: { 200: z.object({ items: z.array(AuditItem), total: z.number().int(), nextCursor: z.string().nullable() }) },
    },
  }, async (req) => {
    requirePermission(req.auth, 'audit.read');
    if (req.query.cursor && BigInt(req.query.cursor) > 9_223_372_036_854_775_807n) throw new AppError('request.invalid', 'Bad cursor', { field: 'cursor' });
    return listAudit(deps.sql, req.auth.organizationId, req.query);
  });
}
