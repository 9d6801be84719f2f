import {
  errorResponses, NotificationListQuerySchema, NotificationPageSchema, NotificationParamsSchema, NotificationSchema,
  NotificationsReadAllSchema, type NotificationDto,
} from '@koprogo/protocols';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http.ts';
import { actorOf, type RegisterDeps } from '../buildings/use-case.ts';
import type { NotificationRow } from './notifications.repo.ts';
import * as service from './notifications.service.ts';

const tags = ['notifications'];

/** Marking read is a change: a read-only API token may list, not mark. */
function requireWriteScope(req: FastifyRequest): void {
  if (!req.auth.scopes.includes('write')) throw new AppError('auth.forbidden', 'A read-only API token cannot mark notifications read', { permission: 'write' });
}

const toDto = (r: NotificationRow): NotificationDto => ({
  id: r.id, type: r.type, payload: r.payload, createdAt: r.createdAt.toISOString(), readAt: r.readAt?.toISOString() ?? null,
});

/** The caller's own in-app notifications in this organization. Any member. */
export async function inAppRoutes(app: App, deps: RegisterDeps): Promise<void> {
  app.get('/notifications', {
    schema: {
      tags, summary: 'My notifications in this organization, newest first (unread=true: only those not read yet)',
      querystring: NotificationListQuerySchema, response: { 200: NotificationPageSchema, ...errorResponses },
    },
  }, async (req) => {
    const r = await service.listNotifications(deps, actorOf(req), req.auth.userId, req.query);
    return { ...r, items: r.items.map(toDto) };
  });

  app.post('/notifications/:notificationId/read', {
    schema: {
      tags, summary: 'Mark one of my notifications read (idempotent: the first read time is kept)',
      params: NotificationParamsSchema, response: { 200: NotificationSchema, ...errorResponses },
    },
  }, async (req) => {
    requireWriteScope(req);
    return toDto(await service.markRead(deps, actorOf(req), req.auth.userId, req.params.notificationId));
  });

  app.post('/notifications/read-all', {
    schema: {
      tags, summary: 'Mark all my notifications in this organization read', response: { 200: NotificationsReadAllSchema, ...errorResponses },
    },
  }, async (req) => {
    requireWriteScope(req);
    return service.markAllRead(deps, actorOf(req), req.auth.userId);
  });
}
