import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { liveMeetingRoutes } from './live.socket.ts';
import { meetingRoutes } from './meetings.routes.ts';
import { minutesRoutes } from './minutes.routes.ts';
import { sessionRoutes } from './session.routes.ts';

/** Registers the general-assembly routes inside /api/v1/orgs/:orgId (wired in server.ts). */
export async function assemblyRoutes(app: App, deps: Deps): Promise<void> {
  await meetingRoutes(app, deps);
  await sessionRoutes(app, deps);
  await minutesRoutes(app, deps);
}

/** Registers the live voting WebSocket route at the application's top level (wired in server.ts, after the event socket). */
export async function assemblySocketRoutes(app: App, deps: Deps): Promise<void> {
  await liveMeetingRoutes(app, deps);
}
