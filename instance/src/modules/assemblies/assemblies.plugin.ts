import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { meetingRoutes } from './meetings.routes.ts';
import { sessionRoutes } from './session.routes.ts';

/** Registers the general-assembly routes inside /api/v1/orgs/:orgId (wired in server.ts). */
export async function assemblyRoutes(app: App, deps: Deps): Promise<void> {
  await meetingRoutes(app, deps);
  await sessionRoutes(app, deps);
}
