import { AppError, notFound } from '../../platform/errors.ts';
import { resolvePage, type PageRequest } from '../../platform/pagination.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { applySupplierPatch, changedSupplierFields, validateSupplier, type Supplier, type SupplierInput } from './suppliers.domain.ts';
import * as repo from './suppliers.repo.ts';

/** Use cases of suppliers (organization-wide). Permissions are checked by the routes. */

const ENTITY = 'supplier';

export async function createSupplier(deps: RegisterDeps, ctx: ActorCtx, input: SupplierInput): Promise<Supplier> {
  const fields = validateSupplier(input);
  return inTx(deps, async (tx) => {
    const at = deps.clock.now();
    const id = await repo.insertSupplier(tx, ctx.organizationId, fields, at);
    await audit(tx, ctx, at, 'supplier.created', { type: ENTITY, id }, { vatNumber: fields.enterpriseNumber !== null, iban: fields.iban !== null });
    return (await repo.findSupplier(tx, ctx.organizationId, id))!;
  });
}

export async function getSupplier(deps: RegisterDeps, ctx: ActorCtx, id: string): Promise<Supplier> {
  const s = await repo.findSupplier(deps.sql, ctx.organizationId, id);
  if (!s) throw notFound(ENTITY, id);
  return s;
}

export async function listSuppliers(deps: RegisterDeps, ctx: ActorCtx, input: PageRequest & { q?: string | undefined }) {
  const page = resolvePage(repo.SUPPLIER_SORTS, input, 'name');
  return repo.listSuppliers(deps.sql, ctx.organizationId, { q: input.q }, page);
}

export async function updateSupplier(deps: RegisterDeps, ctx: ActorCtx, id: string, patch: Partial<SupplierInput>): Promise<Supplier> {
  return inTx(deps, async (tx) => {
    const current = await repo.findSupplier(tx, ctx.organizationId, id, true);
    if (!current) throw notFound(ENTITY, id);
    const next = applySupplierPatch(current, patch);
    const changed = changedSupplierFields(current, next);
    if (changed.length === 0) return current;
    const at = deps.clock.now();
    await repo.updateSupplier(tx, ctx.organizationId, id, next, at);
    await audit(tx, ctx, at, 'supplier.updated', { type: ENTITY, id }, { fields: changed });
    return (await repo.findSupplier(tx, ctx.organizationId, id))!;
  });
}

export async function deleteSupplier(deps: RegisterDeps, ctx: ActorCtx, id: string): Promise<void> {
  await inTx(deps, async (tx) => {
    const current = await repo.findSupplier(tx, ctx.organizationId, id, true);
    if (!current) throw notFound(ENTITY, id);
    const n = await repo.expenseCount(tx, ctx.organizationId, id);
    if (n > 0) throw new AppError('supplier.has_expenses', `${n} expense(s) refer to this supplier; it cannot be deleted`, { id, expenses: n });
    await repo.deleteSupplier(tx, ctx.organizationId, id);
    await audit(tx, ctx, deps.clock.now(), 'supplier.deleted', { type: ENTITY, id });
  });
}
