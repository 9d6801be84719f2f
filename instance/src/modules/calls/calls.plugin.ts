import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { fundRoutes } from '../funds/funds.routes.ts';
import { paymentRoutes } from '../payments/payments.routes.ts';
import { callsForFundsRoutes } from './calls.routes.ts';

/**
 * Registers this area's routes inside /api/v1/orgs/:orgId (wired in server.ts): budgets and funds,
 * calls for funds, owner payments, CODA statements and owner accounts.
 */
export async function callRoutes(app: App, deps: Deps): Promise<void> {
  await fundRoutes(app, deps);
  await callsForFundsRoutes(app, deps);
  await paymentRoutes(app, deps);
}
