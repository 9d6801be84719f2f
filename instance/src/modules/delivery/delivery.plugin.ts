import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { deliveryRoutesOf } from './delivery.routes.ts';

/** Registers the delivery routes inside /api/v1/orgs/:orgId (wired in server.ts). */
export async function deliveryRoutes(app: App, deps: Deps): Promise<void> {
  await deliveryRoutesOf(app, deps);
}
