import { AppError, notFound } from '../../platform/errors.ts';
import { resolvePage, type PageRequest } from '../../platform/pagination.ts';
import { assertSharesFit } from '../buildings/buildings.domain.ts';
import { findBuilding, lockBuilding } from '../buildings/buildings.repo.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { applyLotPatch, changedLotFields, type Lot, type LotFields, type LotPatchInput } from './lots.domain.ts';
import * as repo from './lots.repo.ts';

/** Use cases of lots. The building row is locked while shares change, so concurrent writers cannot overshoot its total. */

const ENTITY = 'lot';

export async function createLot(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: LotFields): Promise<Lot> {
  return inTx(deps, async (tx) => {
    const building = await lockBuilding(tx, ctx.organizationId, buildingId);
    if (!building) throw notFound('building', buildingId);
    if (await repo.numberTaken(tx, ctx.organizationId, buildingId, input.number)) throw repo.numberTakenError(input.number);
    assertSharesFit(building.totalShares, building.sharesAllocated, input.shares);
    const at = deps.clock.now();
    const lot = await repo.insertLot(tx, ctx.organizationId, buildingId, input, at);
    await audit(tx, ctx, at, 'lot.created', { type: ENTITY, id: lot.id },
      { buildingId, number: lot.number, kind: lot.kind, shares: lot.shares });
    return lot;
  });
}

export async function getLot(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<Lot> {
  const lot = await repo.findLot(deps.sql, ctx.organizationId, buildingId, id);
  if (!lot) throw notFound(ENTITY, id);
  return lot;
}

export interface LotListInput extends PageRequest, repo.LotFilter {}

export async function listLots(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: LotListInput) {
  const page = resolvePage(repo.LOT_SORTS, input, 'number');
  if (!(await findBuilding(deps.sql, ctx.organizationId, buildingId))) throw notFound('building', buildingId);
  return repo.listLots(deps.sql, ctx.organizationId, buildingId, { kind: input.kind, floor: input.floor }, page);
}

export async function updateLot(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string, patch: LotPatchInput): Promise<Lot> {
  return inTx(deps, async (tx) => {
    const building = await lockBuilding(tx, ctx.organizationId, buildingId);
    if (!building) throw notFound('building', buildingId);
    const current = await repo.lockLot(tx, ctx.organizationId, buildingId, id);
    if (!current) throw notFound(ENTITY, id);
    const next = applyLotPatch(current, patch);
    const changed = changedLotFields(current, next);
    if (changed.length === 0) return current;
    if (next.number !== current.number && await repo.numberTaken(tx, ctx.organizationId, buildingId, next.number, id)) {
      throw repo.numberTakenError(next.number);
    }
    if (next.shares !== current.shares) assertSharesFit(building.totalShares, building.sharesAllocated - current.shares, next.shares);
    const at = deps.clock.now();
    const lot = await repo.updateLot(tx, ctx.organizationId, buildingId, id, next, at);
    await audit(tx, ctx, at, 'lot.updated', { type: ENTITY, id }, {
      buildingId, fields: changed, ...Object.fromEntries(changed.map((k) => [k, { from: current[k], to: next[k] }])),
    });
    return lot;
  });
}

export async function deleteLot(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<void> {
  await inTx(deps, async (tx) => {
    const lot = await repo.lockLot(tx, ctx.organizationId, buildingId, id);
    if (!lot) throw notFound(ENTITY, id);
    if (await repo.hasHistory(tx, ctx.organizationId, id)) {
      throw new AppError('lot.has_history', 'This lot has holdings (past or present) and cannot be deleted', { id });
    }
    await repo.deleteLot(tx, ctx.organizationId, buildingId, id);
    await audit(tx, ctx, deps.clock.now(), 'lot.deleted', { type: ENTITY, id }, { buildingId, number: lot.number, shares: lot.shares });
  });
}
