import type { AddressInfo } from 'node:net';
import { createActor, createOrganization, type Actor } from '../../../test/support/actors.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { EventInput } from './notifications.domain.ts';
import { publishEvent } from './notifications.service.ts';

/**
 * Two organizations with an admin and an owner each, on an app with real pg-boss, listening on 127.0.0.1:0.
 * Webhook receivers of these tests listen on loopback: allowed by default here, refused in production (webhooks.address.int.test.ts).
 */
export async function notificationHarness(env: Record<string, string> = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }) {
  const t: TestApp = await createTestApp({ withJobs: true, env });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (t.app.server.address() as AddressInfo).port;
  const orgA = await createOrganization(t.deps, 'A');
  const orgB = await createOrganization(t.deps, 'B');
  const adminA = await createActor(t.deps, { organizationId: orgA.id, grants: [{ role: 'admin' }] });
  const ownerA = await createActor(t.deps, { organizationId: orgA.id, grants: [{ role: 'owner' }] });
  const adminB = await createActor(t.deps, { organizationId: orgB.id, grants: [{ role: 'admin' }] });
  /** Publishes as another module would: inside its own transaction. */
  const publish = (e: EventInput, actor: Actor = adminA) =>
    t.deps.sql.begin((tx) => publishEvent(tx, t.deps, e, { organizationId: e.organizationId, actorUserId: actor.userId, requestId: null }));
  const api = (actor: Actor, orgId = orgA.id) => ({
    get: (url: string) => t.app.inject({ method: 'GET', url: `/api/v1/orgs/${orgId}${url}`, headers: actor.headers }),
    post: (url: string, payload?: object) => t.app.inject({ method: 'POST', url: `/api/v1/orgs/${orgId}${url}`, headers: actor.headers,
      ...(payload ? { payload } : {}) }),
    del: (url: string) => t.app.inject({ method: 'DELETE', url: `/api/v1/orgs/${orgId}${url}`, headers: actor.headers }),
  });
  return { t, port, orgA, orgB, adminA, ownerA, adminB, publish, api };
}

/** Polls `fn` every 100 ms until it returns a truthy value, or fails after `ms`. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
