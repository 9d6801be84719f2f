import { createServer } from 'node:net';
import { signRequest } from '@koprogo/federation';
import { createActor, type Actor } from '../../../test/support/actors.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { signingIdentity } from './federation.identity.ts';

/** A federating instance of its own: own cloned database, real pg-boss, listening on a loopback port. */
export interface FedInstance extends TestApp { port: number; url: string; admin: Actor; host: string }

export async function freePort(): Promise<number> {
  return new Promise((done) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

export async function startFedInstance(name: string, env: Record<string, string> = {}, opts: { listen?: boolean } = {}): Promise<FedInstance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ withJobs: opts.listen !== false, env: {
    PUBLIC_URL: url, PORT: String(port), FEDERATION_NAME: name, FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
    FEDERATION_RETRY_DELAY_FACTOR: '0.01', ...env,
  } });
  if (opts.listen !== false) await t.app.listen({ host: '127.0.0.1', port });
  const admin = await createActor(t.deps, { isInstanceAdmin: true });
  return { ...t, port, url, admin, host: `127.0.0.1:${port}` };
}

export const adminCall = (i: FedInstance) => ({
  get: (url: string) => i.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: i.admin.headers }),
  post: (url: string, payload: object = {}) => i.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: i.admin.headers, payload }),
});

export async function currentFingerprint(i: FedInstance): Promise<string> {
  const doc = (await i.app.inject({ method: 'GET', url: '/.well-known/koprogo-federation' })).json();
  return doc.assertionMethod.at(-1).fingerprint;
}

/** `from` pins `to` (the way administrators do it, with the fingerprint compared out of band). */
export async function peer(from: FedInstance, to: FedInstance): Promise<string> {
  const res = await adminCall(from).post('/federation/peers', { url: to.url, fingerprint: await currentFingerprint(to) });
  if (res.statusCode !== 201) throw new Error(`peering failed: ${res.body}`);
  return res.json().id;
}

/** A raw signed POST from `from` to `to`'s inbox, as its delivery worker would send it (or altered). */
export async function signedPost(from: FedInstance, to: FedInstance, body: Buffer, alter: {
  at?: Date; headers?: Record<string, string>; sendBody?: Buffer; identity?: Awaited<ReturnType<typeof signingIdentity>>;
} = {}) {
  const id = alter.identity ?? (await signingIdentity(from.deps));
  const url = `${to.url}/fed/inbox`;
  const headers = await signRequest({ method: 'POST', url, headers: { 'content-type': 'application/activity+json' }, body }, id, alter.at ?? from.deps.clock.now());
  const res = await fetch(url, { method: 'POST', headers: { ...headers, ...alter.headers }, body: alter.sendBody ?? body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text, json: () => JSON.parse(text), sent: headers };
}

export function statsActivity(from: FedInstance, period = '2026-10', extra: Record<string, unknown> = {}) {
  const id = `${from.url}/fed/activities/${crypto.randomUUID()}`;
  return {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://koprogo.org/ns/copro/v1'], id, type: 'Create', actor: `${from.url}/fed/actor`,
    published: from.deps.clock.now().toISOString(),
    object: { type: 'copro:StatsBulletin', id: `${id}#b`, period, buildings: 12, lots: null, owners: 40, softwareVersion: 'test' }, ...extra,
  };
}

export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
