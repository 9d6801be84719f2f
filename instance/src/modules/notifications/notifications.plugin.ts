import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { eventSocketRoutes } from './events.socket.ts';
import { inAppRoutes } from './notifications.routes.ts';
import { webhookRoutes } from './webhooks.routes.ts';

/** Registers the notification routes inside /api/v1/orgs/:orgId (wired in server.ts). */
export async function notificationRoutes(app: App, deps: Deps): Promise<void> {
  await inAppRoutes(app, deps);
  await webhookRoutes(app, deps);
}

/** Registers the live-event WebSocket route at the application's top level (wired in server.ts). */
export async function notificationSocketRoutes(app: App, deps: Deps): Promise<void> {
  await eventSocketRoutes(app, deps);
}
