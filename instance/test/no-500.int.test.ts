import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../src/modules/demo/seed-demo.ts';
import { createActor, createOrganization } from './support/actors.ts';
import { routeIdsOf } from './support/route-fixtures.ts';
import { createTestApp } from './support/test-app.ts';

/**
 * "No request can produce a 500": every route, driven by an admin, with random JSON bodies,
 * hostile query strings and malformed path ids. Every answer must be < 500 and, when it is an
 * error, a JSON body with a stable code.
 */
const { app, deps } = await createTestApp();
const org = await createOrganization(deps);
const admin = await createActor(deps, { organizationId: org.id, grants: [{ role: 'admin' }], isInstanceAdmin: true });
await seedDemo(deps, { organizationId: org.id, actorUserId: admin.userId });
const ids = await routeIdsOf(app, deps, org.id, admin);

// Logout would end the admin's session for the routes after it; it takes no body and is tested in auth.int.test.ts.
const routes = app.routeTable.filter((r) => r.url.startsWith('/api/v1') && r.url !== '/api/v1/auth/logout');
const realIds: Record<string, string> = { orgId: org.id, ...ids };
const unknownParams = [...new Set(routes.flatMap((r) => [...r.url.matchAll(/:(\w+)/g)].map((m) => m[1]!)))].filter((k) => !(k in realIds));
const path = (url: string, override?: string) => url.replace(/:(\w+)/g, (_, k: string) => override ?? realIds[k] ?? k);

function expectClean(res: { statusCode: number; body: string }, label: string) {
  expect(res.statusCode, `${label} → ${res.statusCode} ${res.body.slice(0, 200)}`).toBeLessThan(500);
  if (res.statusCode >= 400) expect(String(JSON.parse(res.body).error?.code), `${label} → ${res.body.slice(0, 200)}`).toMatch(/^[a-z_]+\.[a-z_]+$/);
}

describe('no request produces a 500', () => {
  it('has a real id for every path parameter, so each route is reached past validation', () => {
    expect(unknownParams).toEqual([]);
  });

  it('survives random JSON bodies on every route', async () => {
    for (const r of routes.filter((x) => x.method !== 'GET')) {
      await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const res = await app.inject({ method: r.method as 'POST', url: path(r.url), payload: JSON.stringify(body),
          headers: { ...admin.headers, 'content-type': 'application/json' } });
        expectClean(res, `${r.method} ${r.url} ${JSON.stringify(body).slice(0, 80)}`);
      }), { numRuns: 25, seed: 20261124 });
    }
  });

  it('survives hostile query strings and malformed ids', async () => {
    const queries = ['limit=-1', 'limit=abc', 'limit=100000', 'cursor=%00%ff', 'cursor=eyJ4IjoxfQ', 'sort=password', 'sort=-',
      'asOf=2023-02-30', 'asOf=99999-01-01', 'q=%27%3B%20drop%20table%20lots%3B--', 'floor=1e309', 'kind[]=x', 'history=maybe',
      `q=${'x'.repeat(5000)}`, 'limit=1&limit=2'];
    for (const r of routes) {
      for (const q of queries) {
        const res = await app.inject({ method: r.method as 'GET', url: `${path(r.url)}?${q}`, headers: admin.headers });
        expectClean(res, `${r.method} ${r.url}?${q.slice(0, 40)}`);
      }
      for (const bad of ['not-a-uuid', '00000000-0000-0000-0000-000000000000', "1'or'1", '%E0%A4%A']) {
        const res = await app.inject({ method: r.method as 'GET', url: path(r.url, bad), headers: admin.headers });
        expectClean(res, `${r.method} ${r.url} with id ${bad}`);
      }
    }
  });

  it('survives well-formed requests carrying hostile values (NUL characters, forged cursors)', async () => {
    const forged = (v: string, sort = 'shares') => Buffer.from(JSON.stringify([sort, v, ids.lotId])).toString('base64url');
    const probes: Array<{ method: 'GET' | 'POST'; url: string; payload?: object }> = [
      { method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a\u0000b@example.org', password: 'x' } },
      { method: 'POST', url: '/api/v1/auth/register', payload: { email: 'nul@example.org', password: 'a-long-password\u0000', displayName: 'N\u0000' } },
      { method: 'GET', url: `/api/v1/orgs/${org.id}/persons?q=%00` },
      { method: 'GET', url: `/api/v1/orgs/${org.id}/buildings?q=a%00b` },
      { method: 'POST', url: `/api/v1/orgs/${org.id}/persons`, payload: { kind: 'natural', lastName: 'Nul\u0000' } },
      { method: 'GET', url: `/api/v1/orgs/${org.id}/buildings/${ids.buildingId}/lots?sort=shares&cursor=${forged('abc')}` },
      { method: 'GET', url: `/api/v1/orgs/${org.id}/buildings/${ids.buildingId}/register?sort=shares&cursor=${forged('9'.repeat(40))}` },
      { method: 'GET', url: `/api/v1/orgs/${org.id}/buildings/${ids.buildingId}/lots?sort=createdAt&cursor=${forged('not a time', 'createdAt')}` },
    ];
    for (const p of probes) {
      const res = await app.inject({ method: p.method, url: p.url, headers: admin.headers, ...(p.payload ? { payload: p.payload } : {}) });
      expectClean(res, `${p.method} ${p.url}`);
    }
  });

  it('answers wrong content types, broken JSON and oversized bodies with JSON errors', async () => {
    const url = `/api/v1/orgs/${org.id}/persons`;
    const cases = [
      { payload: 'kind=natural', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
      { payload: '{"kind":', headers: { 'content-type': 'application/json' }, status: 400 },
      { payload: JSON.stringify({ kind: 'natural', lastName: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' }, status: 413 },
    ];
    for (const c of cases) {
      const res = await app.inject({ method: 'POST', url, payload: c.payload, headers: { ...admin.headers, ...c.headers } });
      expect(res.statusCode).toBe(c.status);
      expectClean(res, c.payload.slice(0, 20));
    }
  });
});
