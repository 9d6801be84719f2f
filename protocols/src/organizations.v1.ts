import { z } from 'zod';

export const RoleName = z.enum(['admin', 'syndic', 'accountant', 'council_member', 'owner']);
export const OrganizationKind = z.enum(['syndic_office', 'self_managed']);

export const CreateOrganizationBody = z.object({
  name: z.string().trim().min(1).max(200),
  kind: OrganizationKind,
  adminEmail: z.string().trim().min(3).max(254).optional()
    .describe('E-mail of a registered user who becomes the organization admin'),
});

export const Organization = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: OrganizationKind,
  createdAt: z.string(),
});

export const GrantRoleBody = z.object({
  email: z.string().trim().min(3).max(254).describe('E-mail of a registered user'),
  role: RoleName,
  buildingId: z.uuid().nullable().default(null).describe('Limit the role to one building; null for the whole organization'),
});

export const RoleGrant = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: RoleName,
  buildingId: z.uuid().nullable(),
  grantedAt: z.string(),
});
