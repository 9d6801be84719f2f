import { describe, expect, it } from 'vitest';
import { createActor, TEST_PASSWORD } from '../../../test/support/actors.ts';
import { eventually, notificationHarness } from './notifications.test-fixture.ts';

const h = await notificationHarness();
const { orgA, orgB, adminA, ownerA, adminB, publish, api } = h;

/** A live-event client (Node's global WebSocket) that keeps every message and the close code. */
function client(orgId: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${h.port}/api/v1/orgs/${orgId}/events`);
  const messages: Array<{ type: string; event?: { type: string; organizationId: string; payload: Record<string, unknown> } }> = [];
  ws.addEventListener('message', (m) => messages.push(JSON.parse(String(m.data))));
  const closed = new Promise<number>((resolve) => ws.addEventListener('close', (e) => resolve(e.code)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new Error('socket error')));
  });
  return { ws, messages, closed, opened };
}

async function readyClient(orgId: string, token: string) {
  const c = client(orgId);
  await c.opened;
  c.ws.send(JSON.stringify({ type: 'auth', token }));
  await eventually(async () => c.messages.some((m) => m.type === 'ready'), 5000);
  return c;
}

describe('live events over WebSocket', () => {
  it('delivers an event of its organization, and never one of another organization', async () => {
    const a = await readyClient(orgA.id, ownerA.token);
    const b = await readyClient(orgB.id, adminB.token);
    await publish({ organizationId: orgB.id, type: 'test.other_org', payload: { n: 2 }, recipients: 'none' }, adminB);
    await publish({ organizationId: orgA.id, type: 'test.ping', payload: { amountCents: 4200 }, recipients: 'none' });
    await eventually(async () => a.messages.some((m) => m.type === 'event'));
    await eventually(async () => b.messages.some((m) => m.type === 'event'));
    // A published B's event first, then A's: A must hold A's event only, B only B's.
    expect(a.messages.filter((m) => m.type === 'event').map((m) => m.event)).toEqual([
      expect.objectContaining({ type: 'test.ping', organizationId: orgA.id, payload: { amountCents: 4200 } })]);
    expect(b.messages.filter((m) => m.type === 'event').map((m) => m.event!.type)).toEqual(['test.other_org']);
    a.ws.close();
    b.ws.close();
  });

  it('sends nothing for a rolled-back transaction', async () => {
    const a = await readyClient(orgA.id, adminA.token);
    await h.t.deps.sql.begin(async (tx) => {
      const { publishEvent } = await import('./notifications.service.ts');
      await publishEvent(tx, h.t.deps, { organizationId: orgA.id, type: 'test.rolled_back', payload: {}, recipients: 'none' },
        { organizationId: orgA.id, actorUserId: adminA.userId, requestId: null });
      throw new Error('rollback');
    }).catch(() => {});
    await publish({ organizationId: orgA.id, type: 'test.after', payload: {}, recipients: 'none' });
    await eventually(async () => a.messages.some((m) => m.type === 'event'));
    expect(a.messages.filter((m) => m.type === 'event').map((m) => m.event!.type)).toEqual(['test.after']);
    a.ws.close();
  });

  it('closes with 4401 on a bad token or a non-auth first message, 4404 for a non-member', async () => {
    const bad = client(orgA.id);
    await bad.opened;
    bad.ws.send(JSON.stringify({ type: 'auth', token: 'not.a.jwt' }));
    expect(await bad.closed).toBe(4401);
    const noAuth = client(orgA.id);
    await noAuth.opened;
    noAuth.ws.send('hello');
    expect(await noAuth.closed).toBe(4401);
    const other = client(orgB.id);
    await other.opened;
    other.ws.send(JSON.stringify({ type: 'auth', token: ownerA.token }));
    expect(await other.closed).toBe(4404);
    expect(bad.messages.concat(noAuth.messages, other.messages)).toEqual([]);
  });

  it('closes a socket as soon as its session ends: logout, refresh-token reuse, password change elsewhere', async () => {
    const post = (url: string, payload: object, token?: string) => h.t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload,
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
    const login = async (email: string) => (await post('/auth/login', { email, password: TEST_PASSWORD })).json() as { accessToken: string; refreshToken: string };
    // Logout.
    const x = await createActor(h.t.deps, { organizationId: orgA.id, grants: [{ role: 'owner' }] });
    const byLogout = await readyClient(orgA.id, x.token);
    expect((await post('/auth/logout', {}, x.token)).statusCode).toBe(204);
    expect(await byLogout.closed).toBe(4401);
    // Refresh-token reuse: the whole session is revoked, its socket with it.
    const y = await createActor(h.t.deps, { organizationId: orgA.id, grants: [{ role: 'owner' }] });
    const pair = await login(y.email);
    const byReuse = await readyClient(orgA.id, pair.accessToken);
    expect((await post('/auth/refresh', { refreshToken: pair.refreshToken })).statusCode).toBe(200);
    expect((await post('/auth/refresh', { refreshToken: pair.refreshToken })).statusCode).toBe(401);
    expect(await byReuse.closed).toBe(4401);
    // A password change ends every other session of the user; the socket of the changing session stays.
    const z = await createActor(h.t.deps, { organizationId: orgA.id, grants: [{ role: 'owner' }] });
    const elsewhere = await readyClient(orgA.id, z.token);
    const here = await login(z.email);
    const staying = await readyClient(orgA.id, here.accessToken);
    expect((await post('/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'another-password-456' }, here.accessToken)).json()).toEqual({ sessionsEnded: 1 });
    expect(await elsewhere.closed).toBe(4401);
    await publish({ organizationId: orgA.id, type: 'test.still_open', payload: {}, recipients: 'none' });
    await eventually(async () => staying.messages.some((m) => m.event?.type === 'test.still_open'));
    expect(staying.ws.readyState).toBe(WebSocket.OPEN);
    staying.ws.close();
  });

  it('closes a socket with 4404 when its user loses the last grant in the organization', async () => {
    const u = await createActor(h.t.deps, { organizationId: orgA.id, grants: [{ role: 'owner' }, { role: 'accountant' }] });
    const socket = await readyClient(orgA.id, u.token);
    const grants = await h.t.deps.sql<{ id: string }[]>`select id from role_grants where user_id = ${u.userId} order by role`;
    // One grant of two removed: still a member, the socket stays and keeps receiving.
    expect((await api(adminA).del(`/roles/${grants[0]!.id}`)).statusCode).toBe(204);
    await publish({ organizationId: orgA.id, type: 'test.one_grant_left', payload: {}, recipients: 'none' });
    await eventually(async () => socket.messages.some((m) => m.event?.type === 'test.one_grant_left'));
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    // The last one: gone.
    expect((await api(adminA).del(`/roles/${grants[1]!.id}`)).statusCode).toBe(204);
    expect(await socket.closed).toBe(4404);
  });

  it('closes with 4401 when no token arrives within 5 s', async () => {
    const silent = client(orgA.id);
    await silent.opened;
    const started = Date.now();
    expect(await silent.closed).toBe(4401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
  }, 10_000);

  it('answers a plain HTTP GET with 401 without a token and 426 with one', async () => {
    const anon = await h.t.app.inject({ method: 'GET', url: `/api/v1/orgs/${orgA.id}/events` });
    expect(anon.statusCode).toBe(401);
    const res = await api(ownerA).get('/events');
    expect(res.statusCode).toBe(426);
    expect(res.json().error.code).toBe('events.upgrade_required');
    expect((await api(ownerA, orgB.id).get('/events')).statusCode).toBe(404);
  });
});

describe('in-app notifications', () => {
  it('writes one per recipient member, lists them per user, marks them read', async () => {
    // ownerA and adminA are members; adminB is not a member of A and gets nothing.
    await publish({ organizationId: orgA.id, type: 'reminder.approved', payload: { debtCents: 100 }, recipients: [ownerA.userId, adminB.userId] });
    await publish({ organizationId: orgA.id, type: 'reminder.sent', payload: { debtCents: 200 }, recipients: [ownerA.userId] });
    await publish({ organizationId: orgA.id, type: 'webhook.failing', payload: {}, recipients: 'organization-admins' });
    const mine = (await api(ownerA).get('/notifications')).json();
    // Newest first: reminder.sent then reminder.approved; both unread.
    expect(mine).toMatchObject({ total: 2, unreadCount: 2, nextCursor: null,
      items: [{ type: 'reminder.sent', payload: { debtCents: 200 }, readAt: null }, { type: 'reminder.approved', readAt: null }] });
    expect((await api(adminA).get('/notifications')).json()).toMatchObject({ total: 1, items: [{ type: 'webhook.failing' }] });
    expect((await api(adminB, orgB.id).get('/notifications')).json().total).toBe(0);

    const page1 = (await api(ownerA).get('/notifications?limit=1')).json();
    expect(page1.items.map((n: { type: string }) => n.type)).toEqual(['reminder.sent']);
    const page2 = (await api(ownerA).get(`/notifications?limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2.items.map((n: { type: string }) => n.type)).toEqual(['reminder.approved']);

    const id = mine.items[1].id;
    const read = await api(ownerA).post(`/notifications/${id}/read`);
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    expect((await api(ownerA).post(`/notifications/${id}/read`)).json().readAt).toBe(read.json().readAt);
    expect((await api(ownerA).get('/notifications?unread=true')).json()).toMatchObject({ total: 1, unreadCount: 1, items: [{ type: 'reminder.sent' }] });
    // Someone else's notification, an unknown id and another tenant's route: 404, nothing changed.
    expect((await api(adminA).post(`/notifications/${mine.items[0].id}/read`)).json().error.code).toBe('notification.not_found');
    expect((await api(adminB, orgB.id).post(`/notifications/${mine.items[0].id}/read`)).statusCode).toBe(404);
    expect((await api(ownerA).post('/notifications/not-a-uuid/read')).statusCode).toBe(400);
    expect((await api(ownerA).get('/notifications?unread=maybe')).statusCode).toBe(400);

    const readOnly = (await api(ownerA).post('/api-tokens', { name: 'ro', scopes: ['read'] })).json().token;
    const asToken = (method: 'GET' | 'POST', url: string) =>
      h.t.app.inject({ method, url: `/api/v1/orgs/${orgA.id}${url}`, headers: { authorization: `Bearer ${readOnly}` } });
    expect((await asToken('GET', '/notifications')).json().total).toBe(2);
    expect((await asToken('POST', '/notifications/read-all')).statusCode).toBe(403);
    expect((await api(ownerA).post('/notifications/read-all')).json()).toEqual({ updated: 1 });
    expect((await api(ownerA).post('/notifications/read-all')).json()).toEqual({ updated: 0 });
    expect((await api(ownerA).get('/notifications?unread=true')).json()).toMatchObject({ total: 0, unreadCount: 0 });
    const audit = await h.t.deps.sql<{ action: string }[]>`select action from audit_log where actor_user_id = ${ownerA.userId} and action like 'notification.%' order by id`;
    expect(audit.map((a) => a.action)).toEqual(['notification.read', 'notification.read_all']);
  });

  it('refuses an event carrying contact data (422) and writes nothing', async () => {
    const err = await publish({ organizationId: orgA.id, type: 'test.bad', payload: { email: 'x@y.z' }, recipients: [ownerA.userId] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'notification.invalid_event', details: { field: 'payload.email' } });
    const [n] = await h.t.deps.sql<{ n: number }[]>`select count(*)::int as n from notifications where type = 'test.bad'`;
    expect(n!.n).toBe(0);
  });
});
