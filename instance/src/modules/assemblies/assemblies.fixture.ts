import { createActor, createOrganization } from '../../../test/support/actors.ts';
import { createBuilding, createLot, createPerson, type Client, type Res } from '../../../test/support/register.ts';
import { signAccessToken } from '../auth/tokens.ts';
import type { TestApp } from '../../../test/support/test-app.ts';

/** Test support for the assembly int tests (not a test file; not used by the instance). */

const address = { street: 'Rue Haute 5', postalCode: '1000', city: 'Bruxelles', country: 'BE' };
const consent = { givenOn: '2024-01-01', proof: 'Signed form, 2024-01-01' };

export interface OwnerSpec { name: string; shares: number; language?: 'fr' | 'nl' | 'de' | 'en'; email?: string }
export interface AssemblyWorld {
  orgId: string; api: Client; buildingId: string;
  /** A fresh access token of the admin, signed at the test clock's time (the clock moves to meeting days). */
  token(): Promise<string>;
  owners: { id: string; name: string; shares: number; lotId: string }[];
  /** Plans a meeting `daysAhead` after the test clock's today with the given agenda items. */
  meeting(body?: Record<string, unknown>, items?: Record<string, unknown>[]): Promise<any>;
}

/** One building of `totalShares`, one lot per owner, each owner holding their lot in full since 2020. */
export async function assemblyWorld(t: TestApp, owners: OwnerSpec[], totalShares = 1000): Promise<AssemblyWorld> {
  const org = await createOrganization(t.deps);
  const admin = await createActor(t.deps, { organizationId: org.id, grants: [{ role: 'admin' }] });
  const token = () => signAccessToken(t.deps.secrets.jwtKey, { userId: admin.userId, sessionId: admin.sessionId }, t.clock.now(),
    t.deps.config.accessTokenTtlSeconds);
  const send = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<Res> =>
    t.app.inject({ method, url: `/api/v1/orgs/${org.id}${path}`, headers: { authorization: `Bearer ${await token()}` },
      ...(body === undefined ? {} : { payload: body as object }) });
  const api: Client = { get: (p) => send('GET', p), post: (p, b = {}) => send('POST', p, b), patch: (p, b) => send('PATCH', p, b), del: (p) => send('DELETE', p) };
  const building = await createBuilding(api, { totalShares });
  const created: AssemblyWorld['owners'] = [];
  for (const [i, o] of owners.entries()) {
    const person = await createPerson(api, { lastName: o.name, language: o.language ?? 'fr', address,
      ...(o.email ? { email: o.email, emailConsent: consent } : {}) });
    const lot = await createLot(api, building.id, { number: `A${i + 1}`, shares: o.shares });
    const res = await api.post(`/buildings/${building.id}/lots/${lot.id}/holdings`,
      { validFrom: '2020-01-01', holdings: [{ personId: person.id, right: 'full', part: { numerator: 1, denominator: 1 } }] });
    if (res.statusCode !== 201) throw new Error(`holding: ${res.statusCode} ${res.body}`);
    created.push({ id: person.id, name: o.name, shares: o.shares, lotId: lot.id });
  }
  return {
    orgId: org.id, api, buildingId: building.id, token, owners: created,
    async meeting(body = {}, items = [{ title: 'Approbation des comptes', decisionType: 'accounts_budget', draftResolution: 'Les comptes sont approuvés.' }]) {
      const res = await api.post(`/buildings/${building.id}/meetings`, { kind: 'ordinary', meetingDate: '2030-06-30', startTime: '18:30',
        place: 'Salle communale, Bruxelles', ...body });
      if (res.statusCode !== 201) throw new Error(`meeting: ${res.statusCode} ${res.body}`);
      let m = res.json();
      for (const item of items) {
        const r = await api.post(`/buildings/${building.id}/meetings/${m.id}/agenda-items`, item);
        if (r.statusCode !== 201) throw new Error(`agenda item: ${r.statusCode} ${r.body}`);
        m = r.json();
      }
      return m;
    },
  };
}

/** Moves the frozen test clock to a day (09:00 in Brussels summer time), e.g. the meeting day before opening. */
export const onDay = (t: TestApp, day: string) => t.clock.set(new Date(`${day}T07:00:00Z`), { frozen: true });
