import { AppError } from '../../platform/errors.ts';
import { hasPermission, hasPermissionAnywhere, type AuthContext, type Permission } from './access.domain.ts';

/**
 * Throws unless the caller may use `permission` (on `buildingId` when given).
 * No such permission at all → 403; a building outside the caller's grants → 404, like an unknown id.
 */
export function requirePermission(ctx: AuthContext, permission: Permission, buildingId?: string): void {
  if (!hasPermissionAnywhere(ctx, permission)) {
    throw new AppError('auth.forbidden', `Your roles in this organization do not allow ${permission}`, { permission });
  }
  if (buildingId !== undefined && !hasPermission(ctx, permission, buildingId)) {
    throw new AppError('building.not_found', 'Building not found', { id: buildingId });
  }
}
