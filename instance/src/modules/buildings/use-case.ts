import type { FastifyRequest } from 'fastify';
import type { TransactionSql } from 'postgres';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Pool } from '../../platform/db.ts';
import { recordAudit } from '../audit/audit.repo.ts';

/**
 * Shared plumbing of the share-register use cases (buildings, lots, persons, holdings).
 * A use case is a function (deps, ctx, input): one transaction, its audit row inside it.
 */

/** Who acts, in which organization. Routes build it from `req.auth`; the demo seed builds it directly. */
export interface ActorCtx {
  organizationId: string; actorUserId: string | null; requestId: string | null;
  /** Set when the request came with an API token: the audit log records which one. */
  apiTokenId?: string | null;
}

/** The pool, or an open transaction (then each use case runs in a savepoint of it, e.g. the demo seed). */
export interface RegisterDeps { sql: Pool | TransactionSql; clock: Clock }

export function actorOf(req: FastifyRequest): ActorCtx {
  return { organizationId: req.auth.organizationId, actorUserId: req.auth.userId, requestId: req.id, apiTokenId: req.auth.apiTokenId ?? null };
}

/** Runs `fn` in a transaction (`begin`), or in a savepoint when `deps.sql` already is one. */
export async function inTx<T>(deps: RegisterDeps, fn: (tx: Db) => Promise<T>): Promise<T> {
  const db = deps.sql;
  if ('savepoint' in db) return (await db.savepoint((tx) => fn(tx))) as T;
  return (await db.begin((tx) => fn(tx))) as T;
}

/** One audit row, in the use case's transaction. Details: ids and field names, never contact details. */
export async function audit(tx: Db, ctx: ActorCtx, at: Date, action: string, entity: { type: string; id: string },
  details: Record<string, unknown> = {}): Promise<void> {
  await recordAudit(tx, {
    organizationId: ctx.organizationId, actorUserId: ctx.actorUserId, action,
    entityType: entity.type, entityId: entity.id, details: ctx.apiTokenId ? { ...details, apiTokenId: ctx.apiTokenId } : details,
    requestId: ctx.requestId,
  }, at);
}

/** Escapes `%`, `_` and `\` for an ILIKE pattern. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
