import { randomBytes } from 'node:crypto';
import { GridEnrolmentResponseSchema, type GridEnrolmentRequest, type GridEnrolmentResponse } from '@koprogo/protocols';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import type { UserContext } from '../access/access.plugin.ts';
import { sha256 } from '../auth/tokens.ts';
import { verifyGrid } from './grid-crypto.ts';
import { verifyChain } from './receipts.service.ts';
import * as repo from './grid.repo.ts';

/**
 * Instance-administrator use cases of the grid: the model registry, enrolment tokens, nodes, and the
 * public enrolment of a node. The grid is operated by the instance (the cooperative), so these act
 * outside any organization and need `is_instance_admin`.
 */

export const ENROLMENT_TOKEN_TTL_MS = 15 * 60_000;
/** A signed enrolment request is accepted within this much of the instance's clock. */
export const ENROLMENT_MAX_SKEW_MS = 5 * 60_000;
/** The operator terms the node accepts by enrolling (stored with the consent time). */
export const GRID_TERMS_VERSION = 'grid-terms-v1';

type AdminDeps = Pick<Deps, 'sql' | 'clock'>;

export function requireInstanceAdmin(user: UserContext): void {
  if (!user.isInstanceAdmin) throw new AppError('auth.forbidden', 'Only the instance administrator operates the grid');
}

async function auditGrid(deps: AdminDeps, user: UserContext | null, action: string, entityId: string, details: Record<string, unknown>, requestId: string | null) {
  await recordAudit(deps.sql, { organizationId: null, actorUserId: user?.userId ?? null, action, entityType: 'grid', entityId, details, requestId }, deps.clock.now());
}

export async function createModel(deps: AdminDeps, user: UserContext, input: Omit<repo.ModelRow, 'id' | 'createdAt' | 'updatedAt'>, requestId: string | null) {
  requireInstanceAdmin(user);
  const row = await repo.insertModel(deps.sql, input, deps.clock.now());
  if (!row) throw new AppError('grid_model.duplicate', 'A model with this SHA-256 is already registered', { sha256: input.sha256 });
  await auditGrid(deps, user, 'grid.model_registered', row.id, { sha256: row.sha256, role: row.role }, requestId);
  return row;
}

export async function patchModel(deps: AdminDeps, user: UserContext, id: string, patch: Parameters<typeof repo.updateModel>[2], requestId: string | null) {
  requireInstanceAdmin(user);
  const row = await repo.updateModel(deps.sql, id, patch, deps.clock.now());
  if (!row) throw new AppError('grid_model.not_found', 'Model not found', { id });
  await auditGrid(deps, user, 'grid.model_changed', id, { fields: Object.keys(patch) }, requestId);
  return row;
}

export async function listModels(deps: AdminDeps, user: UserContext) {
  requireInstanceAdmin(user);
  return repo.listModels(deps.sql);
}

/** A single-use token valid 15 minutes, shown once (only its SHA-256 is stored). */
export async function createEnrolmentToken(deps: AdminDeps, user: UserContext, label: string | null, requestId: string | null) {
  requireInstanceAdmin(user);
  const token = `kge_${randomBytes(24).toString('base64url')}`;
  const expiresAt = new Date(deps.clock.now().getTime() + ENROLMENT_TOKEN_TTL_MS);
  const { id } = await repo.insertEnrolmentToken(deps.sql, { tokenHash: sha256(token), label, createdBy: user.userId, expiresAt }, deps.clock.now());
  await auditGrid(deps, user, 'grid.enrolment_token_created', id, {}, requestId);
  return { id, token, label, expiresAt };
}

export async function listNodes(deps: AdminDeps, user: UserContext) {
  requireInstanceAdmin(user);
  return repo.listNodes(deps.sql);
}

export async function getNode(deps: AdminDeps, user: UserContext, peerId: string) {
  requireInstanceAdmin(user);
  const node = await repo.findNode(deps.sql, peerId);
  if (!node) throw new AppError('grid_node.not_found', 'Node not found', { peerId });
  return node;
}

