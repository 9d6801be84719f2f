import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { isComplete } from '../holdings/holdings.domain.ts';
import {
  distributeToLotsAndHolders, registerIncomplete, validateKeyMembers,
  type ChargeKind, type HolderShare, type KeyKind, type KeyMemberInput, type PayingHolder,
} from './distribution.domain.ts';
import * as repo from './distribution.repo.ts';

/**
 * Distribution keys (use cases) and `distributeOverKey`, the distribution read used by expenses
 * and calls for funds.
 *
 * Which date: the holders are those of the share register on `asOf`. Callers choose it: an
 * expense is distributed as of its invoice date (the date the charge arose; a credit note as of
 * the invoice date of the expense it corrects, so it reaches the same holders); a call for funds
 * as of its due date.
 */

export interface DistributeInput {
  organizationId: string;
  buildingId: string;
  /** null: the general key (every lot by its shares). */
  keyId: string | null;
  amountCents: number;
  /** YYYY-MM-DD: the register is read as of this date. */
  asOf: string;
  chargeKind: ChargeKind;
}

/**
 * Splits an amount over the key's lots, then over each lot's paying holders as of `asOf`,
 * exact to the cent (see distribution.domain.ts). Runs inside the caller's transaction.
 * Refuses an incomplete register (422 `distribution.register_incomplete`, details.lots = the lot
 * numbers): the building's lots must hold all its shares, and every lot the key charges must be
 * fully held (full + usufruct = 1 and full + bare = 1) with a payer for this kind of charge.
 */
export async function distributeOverKey(tx: Db, input: DistributeInput): Promise<HolderShare[]> {
  const { organizationId, buildingId, keyId } = input;
  // Four independent reads, pipelined on the connection (postgres.js queues them without waiting).
  const [building, keyExists, lots, holders] = await Promise.all([
    repo.buildingShares(tx, organizationId, buildingId),
    keyId === null ? true : repo.keyExists(tx, organizationId, buildingId, keyId),
    repo.weightedLots(tx, organizationId, buildingId, keyId),
    repo.holdersAsOf(tx, organizationId, buildingId, input.asOf),
  ]);
  if (!building) throw notFound('building', buildingId);
  if (!keyExists) throw notFound('distribution_key', keyId!);
  const incomplete = lots.filter((l) => l.weight > 0n && !isComplete(holders.get(l.lotId) ?? []))
    .map((l) => l.lotNumber).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const unallocatedShares = building.totalShares - building.sharesAllocated;
  if (incomplete.length > 0 || unallocatedShares !== 0) {
    throw registerIncomplete(incomplete, { asOf: input.asOf, unallocatedShares });
  }
  return distributeToLotsAndHolders(input.amountCents, lots, holders as ReadonlyMap<string, PayingHolder[]>, input.chargeKind);
}

// ── Keys ────────────────────────────────────────────────────────────────────

const ENTITY = 'distribution_key';

async function assertBuilding(sql: Db, ctx: ActorCtx, buildingId: string): Promise<void> {
  if (!(await repo.buildingShares(sql, ctx.organizationId, buildingId))) throw notFound('building', buildingId);
}

async function assertLots(tx: Db, ctx: ActorCtx, buildingId: string, members: readonly KeyMemberInput[]): Promise<void> {
  const known = await repo.lotsOfBuilding(tx, ctx.organizationId, buildingId, members.map((m) => m.lotId));
  const i = members.findIndex((m) => !known.has(m.lotId));
  if (i >= 0) {
    throw new AppError('distribution_key.unknown_lot', 'No such lot in this building', { field: `lots.${i}.lotId`, id: members[i]!.lotId });
  }
}

export async function listKeys(deps: RegisterDeps, ctx: ActorCtx, buildingId: string) {
  await assertBuilding(deps.sql, ctx, buildingId);
  return repo.listKeys(deps.sql, ctx.organizationId, buildingId);
}

export async function getKey(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, keyId: string) {
  const k = await repo.findKey(deps.sql, ctx.organizationId, buildingId, keyId);
  if (!k) throw notFound(ENTITY, keyId);
  return k;
}

export async function createKey(deps: RegisterDeps, ctx: ActorCtx, buildingId: string,
  input: { name: string; kind: KeyKind; lots: KeyMemberInput[] }) {
  const members = validateKeyMembers(input.kind, input.lots);
  return inTx(deps, async (tx) => {
    await assertBuilding(tx, ctx, buildingId);
    await assertLots(tx, ctx, buildingId, members);
    const at = deps.clock.now();
    const id = await repo.insertKey(tx, ctx.organizationId, buildingId, input, at);
    await repo.replaceKeyLots(tx, ctx.organizationId, id, members, at);
    await audit(tx, ctx, at, 'distribution_key.created', { type: ENTITY, id }, { buildingId, kind: input.kind, lots: members.length });
    return (await repo.findKey(tx, ctx.organizationId, buildingId, id))!;
  });
}

export async function updateKey(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, keyId: string,
  input: { name?: string | undefined; lots?: KeyMemberInput[] | undefined }) {
  return inTx(deps, async (tx) => {
    const current = await repo.findKey(tx, ctx.organizationId, buildingId, keyId, true);
    if (!current) throw notFound(ENTITY, keyId);
    const at = deps.clock.now();
    const fields: string[] = [];
    if (input.name !== undefined && input.name !== current.name) {
      await repo.renameKey(tx, ctx.organizationId, keyId, input.name, at);
      fields.push('name');
    }
    if (input.lots !== undefined) {
      const members = validateKeyMembers(current.kind, input.lots);
      await assertLots(tx, ctx, buildingId, members);
      await repo.replaceKeyLots(tx, ctx.organizationId, keyId, members, at);
      fields.push('lots');
    }
    if (fields.length > 0) await audit(tx, ctx, at, 'distribution_key.updated', { type: ENTITY, id: keyId }, { buildingId, fields });
    return (await repo.findKey(tx, ctx.organizationId, buildingId, keyId))!;
  });
}

export async function deleteKey(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, keyId: string): Promise<void> {
  await inTx(deps, async (tx) => {
    const current = await repo.findKey(tx, ctx.organizationId, buildingId, keyId, true);
    if (!current) throw notFound(ENTITY, keyId);
    const used = await repo.keyInUse(tx, ctx.organizationId, keyId);
    if (used > 0) {
      throw new AppError('distribution_key.has_expenses', `${used} expense(s) use this key; it cannot be deleted`, { id: keyId, expenses: used });
    }
    await repo.deleteKey(tx, ctx.organizationId, keyId);
    await audit(tx, ctx, deps.clock.now(), 'distribution_key.deleted', { type: ENTITY, id: keyId }, { buildingId, name: current.name });
  });
}

/** A preview: how an amount would be distributed today (or as of a date), without writing anything. */
export async function previewDistribution(deps: RegisterDeps, ctx: ActorCtx, buildingId: string,
  input: { keyId: string | null; amountCents: number; asOf?: string | undefined; chargeKind: ChargeKind }) {
  const asOf = input.asOf ?? deps.clock.today();
  const rows = await distributeOverKey(deps.sql, { organizationId: ctx.organizationId, buildingId, ...input, asOf });
  return { asOf, keyId: input.keyId, amountCents: input.amountCents, chargeKind: input.chargeKind, items: rows };
}
