/**
 * Roles and what they may do. Pure rules: no I/O.
 * A grant is per organization, optionally narrowed to one building.
 */
export const ROLES = ['admin', 'syndic', 'accountant', 'council_member', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'org.manage_roles', // grant and revoke roles, issue API tokens for others
  'audit.read',
  'building.read', 'building.write',
  'lot.read', 'lot.write',
  'person.read', 'person.write', // contact details are personal data: not for owners
  'register.read', 'register.write', // holdings and transfers
  'accounting.read', 'accounting.write', // chart, journal, fiscal years, reports
  'expense.read', 'expense.write', 'expense.approve', // suppliers, invoices, distribution keys
  'call.read', 'call.write', // budgets, funds, calls for funds
  'payment.read', 'payment.write', // payments, bank statements, owner accounts
  'reminder.read', 'reminder.write', // payment reminders, debts, reminder settings and runs
  'assembly.read', 'assembly.write', // general assemblies: meetings, convocations, proxies, votes, minutes
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_REGISTER: Permission[] = ['building.read', 'lot.read', 'person.read', 'register.read'];
const READ_MONEY: Permission[] = ['accounting.read', 'expense.read', 'call.read', 'payment.read'];

export const permissionsByRole: Record<Role, readonly Permission[]> = {
  admin: [...PERMISSIONS],
  syndic: [...READ_REGISTER, 'building.write', 'lot.write', 'person.write', 'register.write',
    ...READ_MONEY, 'accounting.write', 'expense.write', 'expense.approve', 'call.write', 'payment.write',
    'reminder.read', 'reminder.write', 'assembly.read', 'assembly.write'],
  accountant: [...READ_REGISTER, ...READ_MONEY, 'accounting.write', 'expense.write', 'payment.write', 'reminder.read'],
  // The council oversees the syndic: it reads the books and approves large invoices (threshold rule).
  council_member: [...READ_REGISTER, ...READ_MONEY, 'expense.approve', 'reminder.read', 'assembly.read'],
  // Owners see their building, its lots and who holds them (names and parts), never contact details.
  owner: ['building.read', 'lot.read', 'register.read', 'assembly.read'],
};

export interface Grant { role: Role; buildingId: string | null }

export type TokenScope = 'read' | 'write';

export interface AuthContext {
  userId: string;
  organizationId: string;
  grants: readonly Grant[];
  /** API tokens may be read-only; access JWTs always carry both scopes. */
  scopes: readonly TokenScope[];
  via: 'jwt' | 'api_token';
  sessionId: string | null;
  /** The API token used, when `via` is 'api_token' (recorded in the audit log). */
  apiTokenId?: string | null;
}

const WRITE_SUFFIX = /\.(write|manage_roles|approve)$/;

/** Permissions over the organization itself: only organization-wide grants carry them. */
const ORGANIZATION_LEVEL: ReadonlySet<Permission> = new Set(['org.manage_roles', 'audit.read']);

function scopeAllows(ctx: AuthContext, permission: Permission): boolean {
  // Role management never goes through an API token: a leaked token must not be able to mint admins.
  if (permission === 'org.manage_roles' && ctx.via === 'api_token') return false;
  return WRITE_SUFFIX.test(permission) ? ctx.scopes.includes('write') : ctx.scopes.includes('read');
}

/** Which buildings a permission reaches: every building of the organization, some of them, or none. */
export function buildingScope(ctx: AuthContext, permission: Permission): 'all' | string[] {
  if (!scopeAllows(ctx, permission)) return [];
  const matching = ctx.grants.filter((g) => permissionsByRole[g.role].includes(permission));
  if (matching.some((g) => g.buildingId === null)) return 'all';
  if (ORGANIZATION_LEVEL.has(permission)) return []; // a building-limited admin manages that building only
  return [...new Set(matching.map((g) => g.buildingId!))];
}

export function hasPermission(ctx: AuthContext, permission: Permission, buildingId?: string): boolean {
  const scope = buildingScope(ctx, permission);
  if (scope === 'all') return true;
  return buildingId === undefined ? scope.length > 0 : scope.includes(buildingId);
}

/** True when the user holds the permission somewhere in the organization (for 403 versus 404). */
export function hasPermissionAnywhere(ctx: AuthContext, permission: Permission): boolean {
  const scope = buildingScope(ctx, permission);
  return scope === 'all' || scope.length > 0;
}
