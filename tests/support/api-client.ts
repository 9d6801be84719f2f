import type { InstanceProcess } from './instance-process.ts';

/** Polls `fn` until it returns something truthy (or fails after `ms`). */
export async function eventually<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface AdminClient {
  api: string;
  creds: { email: string; password: string };
  logIn: () => Promise<string>;
  /** Logs in again (e.g. after the test clock moved past the access token's life) and keeps the new token. */
  renew: () => Promise<string>;
  token: () => string;
  call: (method: string, path: string, body?: unknown, expected?: number[]) => Promise<any>;
}

/** Creates the first administrator with the curl command the instance printed at start, and returns an API client logged in as them. */
export async function adminClient(inst: InstanceProcess): Promise<AdminClient> {
  const printed = /curl -X POST (\S+) -H 'content-type: application\/json' \\\n\s+-d '([^']+)'/.exec(inst.stdout())!;
  const setup = await fetch(printed[1]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: printed[2]! });
  if (setup.status !== 201) throw new Error(`setup → ${setup.status}`);
  const api = `${inst.url}/api/v1`;
  const creds = JSON.parse(printed[2]!) as { email: string; password: string };
  const logIn = async () => (await (await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: creds.email, password: creds.password }) })).json() as { accessToken: string }).accessToken;
  let token = await logIn();
  const call = async (method: string, path: string, body?: unknown, expected = [200, 201]) => {
    const res = await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}) });
    const json = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
    if (!expected.includes(res.status)) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json as any;
  };
  return { api, creds, logIn, renew: async () => (token = await logIn()), token: () => token, call };
}

export interface ConvenedMeeting {
  org: string;
  /** `/orgs/{org}/buildings/{building}` */
  building: string;
  buildingId: string;
  meetingId: string;
  /** `/orgs/{org}/buildings/{building}/meetings/{meeting}` */
  meeting: string;
  owners: Record<'Dubois' | 'Peeters' | 'Weber', { id: string; email: string }>;
  convocation: { recipients: { channel: string }[] };
}

/**
 * Résidence Les Tilleuls (1000 quote-parts): Dubois 500 (fr), Peeters 300 (nl), Weber 200 (de), each
 * accepting e-mail; an ordinary meeting in 20 days with one resolution (accounts, absolute majority), convened today.
 */
export async function conveneTilleuls(admin: AdminClient): Promise<ConvenedMeeting> {
  const { call } = admin;
  const org = (await call('POST', '/organizations', { name: 'Syndic Dupont', kind: 'syndic_office', adminEmail: admin.creds.email })).id as string;
  const o = `/orgs/${org}`;
  const buildingId = (await call('POST', `${o}/buildings`, { name: 'Résidence Les Tilleuls', totalShares: 1000, language: 'fr',
    address: { street: 'Rue des Tilleuls 12', postalCode: '1050', city: 'Ixelles' } })).id as string;
  const b = `${o}/buildings/${buildingId}`;
  const owners = {} as ConvenedMeeting['owners'];
  for (const [name, shares, language] of [['Dubois', 500, 'fr'], ['Peeters', 300, 'nl'], ['Weber', 200, 'de']] as const) {
    const email = `${name.toLowerCase()}@example.org`;
    const person = await call('POST', `${o}/persons`, { kind: 'natural', firstName: 'A', lastName: name, email, language,
      emailConsent: { givenOn: '2024-01-01', proof: 'Formulaire signé' } });
    const lot = await call('POST', `${b}/lots`, { number: name.slice(0, 2).toUpperCase(), kind: 'apartment', shares });
    await call('POST', `${b}/lots/${lot.id}/holdings`, { validFrom: '2020-01-01', holdings: [{ personId: person.id, right: 'full', part: { numerator: 1, denominator: 1 } }] });
    owners[name] = { id: person.id, email };
  }
  const meetingDate = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const m = await call('POST', `${b}/meetings`, { kind: 'ordinary', meetingDate, startTime: '19:00', place: 'Salle des fêtes, Ixelles',
    remoteLink: 'https://meet.example.org/tilleuls' });
  const mm = `${b}/meetings/${m.id}`;
  await call('POST', `${mm}/agenda-items`, { title: 'Approbation des comptes 2029', decisionType: 'accounts_budget', draftResolution: 'Les comptes sont approuvés.' });
  const convocation = await call('POST', `${mm}/convocations`);
  return { org, building: b, buildingId, meetingId: m.id, meeting: mm, owners, convocation };
}
