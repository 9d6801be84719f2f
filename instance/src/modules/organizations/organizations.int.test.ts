import { describe, expect, it } from 'vitest';
import { createActor } from '../../../test/support/actors.ts';
import { createTestApp } from '../../../test/support/test-app.ts';
import { signAccessToken } from '../auth/tokens.ts';

const { app, deps } = await createTestApp();
const operator = await createActor(deps, { isInstanceAdmin: true, email: 'operator@example.org' });
const alice = await createActor(deps, { email: 'alice@example.org' });
const bob = await createActor(deps, { email: 'bob@example.org' });

const req = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: object, payload?: object) =>
  app.inject({ method, url, headers: headers as Record<string, string>, ...(payload ? { payload } : {}) });

describe('organizations and roles', () => {
  let orgId = '';

  it('lets only the instance administrator create an organization, naming its admin', async () => {
    const denied = await req('POST', '/api/v1/organizations', alice.headers, { name: 'X', kind: 'self_managed' });
    expect(denied.statusCode).toBe(403);
    const unknownAdmin = await req('POST', '/api/v1/organizations', operator.headers, { name: 'X', kind: 'self_managed', adminEmail: 'nobody@example.org' });
    expect(unknownAdmin.statusCode).toBe(404);
    expect(unknownAdmin.json().error).toMatchObject({ code: 'user.not_found', details: { field: 'adminEmail' } });
    const bad = await req('POST', '/api/v1/organizations', operator.headers, { name: 'X', kind: 'club' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].field).toBe('body.kind');
    const res = await req('POST', '/api/v1/organizations', operator.headers, { name: 'Syndic Dupont', kind: 'syndic_office', adminEmail: 'Alice@Example.org' });
    expect(res.statusCode).toBe(201);
    orgId = res.json().id;
    expect((await req('GET', '/api/v1/organizations', alice.headers)).json().items.map((o: { id: string }) => o.id)).toEqual([orgId]);
    expect((await req('GET', '/api/v1/organizations', bob.headers)).json().items).toEqual([]);
    expect((await req('GET', '/api/v1/organizations', operator.headers)).json().items.length).toBe(1);
  });

  it('keeps the instance administrator out of tenant data', async () => {
    expect((await req('GET', `/api/v1/orgs/${orgId}/buildings`, operator.headers)).statusCode).toBe(404);
  });

  it('lets the org admin grant and revoke roles, per organization or per building', async () => {
    expect((await req('GET', `/api/v1/orgs/${orgId}/buildings`, bob.headers)).statusCode).toBe(404);
    const grant = await req('POST', `/api/v1/orgs/${orgId}/roles`, alice.headers, { email: 'bob@example.org', role: 'syndic' });
    expect(grant.statusCode).toBe(201);
    expect(grant.json()).toMatchObject({ email: 'bob@example.org', role: 'syndic', buildingId: null });
    expect((await req('GET', `/api/v1/orgs/${orgId}/buildings`, bob.headers)).statusCode).toBe(200);
    const again = await req('POST', `/api/v1/orgs/${orgId}/roles`, alice.headers, { email: 'bob@example.org', role: 'syndic' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('role.already_granted');
    const otherBuilding = await req('POST', `/api/v1/orgs/${orgId}/roles`, alice.headers,
      { email: 'bob@example.org', role: 'owner', buildingId: '00000000-0000-4000-8000-000000000000' });
    expect(otherBuilding.statusCode).toBe(404);
    const byBob = await req('POST', `/api/v1/orgs/${orgId}/roles`, bob.headers, { email: 'bob@example.org', role: 'admin' });
    expect(byBob.statusCode).toBe(403);
    const me = (await req('GET', '/api/v1/auth/me', bob.headers)).json();
    expect(me.memberships).toEqual([{ organizationId: orgId, organizationName: 'Syndic Dupont', role: 'syndic', buildingId: null }]);
    expect((await req('DELETE', `/api/v1/orgs/${orgId}/roles/${grant.json().id}`, alice.headers)).statusCode).toBe(204);
    expect((await req('GET', `/api/v1/orgs/${orgId}/buildings`, bob.headers)).statusCode).toBe(404);
  });

  it('never removes the last organization admin', async () => {
    const grants = (await req('GET', `/api/v1/orgs/${orgId}/roles`, alice.headers)).json().items;
    const aliceAdmin = grants.find((g: { email: string; role: string }) => g.email === 'alice@example.org' && g.role === 'admin');
    const res = await req('DELETE', `/api/v1/orgs/${orgId}/roles/${aliceAdmin.id}`, alice.headers);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('role.last_admin');
    expect((await req('GET', `/api/v1/orgs/${orgId}/roles`, alice.headers)).json().items).toHaveLength(1);
  });

  it('records every change in the audit log, readable by admins only, newest first, paginated', async () => {
    const page1 = await req('GET', `/api/v1/orgs/${orgId}/audit?limit=2`, alice.headers);
    expect(page1.statusCode).toBe(200);
    const body = page1.json();
    expect(body.items.map((i: { action: string }) => i.action)).toEqual(['role.revoked', 'role.granted']);
    expect(body.total).toBe(4); // organization.created, role.granted (alice), role.granted (bob), role.revoked
    const page2 = (await req('GET', `/api/v1/orgs/${orgId}/audit?limit=2&cursor=${body.nextCursor}`, alice.headers)).json();
    expect(page2.items.map((i: { action: string }) => i.action)).toEqual(['role.granted', 'organization.created']);
    expect(page2.nextCursor).toBeNull();
    expect(page2.items[1].actorUserId).toBe(operator.userId);
    const filtered = (await req('GET', `/api/v1/orgs/${orgId}/audit?action=role.granted`, alice.headers)).json();
    expect(filtered.total).toBe(2);
    await req('POST', `/api/v1/orgs/${orgId}/roles`, alice.headers, { email: 'bob@example.org', role: 'accountant' });
    expect((await req('GET', `/api/v1/orgs/${orgId}/audit`, bob.headers)).statusCode).toBe(403);
    await expect(deps.sql`update audit_log set action = 'x'`).rejects.toThrow(/audit\.append_only/);
  });
  it('pages the role grants by e-mail, with a total and a cursor, and filters by role', async () => {
    await req('POST', `/api/v1/orgs/${orgId}/roles`, alice.headers, { email: 'bob@example.org', role: 'owner' });
    // Grants now: alice admin, bob accountant, bob owner (by e-mail, then by id).
    const first = (await req('GET', `/api/v1/orgs/${orgId}/roles?limit=2`, alice.headers)).json();
    expect(first.total).toBe(3);
    expect(first.items.map((g: { email: string }) => g.email)).toEqual(['alice@example.org', 'bob@example.org']);
    const second = (await req('GET', `/api/v1/orgs/${orgId}/roles?limit=2&cursor=${first.nextCursor}`, alice.headers)).json();
    expect(second).toMatchObject({ total: 3, nextCursor: null });
    expect(second.items.map((g: { email: string }) => g.email)).toEqual(['bob@example.org']);
    expect([...first.items, ...second.items].map((g: { role: string }) => g.role).sort()).toEqual(['accountant', 'admin', 'owner']);
    expect((await req('GET', `/api/v1/orgs/${orgId}/roles?role=owner`, alice.headers)).json().total).toBe(1);
    const grants = (await req('GET', `/api/v1/orgs/${orgId}/roles?role=owner`, alice.headers)).json().items;
    expect((await req('DELETE', `/api/v1/orgs/${orgId}/roles/${grants[0].id}`, alice.headers)).statusCode).toBe(204);
  });
});

describe('test clock and API description', () => {
  it('lets the instance administrator move the clock in test mode only', async () => {
    expect((await req('POST', '/api/v1/admin/clock', alice.headers, { advanceSeconds: 60 })).statusCode).toBe(403);
    const set = await req('POST', '/api/v1/admin/clock', operator.headers, { set: '2027-03-01T09:00:00Z', frozen: true });
    expect(set.json()).toMatchObject({ now: '2027-03-01T09:00:00.000Z', frozen: true });
    expect(deps.clock.today()).toBe('2027-03-01');
    // Tokens are checked against the moved clock: the old one has expired there, a fresh one works.
    const stale = await req('POST', '/api/v1/admin/clock', operator.headers, { advanceSeconds: 86_400 });
    expect(stale.json().error.code).toBe('auth.token_expired');
    const fresh = async () => ({ authorization: `Bearer ${await signAccessToken(deps.secrets.jwtKey,
      { userId: operator.userId, sessionId: operator.sessionId }, deps.clock.now(), 900)}` });
    expect((await req('POST', '/api/v1/admin/clock', await fresh(), { advanceSeconds: 'soon' })).statusCode).toBe(400);
    const moved = await req('POST', '/api/v1/admin/clock', await fresh(), { advanceSeconds: 86_400 });
    expect(moved.json().now).toBe('2027-03-02T09:00:00.000Z');
    expect((await req('POST', '/api/v1/admin/clock', await fresh(), { reset: true })).json().frozen).toBe(false);
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas, and Swagger UI', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/orgs/{orgId}/buildings',
      '/api/v1/orgs/{orgId}/buildings/{buildingId}/register', '/api/v1/orgs/{orgId}/roles']));
    expect(doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('password');
    const ui = await app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/html/);
  });

  it('pages organizations and API tokens with a total and an opaque cursor', async () => {
    for (const name of ['Copro Zeta', 'Copro Alpha']) {
      expect((await req('POST', '/api/v1/organizations', operator.headers, { name, kind: 'self_managed', adminEmail: 'alice@example.org' })).statusCode).toBe(201);
    }
    const first = (await req('GET', '/api/v1/organizations?limit=2', alice.headers)).json();
    expect(first.total).toBe(3);
    const alpha = first.items[0].id as string;
    expect(first.items.map((o: { name: string }) => o.name)).toEqual(['Copro Alpha', 'Copro Zeta']);
    const rest = (await req('GET', `/api/v1/organizations?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`, alice.headers)).json();
    expect(rest).toMatchObject({ total: 3, nextCursor: null });
    expect(rest.items.map((o: { name: string }) => o.name)).toEqual(['Syndic Dupont']);
    expect((await req('GET', '/api/v1/organizations?sort=-createdAt&limit=1', alice.headers)).json().items[0].name).toBe('Copro Alpha');
    expect((await req('GET', '/api/v1/organizations?sort=size', alice.headers)).statusCode).toBe(400);

    for (const name of ['t1', 't2', 't3']) await req('POST', `/api/v1/orgs/${alpha}/api-tokens`, alice.headers, { name });
    const tokens = (await req('GET', `/api/v1/orgs/${alpha}/api-tokens?limit=2`, alice.headers)).json();
    expect(tokens.total).toBe(3);
    expect(tokens.items.map((t: { name: string }) => t.name)).toEqual(['t3', 't2']); // newest first
    const last = (await req('GET', `/api/v1/orgs/${alpha}/api-tokens?limit=2&cursor=${encodeURIComponent(tokens.nextCursor)}`, alice.headers)).json();
    expect(last.items.map((t: { name: string }) => t.name)).toEqual(['t1']);
    expect((await req('GET', `/api/v1/orgs/${alpha}/api-tokens?sort=name`, bob.headers)).statusCode).toBe(404); // not a member
  });
});
