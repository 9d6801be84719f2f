import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { resolvePage, type PageRequest } from '../../platform/pagination.ts';
import { isBuildingComplete } from '../buildings/buildings.domain.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { findLot, lockLot, LOT_SORTS, type LotFilter } from '../lots/lots.repo.ts';
import { existingPersonIds, findPerson } from '../persons/persons.repo.ts';
import { toText } from './fraction.domain.ts';
import {
  activeAt, checkAddition, checkClose, isComplete, planTransfer, sums, toNewHoldings,
  type Holding, type HoldingRequest,
} from './holdings.domain.ts';
import * as repo from './holdings.repo.ts';

/** Use cases of the share register: who holds which lot, from when to when. */

const ENTITY = 'lot';

export interface LotHoldingsView {
  lotId: string;
  asOf: string | null;
  enjoymentParts: string | null;
  titleParts: string | null;
  complete: boolean | null;
  items: Holding[];
}

function view(lotId: string, all: Holding[], asOf: string | null): LotHoldingsView {
  if (asOf === null) return { lotId, asOf, enjoymentParts: null, titleParts: null, complete: null, items: all };
  const items = activeAt(all, asOf);
  const s = sums(items);
  return { lotId, asOf, enjoymentParts: toText(s.enjoyment), titleParts: toText(s.title), complete: isComplete(items), items };
}

/** The lot's holders as of a date (default today), or its whole history. */
export async function listLotHoldings(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, lotId: string,
  q: { asOf?: string | undefined; history?: boolean | undefined }): Promise<LotHoldingsView> {
  if (!(await findLot(deps.sql, ctx.organizationId, buildingId, lotId))) throw notFound('lot', lotId);
  const all = await repo.lotHoldings(deps.sql, ctx.organizationId, lotId);
  return view(lotId, all, q.history ? null : q.asOf ?? deps.clock.today());
}

async function assertPersonsExist(tx: Db, organizationId: string, requests: readonly HoldingRequest[], scope: 'all' | string[]): Promise<void> {
  const known = await existingPersonIds(tx, organizationId, requests.map((r) => r.personId), scope);
  const i = requests.findIndex((r) => !known.has(r.personId));
  if (i >= 0) {
    throw new AppError('holding.unknown_person', 'No such person in this organization', { field: `holdings.${i}.personId`, id: requests[i]!.personId });
  }
}

async function lockedLot(tx: Db, ctx: ActorCtx, buildingId: string, lotId: string) {
  const lot = await lockLot(tx, ctx.organizationId, buildingId, lotId);
  if (!lot) throw notFound('lot', lotId);
  return lot;
}

/** Adds open-ended holdings from `validFrom`, as long as the lot's parts still fit at every date. */
export async function addHoldings(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, lotId: string,
  input: { validFrom: string; holdings: HoldingRequest[] }, personScope: 'all' | string[] = 'all'): Promise<LotHoldingsView> {
  const added = toNewHoldings(input.holdings);
  return inTx(deps, async (tx) => {
    await lockedLot(tx, ctx, buildingId, lotId);
    await assertPersonsExist(tx, ctx.organizationId, input.holdings, personScope);
    const existing = await repo.lotHoldings(tx, ctx.organizationId, lotId);
    checkAddition(existing, added, input.validFrom);
    const at = deps.clock.now();
    const ids = await repo.insertHoldings(tx, ctx.organizationId, lotId, added, input.validFrom, at);
    await audit(tx, ctx, at, 'holding.added', { type: ENTITY, id: lotId }, {
      buildingId, validFrom: input.validFrom,
      holdings: added.map((h, i) => ({ id: ids[i], personId: h.personId, right: h.right, part: toText(h.part) })),
    });
    return view(lotId, await repo.lotHoldings(tx, ctx.organizationId, lotId), input.validFrom);
  });
}

/** A sale (or any change of hands): every running holding ends on `date`, and the new, complete set starts. */
export async function transferLot(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, lotId: string,
  input: { date: string; holdings: HoldingRequest[] }, personScope: 'all' | string[] = 'all') {
  const incoming = toNewHoldings(input.holdings);
  return inTx(deps, async (tx) => {
    await lockedLot(tx, ctx, buildingId, lotId);
    await assertPersonsExist(tx, ctx.organizationId, input.holdings, personScope);
    const existing = await repo.lotHoldings(tx, ctx.organizationId, lotId);
    const plan = planTransfer(existing, input.date, incoming);
    await repo.closeHoldings(tx, ctx.organizationId, lotId, plan.close, input.date);
    const at = deps.clock.now();
    const ids = await repo.insertHoldings(tx, ctx.organizationId, lotId, incoming, input.date, at);
    await audit(tx, ctx, at, 'lot.transferred', { type: ENTITY, id: lotId }, {
      buildingId, date: input.date, closed: plan.close,
      opened: incoming.map((h, i) => ({ id: ids[i], personId: h.personId, right: h.right, part: toText(h.part) })),
    });
    const now = view(lotId, await repo.lotHoldings(tx, ctx.organizationId, lotId), input.date);
    return { lotId, date: input.date, closed: plan.close, items: now.items };
  });
}

/** Ends one current holding on `date` (e.g. a usufruct that ends); the lot may then be incomplete. */
export async function closeHolding(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, lotId: string, holdingId: string,
  input: { date: string }): Promise<Holding> {
  return inTx(deps, async (tx) => {
    await lockedLot(tx, ctx, buildingId, lotId);
    const existing = await repo.lotHoldings(tx, ctx.organizationId, lotId);
    const h = existing.find((x) => x.id === holdingId);
    if (!h) throw notFound('holding', holdingId);
    checkClose(h, input.date);
    await repo.closeHoldings(tx, ctx.organizationId, lotId, [holdingId], input.date);
    await audit(tx, ctx, deps.clock.now(), 'holding.closed', { type: 'holding', id: holdingId }, { buildingId, lotId, date: input.date });
    return { ...h, validTo: input.date };
  });
}

/** A person's holdings, past and present, in the buildings the caller may see. */
export async function listPersonHoldings(deps: RegisterDeps, ctx: ActorCtx, personId: string, scope: 'all' | string[]) {
  if (!(await findPerson(deps.sql, ctx.organizationId, personId, scope))) throw notFound('person', personId);
  return repo.personHoldings(deps.sql, ctx.organizationId, personId, scope);
}

export interface RegisterInput extends PageRequest, LotFilter { asOf?: string | undefined }

/** The building's lots with their holders as of a date (default today), paginated. */
export async function readRegister(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: RegisterInput) {
  const page = resolvePage(LOT_SORTS, input, 'number');
  const asOf = input.asOf ?? deps.clock.today();
  const r = await repo.readRegister(deps.sql, ctx.organizationId, buildingId, asOf, { kind: input.kind, floor: input.floor }, page);
  if (!r) throw notFound('building', buildingId);
  return {
    asOf,
    building: { ...r.building, complete: isBuildingComplete(r.building.totalShares, r.building.sharesAllocated) },
    items: r.items.map((lot) => ({ ...lot, complete: isComplete(lot.holders) })),
    total: r.total,
    nextCursor: r.nextCursor,
  };
}
