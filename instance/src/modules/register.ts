import type { Deps } from '../platform/deps.ts';
import type { App } from '../platform/http.ts';
import { buildingRoutes } from './buildings/buildings.routes.ts';
import { holdingRoutes } from './holdings/holdings.routes.ts';
import { lotRoutes } from './lots/lots.routes.ts';
import { personRoutes } from './persons/persons.routes.ts';

/** The share register under /api/v1/orgs/:orgId: buildings, lots, persons, holdings and the register read. */
export async function registerRoutes(app: App, deps: Deps): Promise<void> {
  await buildingRoutes(app, deps);
  await lotRoutes(app, deps);
  await personRoutes(app, deps);
  await holdingRoutes(app, deps);
}
