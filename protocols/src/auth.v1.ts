import { z } from 'zod';

/** Wire DTOs of the accounts API (/api/v1/auth, /api/v1/setup, API tokens). */
export const Email = z.string().trim().min(3).max(254).describe('E-mail address, case-insensitive');
export const Password = z.string().min(1).max(1024);

export const RegisterBody = z.object({
  email: Email,
  password: Password.describe('At least 12 characters'),
  displayName: z.string().trim().min(1).max(200),
});

export const LoginBody = z.object({ email: Email, password: Password });
export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(200) });
export const ChangePasswordBody = z.object({ currentPassword: Password, newPassword: Password });
export const SetupBody = RegisterBody.extend({ token: z.string().min(1).max(200).describe('The one-time token printed at start-up') });

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  isInstanceAdmin: z.boolean(),
  createdAt: z.string(),
});

export const TokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('Access token lifetime in seconds'),
  sessionId: z.uuid(),
});

export const Membership = z.object({
  organizationId: z.uuid(),
  organizationName: z.string(),
  role: z.string(),
  buildingId: z.uuid().nullable(),
});

export const Me = User.extend({ memberships: z.array(Membership) });

export const ApiTokenScope = z.enum(['read', 'write']);
export const CreateApiTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(ApiTokenScope).min(1).max(2).default(['read']),
  expiresAt: z.iso.datetime({ offset: true }).optional().describe('ISO date-time; omit for no expiry'),
});
export const ApiToken = z.object({
  id: z.uuid(),
  name: z.string(),
  tokenPrefix: z.string(),
  scopes: z.array(ApiTokenScope),
  userId: z.uuid(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export const CreatedApiToken = ApiToken.extend({ token: z.string().describe('Shown once; only its hash is stored') });

export type TokenPairDto = z.infer<typeof TokenPair>;
export type UserDto = z.infer<typeof User>;
