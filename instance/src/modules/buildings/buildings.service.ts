import { AppError, notFound } from '../../platform/errors.ts';
import { resolvePage, type PageRequest } from '../../platform/pagination.ts';
import {
  applyBuildingPatch, assertSharesFit, changedBuildingFields, validateBuilding,
  type Building, type BuildingInput, type BuildingPatchInput,
} from './buildings.domain.ts';
import * as repo from './buildings.repo.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from './use-case.ts';

/** Use cases of buildings. Permissions are checked by the routes; every query is scoped to ctx.organizationId. */

const ENTITY = 'building';

export async function createBuilding(deps: RegisterDeps, ctx: ActorCtx, input: BuildingInput): Promise<Building> {
  const fields = validateBuilding(input);
  return inTx(deps, async (tx) => {
    const at = deps.clock.now();
    const id = await repo.insertBuilding(tx, ctx.organizationId, fields, at);
    await audit(tx, ctx, at, 'building.created', { type: ENTITY, id }, { totalShares: fields.totalShares });
    return (await repo.findBuilding(tx, ctx.organizationId, id))!;
  });
}

export async function getBuilding(deps: RegisterDeps, ctx: ActorCtx, id: string): Promise<Building> {
  const b = await repo.findBuilding(deps.sql, ctx.organizationId, id);
  if (!b) throw notFound(ENTITY, id);
  return b;
}

export interface BuildingListInput extends PageRequest { q?: string | undefined; scope: 'all' | string[] }

export async function listBuildings(deps: RegisterDeps, ctx: ActorCtx, input: BuildingListInput) {
  const page = resolvePage(repo.BUILDING_SORTS, input, 'name');
  return repo.listBuildings(deps.sql, ctx.organizationId, { q: input.q, scope: input.scope }, page);
}

export async function updateBuilding(deps: RegisterDeps, ctx: ActorCtx, id: string, patch: BuildingPatchInput): Promise<Building> {
  return inTx(deps, async (tx) => {
    const current = await repo.lockBuilding(tx, ctx.organizationId, id);
    if (!current) throw notFound(ENTITY, id);
    const next = applyBuildingPatch(current, patch);
    if (next.totalShares !== current.totalShares) assertSharesFit(next.totalShares, current.sharesAllocated, 0, 'totalShares');
    const changed = changedBuildingFields(current, next);
    if (changed.length === 0) return current;
    const at = deps.clock.now();
    await repo.updateBuilding(tx, ctx.organizationId, id, next, at);
    await audit(tx, ctx, at, 'building.updated', { type: ENTITY, id }, { fields: changed });
    return (await repo.findBuilding(tx, ctx.organizationId, id))!;
  });
}

export async function deleteBuilding(deps: RegisterDeps, ctx: ActorCtx, id: string): Promise<void> {
  await inTx(deps, async (tx) => {
    const current = await repo.lockBuilding(tx, ctx.organizationId, id);
    if (!current) throw notFound(ENTITY, id);
    if (current.lotCount > 0) {
      throw new AppError('building.has_lots', `This building has ${current.lotCount} lots; delete them first`, { id });
    }
    if ((await repo.countGrantsOnBuilding(tx, ctx.organizationId, id)) > 0) {
      throw new AppError('building.has_grants', 'Roles are granted on this building; revoke them first', { id });
    }
    await repo.deleteBuilding(tx, ctx.organizationId, id);
    await audit(tx, ctx, deps.clock.now(), 'building.deleted', { type: ENTITY, id }, { name: current.name });
  });
}
