import type { Db } from '../../platform/db.ts';
import type { Role } from '../access/access.domain.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';

export interface OrganizationView { id: string; name: string; kind: 'syndic_office' | 'self_managed'; createdAt: string }
export interface GrantView { id: string; userId: string; email: string; displayName: string; role: Role; buildingId: string | null; grantedAt: string }

export async function insertOrganization(tx: Db, name: string, kind: string, at: Date): Promise<OrganizationView> {
  const [row] = await tx<OrganizationView[]>`insert into organizations (name, kind, created_at) values (${name}, ${kind}, ${at})
    returning id, name, kind, to_json(created_at)#>>'{}' as "createdAt"`;
  return row!;
}

export const ORGANIZATION_SORTS: SortFields<'name' | 'createdAt'> = {
  name: { expr: 'f.name', type: 'text' },
  createdAt: { expr: 'f.created_at', type: 'timestamptz' },
};

/** One page of organizations (those the user belongs to; all of them when memberUserId is null), with the total. */
export async function pageOrganizations(sql: Db, memberUserId: string | null, page: ResolvedPage) {
  const filtered = sql`select o.id, o.name, o.kind, to_json(o.created_at)#>>'{}' as "createdAt", o.created_at from organizations o
    ${memberUserId ? sql`where exists (select 1 from role_grants g where g.organization_id = o.id and g.user_id = ${memberUserId})` : sql``}`;
  const result = await keysetPage<OrganizationView & { created_at?: Date }>(sql, filtered, page);
  for (const r of result.rows) delete r.created_at;
  return { items: result.rows as OrganizationView[], total: result.total, nextCursor: result.nextCursor };
}

export async function insertGrant(tx: Db, g: { organizationId: string; userId: string; role: Role; buildingId: string | null; grantedBy: string; at: Date }): Promise<{ id: string } | null> {
  const [row] = await tx<{ id: string }[]>`insert into role_grants (organization_id, user_id, role, building_id, granted_by, granted_at)
    values (${g.organizationId}, ${g.userId}, ${g.role}, ${g.buildingId}, ${g.grantedBy}, ${g.at})
    on conflict (organization_id, user_id, role, building_id) do nothing returning id`;
  return row ?? null;
}

export async function listGrants(sql: Db, organizationId: string, grantId?: string): Promise<GrantView[]> {
  return sql<GrantView[]>`select g.id, g.user_id as "userId", u.email, u.display_name as "displayName", g.role,
      g.building_id as "buildingId", to_json(g.granted_at)#>>'{}' as "grantedAt"
    from role_grants g join users u on u.id = g.user_id
    where g.organization_id = ${organizationId} ${grantId ? sql`and g.id = ${grantId}` : sql``}
    order by u.email, g.role, g.building_id nulls first`;
}

export async function deleteGrant(tx: Db, organizationId: string, grantId: string): Promise<{ userId: string; role: Role; buildingId: string | null } | null> {
  const [row] = await tx<{ userId: string; role: Role; buildingId: string | null }[]>`delete from role_grants
    where id = ${grantId} and organization_id = ${organizationId}
    returning user_id as "userId", role, building_id as "buildingId"`;
  return row ?? null;
}

export async function lockOrganization(tx: Db, organizationId: string): Promise<void> {
  await tx`select id from organizations where id = ${organizationId} for update`;
}

export async function countOrgAdmins(tx: Db, organizationId: string): Promise<number> {
  const [row] = await tx<{ n: number }[]>`select count(*)::int as n from role_grants
    where organization_id = ${organizationId} and role = 'admin' and building_id is null`;
  return row!.n;
}

export async function buildingExists(tx: Db, organizationId: string, buildingId: string): Promise<boolean> {
  const rows = await tx`select 1 from buildings where organization_id = ${organizationId} and id = ${buildingId}`;
  return rows.length > 0;
}

export const GRANT_SORTS: SortFields<'email' | 'grantedAt'> = {
  email: { expr: 'f.email', type: 'text' },
  grantedAt: { expr: 'f.granted_at', type: 'timestamptz' },
};

/** One page of the organization's role grants (filter by role), with the total. */
export async function pageGrants(sql: Db, organizationId: string, filter: { role?: Role | undefined }, page: ResolvedPage) {
  const filtered = sql`select g.id, g.user_id as "userId", u.email, u.display_name as "displayName", g.role,
      g.building_id as "buildingId", to_json(g.granted_at)#>>'{}' as "grantedAt", g.granted_at
    from role_grants g join users u on u.id = g.user_id
    where g.organization_id = ${organizationId} ${filter.role ? sql`and g.role = ${filter.role}` : sql``}`;
  const result = await keysetPage<GrantView & { granted_at?: Date }>(sql, filtered, page);
  for (const r of result.rows) delete r.granted_at;
  return { items: result.rows as GrantView[], total: result.total, nextCursor: result.nextCursor };
}
