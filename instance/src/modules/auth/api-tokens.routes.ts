import { z } from 'zod';
import { ApiToken, CreateApiTokenBody, CreatedApiToken, PageQuerySchema, pageSchema, sortParam } from '@koprogo/protocols';
import { resolvePage } from '../../platform/pagination.ts';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { hasPermission } from '../access/access.domain.ts';
import { API_TOKEN_SORTS, createApiToken, listApiTokens, revokeApiToken } from './api-tokens.service.ts';

const tags = ['auth'];

export async function apiTokenRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/api-tokens', {
    schema: {
      tags, summary: 'API tokens of this organization (admins: all; others: their own), newest first by default',
      querystring: PageQuerySchema.extend({ sort: sortParam(['createdAt', 'name']) }), response: { 200: pageSchema(ApiToken) },
    },
  }, async (req) => listApiTokens(deps, req.auth, hasPermission(req.auth, 'org.manage_roles'), resolvePage(API_TOKEN_SORTS, req.query, '-createdAt')));

  app.post('/api-tokens', {
    schema: { tags, summary: 'Create an API token acting with your roles in this organization; the token is shown once', body: CreateApiTokenBody, response: { 201: CreatedApiToken } },
  }, async (req, reply) => reply.status(201).send(await createApiToken(deps, req.auth, req.body, req.id)));

  app.delete('/api-tokens/:tokenId', {
    schema: { tags, summary: 'Revoke an API token', params: z.object({ tokenId: z.uuid() }), response: { 200: ApiToken } },
  }, async (req) => revokeApiToken(deps, req.auth, req.params.tokenId, hasPermission(req.auth, 'org.manage_roles'), req.id));
}
