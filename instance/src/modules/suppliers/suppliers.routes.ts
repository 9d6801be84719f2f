import {
  errorResponses, SupplierCreateSchema, SupplierListQuerySchema, SupplierPageSchema, SupplierParamsSchema, SupplierPatchSchema,
  SupplierSchema, type SupplierDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { App } from '../../platform/http.ts';
import { buildingScope, type AuthContext } from '../access/access.domain.ts';
import { requirePermission } from '../access/access.guard.ts';
import { AppError } from '../../platform/errors.ts';
import { actorOf, type RegisterDeps } from '../buildings/use-case.ts';
import { vatNumberOf, type Supplier } from './suppliers.domain.ts';
import * as service from './suppliers.service.ts';

/** Suppliers (and their IBANs) serve every building: only an organization-wide grant may change them. */
function requireOrganizationWide(auth: AuthContext): void {
  requirePermission(auth, 'expense.write');
  if (buildingScope(auth, 'expense.write') !== 'all') {
    throw new AppError('auth.forbidden', 'Suppliers serve every building: changing them needs expense.write on the whole organization',
      { permission: 'expense.write' });
  }
}

const tags = ['expenses'];

export function toSupplierDto(s: Supplier): SupplierDto {
  return {
    id: s.id, name: s.name, vatNumber: vatNumberOf(s.enterpriseNumber), iban: s.iban,
    createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(),
  };
}

/** /suppliers: the organization's suppliers (expense.read anywhere in the organization; writes need it organization-wide). */
export async function supplierRoutes(app: App, deps: RegisterDeps): Promise<void> {
  app.get('/suppliers', {
    schema: { tags, summary: 'List suppliers (filter q on name or VAT number; sort name, createdAt)',
      querystring: SupplierListQuerySchema, response: { 200: SupplierPageSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'expense.read');
    const page = await service.listSuppliers(deps, actorOf(req), req.query);
    return { ...page, items: page.items.map(toSupplierDto) };
  });

  app.post('/suppliers', {
    schema: { tags, summary: 'Create a supplier (VAT number and IBAN are checked)', body: SupplierCreateSchema,
      response: { 201: SupplierSchema, ...errorResponses } },
  }, async (req, reply) => {
    requireOrganizationWide(req.auth);
    return reply.status(201).send(toSupplierDto(await service.createSupplier(deps, actorOf(req), req.body)));
  });

  app.get('/suppliers/:supplierId', {
    schema: { tags, summary: 'Get a supplier', params: SupplierParamsSchema, response: { 200: SupplierSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'expense.read');
    return toSupplierDto(await service.getSupplier(deps, actorOf(req), req.params.supplierId));
  });

  app.patch('/suppliers/:supplierId', {
    schema: { tags, summary: 'Change a supplier (fields left out are unchanged; null clears)', params: SupplierParamsSchema,
      body: SupplierPatchSchema, response: { 200: SupplierSchema, ...errorResponses } },
  }, async (req) => {
    requireOrganizationWide(req.auth);
    return toSupplierDto(await service.updateSupplier(deps, actorOf(req), req.params.supplierId, req.body));
  });

  app.delete('/suppliers/:supplierId', {
    schema: { tags, summary: 'Delete a supplier no expense refers to', params: SupplierParamsSchema,
      response: { 204: z.null().describe('Deleted'), ...errorResponses } },
  }, async (req, reply) => {
    requireOrganizationWide(req.auth);
    await service.deleteSupplier(deps, actorOf(req), req.params.supplierId);
    return reply.status(204).send(null);
  });
}
