import type { Db } from '../../platform/db.ts';
import { keysetPage, type ResolvedPage } from '../../platform/pagination.ts';
import type { LiveEvent } from './notifications.domain.ts';

export interface NotificationRow { id: string; type: string; payload: Record<string, unknown>; createdAt: Date; readAt: Date | null }

/** The organization's members among `userIds` (grants in it), or its admins. */
export async function recipientIds(tx: Db, orgId: string, recipients: readonly string[] | 'organization-admins'): Promise<string[]> {
  const rows = recipients === 'organization-admins'
    ? await tx<{ id: string }[]>`select distinct user_id as id from role_grants where organization_id = ${orgId} and role = 'admin'`
    : await tx<{ id: string }[]>`select distinct user_id as id from role_grants
        where organization_id = ${orgId} and user_id = any(${recipients as string[]}::uuid[])`;
  return rows.map((r) => r.id).sort();
}

export async function insertNotifications(tx: Db, orgId: string, userIds: readonly string[], type: string,
  payload: Record<string, unknown>, at: Date): Promise<number> {
  if (userIds.length === 0) return 0;
  const rows = await tx`insert into notifications (organization_id, user_id, type, payload, created_at)
    select ${orgId}, u, ${type}, ${tx.json(payload as never)}, ${at} from unnest(${userIds as string[]}::uuid[]) u
    returning id`;
  return rows.length;
}

/** Sent to listeners when the transaction commits (never if it rolls back). */
export async function notifyEvent(tx: Db, event: LiveEvent): Promise<void> {
  await tx`select pg_notify('koprogo_events', ${JSON.stringify(event)})`;
}

const COLUMNS = 'id, type, payload, created_at as "createdAt", read_at as "readAt"';

export async function pageNotifications(sql: Db, orgId: string, userId: string, unread: boolean, page: ResolvedPage) {
  const filtered = sql`select ${sql.unsafe(COLUMNS)}, created_at from notifications
    where organization_id = ${orgId} and user_id = ${userId} ${unread ? sql`and read_at is null` : sql``}`;
  return keysetPage<NotificationRow & { created_at?: Date }>(sql, filtered, page);
}

export async function unreadCount(sql: Db, orgId: string, userId: string): Promise<number> {
  const [r] = await sql<{ n: number }[]>`select count(*)::int as n from notifications
    where organization_id = ${orgId} and user_id = ${userId} and read_at is null`;
  return r!.n;
}

/** Marks one of the user's notifications read (keeps the first read time). Null: not theirs or unknown. */
export async function markRead(tx: Db, orgId: string, userId: string, id: string, at: Date): Promise<{ row: NotificationRow; changed: boolean } | null> {
  const [row] = await tx<(NotificationRow & { changed: boolean })[]>`
    update notifications n set read_at = coalesce(o.old, ${at})
    from (select id, read_at as old from notifications
          where organization_id = ${orgId} and user_id = ${userId} and id = ${id} for update) o
    where n.id = o.id
    returning n.id, n.type, n.payload, n.created_at as "createdAt", n.read_at as "readAt", (o.old is null) as changed`;
  if (!row) return null;
  const { changed, ...rest } = row;
  return { row: rest, changed };
}

export async function markAllRead(tx: Db, orgId: string, userId: string, at: Date): Promise<number> {
  const rows = await tx`update notifications set read_at = ${at}
    where organization_id = ${orgId} and user_id = ${userId} and read_at is null returning id`;
  return rows.length;
}