/** What the grid recorded about a peer (refused connections and ads, failed attempts, forged receipts…), newest first. */
export async function nodeEvents(deps: AdminDeps, user: UserContext, peerId: string, limit: number) {
  requireInstanceAdmin(user);
  return repo.listGridEvents(deps.sql, peerId, limit);
}

/** Revocation is final: the gater refuses the peer from now on, and its open connections are closed. */
export async function revokeNode(deps: AdminDeps & Pick<Deps, 'grid'>, user: UserContext, peerId: string, reason: string, requestId: string | null) {
  requireInstanceAdmin(user);
  const node = await repo.revokeNode(deps.sql, peerId, reason, deps.clock.now());
  if (!node) throw new AppError('grid_node.not_found', 'Node not found', { peerId });
  await auditGrid(deps, user, 'grid.node_revoked', peerId, { reason }, requestId);
  await deps.grid?.hangUp(peerId);
  return node;
}

/**
 * The public enrolment (grid-design §3): the node proves it holds the key of its peer id by signing
 * `koprogo-enrol-v1\n` + canonical JSON of its claim, and spends a token. Answers the bootstrap address
 * with the instance's peer id. Every refusal is a 4xx with a stable code; nothing is stored on refusal.
 */
export async function enrol(deps: AdminDeps & Pick<Deps, 'grid'>, req: GridEnrolmentRequest, requestId: string | null): Promise<GridEnrolmentResponse> {
  const grid = deps.grid;
  if (!grid) throw new AppError('grid.disabled', 'The grid is not running on this instance (GRID_LISTEN is unset)');
  const { signature, ...claim } = req;
  const now = deps.clock.now();
  const ts = Date.parse(claim.ts);
  // Freshness against the node's clock is network time, not a business date: wall clock.
  if (!Number.isFinite(ts) || Math.abs(ts - Date.now()) > ENROLMENT_MAX_SKEW_MS) {
    throw new AppError('grid.enrolment_stale', 'The enrolment request is too old or in the future; check the node\'s clock', { ts: claim.ts });
  }
  if (!(await verifyGrid(claim.peerId, 'enrol', claim, signature))) {
    throw new AppError('grid.enrolment_bad_signature', 'The signature does not match the peer id');
  }
  const node = await deps.sql.begin(async (tx) => {
    const token = await repo.consumeEnrolmentToken(tx, sha256(claim.token), claim.peerId, now);
    if (!token) throw new AppError('grid.enrolment_token_invalid', 'The enrolment token is unknown, used or expired');
    const row = await repo.insertNode(tx, { peerId: claim.peerId, operatorAccountId: claim.operatorAccountId ?? null, tokenId: token.id,
      termsVersion: GRID_TERMS_VERSION }, now);
    if (!row) throw new AppError('grid_node.already_enrolled', 'This peer id is already enrolled (or revoked)', { peerId: claim.peerId });
    return row;
  });
  await auditGrid(deps, null, 'grid.node_enrolled', node.peerId, { operatorAccountId: node.operatorAccountId }, requestId);
  return GridEnrolmentResponseSchema.parse({ peerId: node.peerId, instancePeerId: grid.peerId, bootstrapAddr: grid.bootstrapAddr(),
    enrolledAt: node.enrolledAt.toISOString() });
}

/** Recomputes the receipt chain from the genesis (hashes and the instance's countersignatures). */
export async function receiptChain(deps: AdminDeps & Pick<Deps, 'grid'>, user: UserContext) {
  requireInstanceAdmin(user);
  if (!deps.grid) throw new AppError('grid.disabled', 'The grid is not running on this instance (GRID_LISTEN is unset)');
  const [head] = await deps.sql<{ n: string; hash: string | null }[]>`select count(*)::text as n,
    (select hash from grid_receipts order by seq desc limit 1) as hash from grid_receipts`;
  const brokenAt = await verifyChain(deps.sql, deps.grid.peerId);
  return { receipts: Number(head!.n), headHash: head!.hash, intact: brokenAt === null, brokenAtSeq: brokenAt };
}
