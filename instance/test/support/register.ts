import { createActor, createOrganization } from './actors.ts';
import { createTestApp, type TestApp } from './test-app.ts';
import type { Role } from '../../src/modules/access/access.domain.ts';

/** Test support for the share-register int tests (not a test file; not used by the instance). */

export interface Client {
  get(path: string): Promise<Res>;
  post(path: string, body?: unknown): Promise<Res>;
  patch(path: string, body: unknown): Promise<Res>;
  del(path: string): Promise<Res>;
}

export interface Res { statusCode: number; json(): any; body: string }

export function clientFor(t: TestApp, orgId: string, headers: { authorization: string }): Client {
  const url = (path: string) => `/api/v1/orgs/${orgId}${path}`;
  return {
    get: (path) => t.app.inject({ method: 'GET', url: url(path), headers }),
    post: (path, body = {}) => t.app.inject({ method: 'POST', url: url(path), headers, payload: body as object }),
    patch: (path, body) => t.app.inject({ method: 'PATCH', url: url(path), headers, payload: body as object }),
    del: (path) => t.app.inject({ method: 'DELETE', url: url(path), headers }),
  };
}

export interface Harness {
  t: TestApp;
  orgId: string;
  /** An organization-wide admin of the organization. */
  api: Client;
  actor(grants: Array<{ role: Role; buildingId?: string | null }>, orgId?: string): Promise<Client>;
  /** A second organization with its own admin. */
  otherOrg(): Promise<{ orgId: string; api: Client }>;
}

export async function registerHarness(): Promise<Harness> {
  const t = await createTestApp();
  const org = await createOrganization(t.deps);
  const actor = async (grants: Array<{ role: Role; buildingId?: string | null }>, orgId = org.id) => {
    const a = await createActor(t.deps, { organizationId: orgId, grants });
    return clientFor(t, orgId, a.headers);
  };
  return {
    t, orgId: org.id, api: await actor([{ role: 'admin' }]), actor,
    async otherOrg() {
      const other = await createOrganization(t.deps);
      return { orgId: other.id, api: await actor([{ role: 'admin' }], other.id) };
    },
  };
}

export const buildingBody = (over: Record<string, unknown> = {}) => ({
  name: 'Résidence Les Tilleuls',
  address: { street: 'Rue Royale 120', postalCode: '1000', city: 'Bruxelles' },
  enterpriseNumber: '0850.123.440',
  totalShares: 1000,
  language: 'fr',
  ...over,
});

export async function createBuilding(api: Client, over: Record<string, unknown> = {}): Promise<{ id: string }> {
  const res = await api.post('/buildings', buildingBody(over));
  if (res.statusCode !== 201) throw new Error(`create building: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function createLot(api: Client, buildingId: string, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await api.post(`/buildings/${buildingId}/lots`, { kind: 'apartment', floor: 1, ...body });
  if (res.statusCode !== 201) throw new Error(`create lot: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function createPerson(api: Client, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await api.post('/persons', { kind: 'natural', language: 'fr', ...body });
  if (res.statusCode !== 201) throw new Error(`create person: ${res.statusCode} ${res.body}`);
  return res.json();
}

export const UNKNOWN_ID = '6f1c0c8e-8f3a-4e0b-9a53-0d6d1c9b2a77';
