import type { Db } from '../../platform/db.ts';

export interface AuditFilter { limit: number; cursor?: string; action?: string; entityType?: string; entityId?: string; actorUserId?: string }

export async function listAudit(sql: Db, organizationId: string, f: AuditFilter) {
  const where = sql`organization_id = ${organizationId}
    ${f.action ? sql`and action = ${f.action}` : sql``}
    ${f.entityType ? sql`and entity_type = ${f.entityType}` : sql``}
    ${f.entityId ? sql`and entity_id = ${f.entityId}` : sql``}
    ${f.actorUserId ? sql`and actor_user_id = ${f.actorUserId}` : sql``}`;
  const [items, [count]] = await Promise.all([
    sql<{ id: string; at: Date; actorUserId: string | null; action: string; entityType: string; entityId: string; details: Record<string, unknown>; requestId: string | null }[]>`
      select id::text, at, actor_user_id as "actorUserId", action, entity_type as "entityType", entity_id as "entityId", details, request_id as "requestId"
      from audit_log where ${where} ${f.cursor ? sql`and id < ${f.cursor}` : sql``}
      order by id desc limit ${f.limit + 1}`,
    sql<{ n: number }[]>`select count(*)::int as n from audit_log where ${where}`,
  ]);
  const page = items.slice(0, f.limit);
  return {
    items: page.map((r) => ({ ...r, at: r.at.toISOString() })),
    total: count!.n,
    nextCursor: items.length > f.limit ? page[page.length - 1]!.id : null,
  };
}
