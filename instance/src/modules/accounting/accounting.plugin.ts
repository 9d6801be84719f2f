import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { accountingRoutesOf } from './accounting.routes.ts';

/** Registers this area's routes inside /api/v1/orgs/:orgId (wired in server.ts). */
export async function accountingRoutes(app: App, deps: Deps): Promise<void> {
  await accountingRoutesOf(app, deps);
}
