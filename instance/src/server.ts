import type { Deps } from './platform/deps.ts';
import { createHttp, type App } from './platform/http.ts';
import { authenticateOrgRequest } from './modules/access/access.plugin.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { organizationRoutes, orgMemberRoutes } from './modules/organizations/organizations.routes.ts';
import { registerRoutes } from './modules/register.ts';
import { accountingRoutes } from './modules/accounting/accounting.plugin.ts';
import { callRoutes } from './modules/calls/calls.plugin.ts';
import { deliveryRoutes } from './modules/delivery/delivery.plugin.ts';
import { notificationRoutes, notificationSocketRoutes } from './modules/notifications/notifications.plugin.ts';
import { expenseRoutes } from './modules/expenses/expenses.plugin.ts';
import { systemRoutes } from './modules/system/system.routes.ts';
import { remindersRoutes } from './modules/reminders/reminders.plugin.ts';
import { assemblyRoutes, assemblySocketRoutes } from './modules/assemblies/assemblies.plugin.ts';
import { gridAdminRoutes } from './modules/grid/grid-admin.routes.ts';
import { aiDraftRoutes } from './modules/grid/drafts.routes.ts';
import { revenueRoutes } from './modules/grid/revenue.routes.ts';
import { mcpRoutes } from './modules/mcp/mcp.routes.ts';
import { federationAdminRoutes, federationPublicRoutes } from './modules/federation/federation.routes.ts';
import { webRoutes } from './web/web.routes.ts';
import { federationMoveOrgRoutes, movedBuildingGuard } from './modules/federation/federation.move.routes.ts';

/**
 * Builds the HTTP application. Public routes: /health, /ready, /api/v1/auth/*, /api/v1/setup.
 * Everything under /api/v1/orgs/:orgId acts inside that one organization and needs a member's token.
 */
export async function buildServer(deps: Deps): Promise<App> {
  const app = await createHttp(deps.logger, { version: deps.version, trustProxy: deps.config.trustProxy });
  await systemRoutes(app, deps);
  await notificationSocketRoutes(app, deps);
  await assemblySocketRoutes(app, deps);
  await mcpRoutes(app, deps);
  await federationPublicRoutes(app, deps);
  await webRoutes(app);
  await app.register(async (api) => {
    await authRoutes(api, deps);
    await organizationRoutes(api, deps);
    await gridAdminRoutes(api, deps);
    await revenueRoutes(api, deps);
    await federationAdminRoutes(api, deps);
    await api.register(async (org) => {
      org.addHook('onRequest', authenticateOrgRequest(deps));
      org.addHook('preHandler', movedBuildingGuard(deps));
      await orgMemberRoutes(org, deps);
      await auditRoutes(org, deps);
      await registerRoutes(org, deps);
      await accountingRoutes(org, deps);
      await expenseRoutes(org, deps);
      await callRoutes(org, deps);
      await deliveryRoutes(org, deps);
      await notificationRoutes(org, deps);
      await remindersRoutes(org, deps);
      await assemblyRoutes(org, deps);
      await aiDraftRoutes(org, deps);
      await federationMoveOrgRoutes(org, deps);
    }, { prefix: '/orgs/:orgId' });
  }, { prefix: '/api/v1' });
  return app;
}
