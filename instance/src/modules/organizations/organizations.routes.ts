import { z } from 'zod';
import { CreateOrganizationBody, GrantRoleBody, Organization, PageQuerySchema, pageSchema, RoleGrant, RoleName, sortParam } from '@koprogo/protocols';
import { resolvePage } from '../../platform/pagination.ts';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { authenticateUser } from '../access/access.plugin.ts';
import { requirePermission } from '../access/access.guard.ts';
import { apiTokenRoutes } from '../auth/api-tokens.routes.ts';
import { GRANT_SORTS, ORGANIZATION_SORTS, pageGrants } from './organizations.repo.ts';
import { createOrganization, grantRole, listOrganizations, revokeRole } from './organizations.service.ts';

const tags = ['organizations'];

/** User-level routes under /api/v1: organizations are created by the instance administrator. */
export async function organizationRoutes(app: App, deps: Deps): Promise<void> {
  const userAuth = authenticateUser(deps);
  app.post('/organizations', {
    onRequest: userAuth,
    schema: { tags, summary: 'Create an organization (a tenant); instance administrator only', body: CreateOrganizationBody, response: { 201: Organization } },
  }, async (req, reply) => reply.status(201).send(await createOrganization(deps, req.user, req.body, req.id)));

  app.get('/organizations', {
    onRequest: userAuth,
    schema: {
      tags, summary: 'Organizations you belong to (all of them for the instance administrator), by name by default',
      querystring: PageQuerySchema.extend({ sort: sortParam(['name', 'createdAt']) }), response: { 200: pageSchema(Organization) },
    },
  }, async (req) => listOrganizations(deps, req.user, resolvePage(ORGANIZATION_SORTS, req.query, 'name')));
}

/** Routes inside /api/v1/orgs/:orgId: roles and API tokens of that organization. */
export async function orgMemberRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/roles', {
    schema: {
      tags, summary: 'Role grants in the organization, by e-mail (admin); filter by role', response: { 200: pageSchema(RoleGrant) },
      querystring: PageQuerySchema.extend({ role: RoleName.optional(), sort: sortParam(['email', 'grantedAt']) }),
    },
  }, async (req) => {
    requirePermission(req.auth, 'org.manage_roles');
    const page = resolvePage(GRANT_SORTS, req.query, 'email');
    return pageGrants(deps.sql, req.auth.organizationId, { role: req.query.role }, page);
  });

  app.post('/roles', {
    schema: { tags, summary: 'Grant a role to a registered user, for the organization or one building (admin)', body: GrantRoleBody, response: { 201: RoleGrant } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'org.manage_roles');
    return reply.status(201).send(await grantRole(deps, req.auth, req.body, req.id));
  });

  app.delete('/roles/:grantId', {
    schema: { tags, summary: 'Revoke a role grant (admin); the last organization admin cannot be removed', params: z.object({ grantId: z.uuid() }), response: { 204: z.null() } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'org.manage_roles');
    await revokeRole(deps, req.auth, req.params.grantId, req.id);
    return reply.status(204).send(null);
  });

  await apiTokenRoutes(app, deps);
}
