import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/support/test-app.ts';
import { issueSetupTokenIfNeeded } from './setup.service.ts';

const t = await createTestApp({ captureLogs: true, env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_WINDOW_SECONDS: '600', REGISTRATIONS_PER_HOUR_PER_ADDRESS: '1000' } });
const { app } = t;
const PASSWORD = 'a-long-enough-password';

const post = (url: string, payload: unknown, token?: string) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: token ? { authorization: `Bearer ${token}` } : {} });
const get = (url: string, token?: string) => app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

async function registerAndLogin(email: string) {
  expect((await post('/api/v1/auth/register', { email, password: PASSWORD, displayName: email })).statusCode).toBe(201);
  const res = await post('/api/v1/auth/login', { email, password: PASSWORD });
  expect(res.statusCode).toBe(200);
  return res.json() as { accessToken: string; refreshToken: string; sessionId: string };
}

describe('first administrator', () => {
  it('needs the one-time setup token, works once, then refuses', async () => {
    expect((await get('/api/v1/setup')).json()).toEqual({ needed: true });
    const token = await issueSetupTokenIfNeeded(t.deps);
    expect(token).toMatch(/^setup_/);
    const body = { email: 'Admin@Example.org', password: PASSWORD, displayName: 'Admin' };
    const wrong = await post('/api/v1/setup', { ...body, token: 'setup_wrong' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('auth.setup_token_invalid');
    const short = await post('/api/v1/setup', { ...body, password: 'short', token });
    expect(short.statusCode).toBe(422);
    expect(short.json().error).toMatchObject({ code: 'auth.password_too_short', details: { field: 'password' } });
    const ok = await post('/api/v1/setup', { ...body, token });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ email: 'admin@example.org', isInstanceAdmin: true });
    expect((await post('/api/v1/setup', { ...body, token })).json().error.code).toBe('auth.setup_done');
    expect(await issueSetupTokenIfNeeded(t.deps)).toBeNull();
    expect((await get('/api/v1/setup')).json()).toEqual({ needed: false });
  });
});

