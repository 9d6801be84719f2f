import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { distributionRoutes } from '../distribution/distribution.routes.ts';
import { supplierRoutes } from '../suppliers/suppliers.routes.ts';
import { expenseRoutesOfBuilding } from './expenses.routes.ts';

/** Registers this area's routes inside /api/v1/orgs/:orgId (wired in server.ts): suppliers, distribution keys, expenses. */
export async function expenseRoutes(app: App, deps: Deps): Promise<void> {
  await supplierRoutes(app, deps);
  await distributionRoutes(app, deps);
  await expenseRoutesOfBuilding(app, deps);
}
