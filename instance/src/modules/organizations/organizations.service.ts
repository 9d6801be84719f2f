import type { AuthContext, Role } from '../access/access.domain.ts';
import type { UserContext } from '../access/access.plugin.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { ResolvedPage } from '../../platform/pagination.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { findUserByEmail } from '../auth/auth.repo.ts';
import * as repo from './organizations.repo.ts';
import { canonicalEmail } from '../auth/auth.domain.ts';

type OrgDeps = Pick<Deps, 'sql' | 'clock'>;

/** Only the instance administrator (the operating cooperative) creates organizations. */
export async function createOrganization(deps: OrgDeps, user: UserContext,
  input: { name: string; kind: 'syndic_office' | 'self_managed'; adminEmail?: string }, requestId?: string): Promise<repo.OrganizationView> {
  if (!user.isInstanceAdmin) throw new AppError('auth.forbidden', 'Only the instance administrator creates organizations');
  const admin = input.adminEmail ? await findUserByEmail(deps.sql, canonicalEmail(input.adminEmail)) : null;
  if (input.adminEmail && !admin) {
    throw new AppError('user.not_found', 'No registered user has this e-mail address; they must register first', { field: 'adminEmail' });
  }
  return deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const org = await repo.insertOrganization(tx, input.name, input.kind, at);
    await recordAudit(tx, { organizationId: org.id, actorUserId: user.userId, action: 'organization.created', entityType: 'organization', entityId: org.id, requestId }, at);
    if (admin) {
      const grant = await repo.insertGrant(tx, { organizationId: org.id, userId: admin.id, role: 'admin', buildingId: null, grantedBy: user.userId, at });
      await recordAudit(tx, { organizationId: org.id, actorUserId: user.userId, action: 'role.granted', entityType: 'role_grant', entityId: grant!.id,
        details: { userId: admin.id, role: 'admin', buildingId: null }, requestId }, at);
    }
    return org;
  }) as Promise<repo.OrganizationView>;
}

export async function listOrganizations(deps: OrgDeps, user: UserContext, page: ResolvedPage) {
  return repo.pageOrganizations(deps.sql, user.isInstanceAdmin ? null : user.userId, page);
}

export async function grantRole(deps: OrgDeps, ctx: AuthContext,
  input: { email: string; role: Role; buildingId: string | null }, requestId?: string): Promise<repo.GrantView> {
  const target = await findUserByEmail(deps.sql, canonicalEmail(input.email));
  if (!target) throw new AppError('user.not_found', 'No registered user has this e-mail address', { field: 'email' });
  return deps.sql.begin(async (tx) => {
    if (input.buildingId && !(await repo.buildingExists(tx, ctx.organizationId, input.buildingId))) {
      throw new AppError('building.not_found', 'Building not found', { id: input.buildingId, field: 'buildingId' });
    }
    const at = deps.clock.now();
    const grant = await repo.insertGrant(tx, { organizationId: ctx.organizationId, userId: target.id, role: input.role,
      buildingId: input.buildingId, grantedBy: ctx.userId, at });
    if (!grant) throw new AppError('role.already_granted', 'This user already holds this role here');
    await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: 'role.granted', entityType: 'role_grant',
      entityId: grant.id, details: { userId: target.id, role: input.role, buildingId: input.buildingId }, requestId }, at);
    return (await repo.listGrants(tx, ctx.organizationId, grant.id))[0]!;
  }) as Promise<repo.GrantView>;
}

export async function revokeRole(deps: OrgDeps, ctx: AuthContext, grantId: string, requestId?: string): Promise<void> {
  await deps.sql.begin(async (tx) => {
    await repo.lockOrganization(tx, ctx.organizationId); // serialises revocations: the last admin check holds
    const grant = await repo.deleteGrant(tx, ctx.organizationId, grantId);
    if (!grant) throw new AppError('role_grant.not_found', 'Role grant not found', { id: grantId });
    if (grant.role === 'admin' && grant.buildingId === null && (await repo.countOrgAdmins(tx, ctx.organizationId)) === 0) {
      throw new AppError('role.last_admin', 'The organization would have no admin left; grant admin to someone else first');
    }
    await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: 'role.revoked', entityType: 'role_grant',
      entityId: grantId, details: { userId: grant.userId, role: grant.role, buildingId: grant.buildingId }, requestId }, deps.clock.now());
  });
}
