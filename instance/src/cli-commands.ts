import { createInterface } from 'node:readline/promises';
import type { Config } from './config.ts';
import type { Clock } from './platform/clock.ts';
import type { Pool } from './platform/db.ts';
import { AppError } from './platform/errors.ts';
import { findUserByEmail } from './modules/auth/auth.repo.ts';
import { registerUser, type PublicUser } from './modules/auth/auth.service.ts';
import { seedDemo } from './modules/demo/seed-demo.ts';
import { insertGrant, insertOrganization } from './modules/organizations/organizations.repo.ts';
import { recordAudit } from './modules/audit/audit.repo.ts';
import { canonicalEmail } from './modules/auth/auth.domain.ts';

/** The password comes from KOPROGO_ADMIN_PASSWORD or from standard input, never from argv (visible in `ps`). */
async function readPassword(fromConfig: string | undefined): Promise<string> {
  if (fromConfig) return fromConfig;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  if (process.stdin.isTTY) process.stderr.write('Password (at least 12 characters): ');
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new AppError('auth.password_missing', 'No password given: set KOPROGO_ADMIN_PASSWORD or pipe it on standard input');
}

export async function createInstanceAdmin(deps: { sql: Pool; clock: Clock; config: Config }, opts: { email: string; name: string }): Promise<PublicUser> {
  const password = await readPassword(deps.config.adminPassword);
  return registerUser(deps, { email: opts.email, password, displayName: opts.name, isInstanceAdmin: true });
}

/**
 * Creates a demo organization, makes `adminEmail` (or the first instance administrator) its admin,
 * and fills it with the demo buildings, lots and owners.
 */
export async function seedDemoOrganization(deps: { sql: Pool; clock: Clock }, opts: { adminEmail?: string; name: string }) {
  const admin = opts.adminEmail
    ? await findUserByEmail(deps.sql, canonicalEmail(opts.adminEmail))
    : (await deps.sql<{ id: string }[]>`select id from users where is_instance_admin order by created_at limit 1`)[0] ?? null;
  if (!admin) {
    throw new AppError('user.not_found', opts.adminEmail
      ? `No registered user has the e-mail ${opts.adminEmail}`
      : 'No instance administrator exists yet: create one first (create-admin), or pass --admin-email');
  }
  const at = deps.clock.now();
  const org = await deps.sql.begin(async (tx) => {
    const created = await insertOrganization(tx, opts.name, 'syndic_office', at);
    await recordAudit(tx, { organizationId: created.id, actorUserId: null, action: 'organization.created', entityType: 'organization', entityId: created.id, details: { via: 'seed-demo' } }, at);
    const grant = await insertGrant(tx, { organizationId: created.id, userId: admin.id, role: 'admin', buildingId: null, grantedBy: admin.id, at });
    await recordAudit(tx, { organizationId: created.id, actorUserId: null, action: 'role.granted', entityType: 'role_grant', entityId: grant!.id,
      details: { userId: admin.id, role: 'admin', via: 'seed-demo' } }, at);
    return created;
  });
  const counts = await seedDemo(deps, { organizationId: org.id, actorUserId: admin.id });
  return { organizationId: org.id, ...counts };
}