describe('registration and login', () => {
  it('registers a user without any role', async () => {
    const tokens = await registerAndLogin('nobody@example.org');
    const me = await get('/api/v1/auth/me', tokens.accessToken);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'nobody@example.org', isInstanceAdmin: false, memberships: [] });
    expect((await get('/api/v1/organizations', tokens.accessToken)).json()).toEqual({ items: [], total: 0, nextCursor: null });
  });

  it('refuses a duplicate e-mail (any case) with 409', async () => {
    await post('/api/v1/auth/register', { email: 'dup@example.org', password: PASSWORD, displayName: 'A' });
    const res = await post('/api/v1/auth/register', { email: 'DUP@example.org', password: PASSWORD, displayName: 'B' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'auth.email_taken', details: { field: 'email' } });
  });

  it('answers 400 naming the field for malformed input, and JSON for bad JSON', async () => {
    const res = await post('/api/v1/auth/register', { email: 'x@example.org', displayName: 'X' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('request.invalid');
    expect(res.json().error.details.issues[0].field).toBe('body.password');
    const bad = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('request.invalid');
  });

  it('answers a wrong password and an unknown account identically', async () => {
    await post('/api/v1/auth/register', { email: 'known@example.org', password: PASSWORD, displayName: 'K' });
    const wrong = await post('/api/v1/auth/login', { email: 'known@example.org', password: 'not-the-password' });
    const unknown = await post('/api/v1/auth/login', { email: 'ghost@example.org', password: 'not-the-password' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: { error: { requestId: string } }) => ({ ...b.error, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
  });

  it('rate limits failed logins per account, then lets them in after the window', async () => {
    await post('/api/v1/auth/register', { email: 'target@example.org', password: PASSWORD, displayName: 'T' });
    for (let i = 0; i < 3; i++) {
      expect((await post('/api/v1/auth/login', { email: 'target@example.org', password: `guess-${i}-xxxxxxx` })).statusCode).toBe(401);
    }
    const limited = await post('/api/v1/auth/login', { email: 'target@example.org', password: PASSWORD });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('auth.rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(601_000);
    expect((await post('/api/v1/auth/login', { email: 'target@example.org', password: PASSWORD })).statusCode).toBe(200);
  });
});

describe('sessions and tokens', () => {
  it('rotates refresh tokens and ends the session when an old one is reused', async () => {
    const first = await registerAndLogin('rotate@example.org');
    const second = await post('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.statusCode).toBe(200);
    const pair = second.json();
    expect(pair.refreshToken).not.toBe(first.refreshToken);
    expect(pair.sessionId).toBe(first.sessionId);

    const reuse = await post('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().error.code).toBe('auth.refresh_reused');
    // The whole family is revoked: the newest refresh token and the access tokens die with it.
    expect((await post('/api/v1/auth/refresh', { refreshToken: pair.refreshToken })).statusCode).toBe(401);
    expect((await get('/api/v1/auth/me', pair.accessToken)).statusCode).toBe(401);
  });

  it('expires access tokens by the instance clock', async () => {
    const s = await registerAndLogin('expiry@example.org');
    t.clock.advance((t.deps.config.accessTokenTtlSeconds + 1) * 1000);
    const res = await get('/api/v1/auth/me', s.accessToken);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('auth.token_expired');
    const refreshed = await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken });
    expect((await get('/api/v1/auth/me', refreshed.json().accessToken)).statusCode).toBe(200);
  });

  it('logs out: the access token stops working at once', async () => {
    const s = await registerAndLogin('logout@example.org');
    expect((await post('/api/v1/auth/logout', {}, s.accessToken)).statusCode).toBe(204);
    expect((await get('/api/v1/auth/me', s.accessToken)).statusCode).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken })).statusCode).toBe(401);
  });

  it('changes the password and ends the other sessions only', async () => {
    const a = await registerAndLogin('pw@example.org');
    const b = (await post('/api/v1/auth/login', { email: 'pw@example.org', password: PASSWORD })).json();
    const wrong = await post('/api/v1/auth/password', { currentPassword: 'nope-nope-nope', newPassword: 'another-long-password' }, a.accessToken);
    expect(wrong.statusCode).toBe(401);
    const res = await post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'another-long-password' }, a.accessToken);
    expect(res.json()).toEqual({ sessionsEnded: 1 });
    expect((await get('/api/v1/auth/me', a.accessToken)).statusCode).toBe(200);
    expect((await get('/api/v1/auth/me', b.accessToken)).statusCode).toBe(401);
    expect((await post('/api/v1/auth/login', { email: 'pw@example.org', password: PASSWORD })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/login', { email: 'pw@example.org', password: 'another-long-password' })).statusCode).toBe(200);
  });

  it('refuses tampered and missing tokens with 401 and a JSON error', async () => {
    const s = await registerAndLogin('tamper@example.org');
    const forged = `${s.accessToken.slice(0, -4)}AAAA`;
    expect((await get('/api/v1/auth/me', forged)).json().error.code).toBe('auth.token_invalid');
    const none = await get('/api/v1/auth/me');
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('auth.unauthenticated');
  });
});

describe('logs and audit', () => {
  it('never writes passwords or tokens to the log or the audit log', async () => {
    const s = await registerAndLogin('secret-keeper@example.org');
    await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken });
    await get('/api/v1/organizations?q=Dubois-Secret-Name', s.accessToken);
    const all = t.logs.join('\n');
    expect(all).not.toContain('Dubois-Secret-Name');
    expect(t.logs.length).toBeGreaterThan(0);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(s.refreshToken);
    expect(all).not.toContain(s.accessToken);
    expect(all).not.toContain('secret-keeper@example.org');
    const audit = await t.deps.sql`select details::text as d from audit_log`;
    const text = audit.map((r) => r.d).join('\n');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(s.refreshToken);
    expect(text).not.toMatch(/secret-keeper/);
  });

  it('keeps request ids on every request log line', async () => {
    const before = t.logs.length;
    await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-me-123' } });
    const lines = t.logs.slice(before).map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.reqId).toBe('trace-me-123');
  });
});
