import type { Db } from '../../platform/db.ts';

export interface AuditEntry {
  organizationId: string | null;
  actorUserId: string | null;
  action: string; // 'building.created', 'role.granted', …
  entityType: string;
  entityId: string;
  /** Ids and changed field names/values; never passwords, tokens or secrets. */
  details?: Record<string, unknown>;
  requestId?: string | null;
}

/** Appends one audit row. Call it inside the transaction of the change it records. */
export async function recordAudit(tx: Db, e: AuditEntry, at: Date): Promise<void> {
  await tx`insert into audit_log (organization_id, actor_user_id, action, entity_type, entity_id, details, request_id, at)
    values (${e.organizationId}, ${e.actorUserId}, ${e.action}, ${e.entityType}, ${e.entityId},
            ${tx.json((e.details ?? {}) as never)}, ${e.requestId ?? null}, ${at})`;
}
