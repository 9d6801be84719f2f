import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { reminderRoutes } from './reminders.routes.ts';

/** Registers the reminder ladder's routes inside /api/v1/orgs/:orgId (wired in server.ts). */
export async function remindersRoutes(app: App, deps: Deps): Promise<void> {
  await reminderRoutes(app, deps);
}
