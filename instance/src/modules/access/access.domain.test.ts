import { describe, expect, it } from 'vitest';
import { buildingScope, hasPermission, hasPermissionAnywhere, type AuthContext, type Grant } from './access.domain.ts';

const ctx = (grants: Grant[], scopes: ('read' | 'write')[] = ['read', 'write']): AuthContext =>
  ({ userId: 'u', organizationId: 'o', grants, scopes, via: 'jwt', sessionId: 's' });

describe('access rules', () => {
  it('gives an organization-wide syndic every building, and an owner only their building', () => {
    expect(buildingScope(ctx([{ role: 'syndic', buildingId: null }]), 'lot.write')).toBe('all');
    const owner = ctx([{ role: 'owner', buildingId: 'b1' }]);
    expect(buildingScope(owner, 'lot.read')).toEqual(['b1']);
    expect(hasPermission(owner, 'lot.read', 'b1')).toBe(true);
    expect(hasPermission(owner, 'lot.read', 'b2')).toBe(false);
    expect(hasPermissionAnywhere(owner, 'lot.write')).toBe(false);
    expect(hasPermissionAnywhere(owner, 'person.read')).toBe(false);
  });

  it('adds up several grants', () => {
    const c = ctx([{ role: 'owner', buildingId: 'b1' }, { role: 'council_member', buildingId: 'b2' }]);
    expect(buildingScope(c, 'building.read')).toEqual(['b1', 'b2']);
    expect(buildingScope(c, 'person.read')).toEqual(['b2']);
  });

  it('narrows a read-only API token to reads', () => {
    const c = ctx([{ role: 'admin', buildingId: null }], ['read']);
    expect(hasPermission(c, 'building.read')).toBe(true);
    expect(hasPermission(c, 'building.write')).toBe(false);
    expect(hasPermission(c, 'org.manage_roles')).toBe(false);
  });

  it('gives a building-limited admin that building, never the organization (roles, audit)', () => {
    const c = ctx([{ role: 'admin', buildingId: 'b1' }]);
    expect(hasPermission(c, 'lot.write', 'b1')).toBe(true);
    expect(hasPermission(c, 'lot.write', 'b2')).toBe(false);
    expect(hasPermissionAnywhere(c, 'org.manage_roles')).toBe(false);
    expect(hasPermissionAnywhere(c, 'audit.read')).toBe(false);
  });

  it('never manages roles through an API token, even a write one', () => {
    const c: AuthContext = { ...ctx([{ role: 'admin', buildingId: null }]), via: 'api_token' };
    expect(hasPermission(c, 'org.manage_roles')).toBe(false);
    expect(hasPermission(c, 'building.write')).toBe(true);
  });

  it('keeps the audit log and role management for admins', () => {
    for (const role of ['syndic', 'accountant', 'council_member', 'owner'] as const) {
      expect(hasPermissionAnywhere(ctx([{ role, buildingId: null }]), 'audit.read')).toBe(false);
      expect(hasPermissionAnywhere(ctx([{ role, buildingId: null }]), 'org.manage_roles')).toBe(false);
    }
    expect(hasPermissionAnywhere(ctx([{ role: 'admin', buildingId: null }]), 'audit.read')).toBe(true);
  });
});
