import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepPendingDeliveries } from './notifications.jobs.ts';
import { publishEvent } from './notifications.service.ts';
import { seal, webhookContext } from './secret-box.ts';
import { sealClearSecrets } from './webhooks.service.ts';
import { eventually, notificationHarness } from './notifications.test-fixture.ts';

const h = await notificationHarness();
const { orgA, orgB, adminA, ownerA, adminB, publish, api } = h;

/** A webhook receiver on 127.0.0.1:0: answers with the next queued status (200 once the queue is empty). */
const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
const statuses = new Map<string, number[]>();
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
  req.on('end', () => {
    received.push({ path: req.url ?? '', headers: req.headers, body });
    res.statusCode = statuses.get(req.url ?? '')?.shift() ?? 200;
    res.end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));
const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

/** What a receiver does: recompute the HMAC of "<t>.<raw body>" and compare in constant time. */
function signatureValid(secret: string, header: string | undefined, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}

const createHook = async (path: string, eventTypes: string[], actor = adminA, orgId = orgA.id) => {
  const res = await api(actor, orgId).post('/webhooks', { url: `${base}${path}`, eventTypes });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; secret: string };
};
const deliveries = async (id: string) => (await api(adminA).get(`/webhooks/${id}/deliveries`)).json();

describe('outgoing webhooks', () => {
  it('delivers a signed event to the subscribed webhooks of its organization only', async () => {
    const hook = await createHook('/ok', ['reminder.approved']);
    expect(hook.secret).toMatch(/^whsec_/);
    await createHook('/other-type', ['reminder.sent']);
    await createHook('/other-org', ['*'], adminB, orgB.id);
    const { eventId } = await publish({ organizationId: orgA.id, type: 'reminder.approved', payload: { debtCents: 5000 }, recipients: 'none' });
    const got = await eventually(async () => received.find((r) => r.path === '/ok'));
    expect(got.headers['x-koprogo-event-id']).toBe(eventId);
    expect(signatureValid(hook.secret, got.headers['x-koprogo-signature'] as string, got.body)).toBe(true);
    expect(signatureValid('whsec_wrong', got.headers['x-koprogo-signature'] as string, got.body)).toBe(false);
    expect(JSON.parse(got.body)).toMatchObject({ id: eventId, type: 'reminder.approved', organizationId: orgA.id, payload: { debtCents: 5000 } });
    const log = await eventually(async () => { const d = await deliveries(hook.id); return d.items[0]?.status === 'delivered' && d; });
    expect(log).toMatchObject({ total: 1, items: [{ eventId, status: 'delivered', attempts: [{ attempt: 1, statusCode: 200, error: null }] }] });
    // The other webhooks were never called (a short wait for any stray delivery).
    await new Promise((r) => setTimeout(r, 1000));
    expect(received.map((r) => r.path)).toEqual(['/ok']);
  });

  it('retries after a 500, with the same event id, and logs both attempts', async () => {
    const hook = await createHook('/flaky', ['test.retry']);
    statuses.set('/flaky', [500]);
    const { eventId } = await publish({ organizationId: orgA.id, type: 'test.retry', payload: {}, recipients: 'none' });
    const log = await eventually(async () => { const d = await deliveries(hook.id); return d.items[0]?.status === 'delivered' && d; }, 20_000);
    expect(log.items[0].attempts).toMatchObject([{ attempt: 1, statusCode: 500, error: 'HTTP 500' }, { attempt: 2, statusCode: 200, error: null }]);
    const calls = received.filter((r) => r.path === '/flaky');
    expect(calls.map((c) => c.headers['x-koprogo-event-id'])).toEqual([eventId, eventId]);
    expect(calls.every((c) => signatureValid(hook.secret, c.headers['x-koprogo-signature'] as string, c.body))).toBe(true);
  }, 30_000);

  it('queues nothing when the publishing transaction rolls back', async () => {
    const hook = await createHook('/rolled-back', ['test.rollback']);
    await h.t.deps.sql.begin(async (tx) => {
      await publishEvent(tx, h.t.deps, { organizationId: orgA.id, type: 'test.rollback', payload: {}, recipients: 'none' },
        { organizationId: orgA.id, actorUserId: adminA.userId, requestId: null });
      throw new Error('rollback');
    }).catch(() => {});
    const [jobs] = await h.t.deps.sql<{ n: number }[]>`select count(*)::int as n from pgboss.job where name = 'webhook.deliver'
      and data->>'organizationId' = ${orgA.id} and state <> 'completed'`;
    expect(jobs!.n).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await deliveries(hook.id)).total).toBe(0);
    expect(received.some((r) => r.path === '/rolled-back')).toBe(false);
  });

  it('lists and deletes webhooks, and a deleted one gets nothing more', async () => {
    const hook = await createHook('/deleted', ['test.after_delete']);
    const list = (await api(adminA).get('/webhooks')).json();
    expect(list.items.map((w: { id: string }) => w.id)).toContain(hook.id);
    expect(JSON.stringify(list)).not.toContain(hook.secret);
    expect((await api(adminA).del(`/webhooks/${hook.id}`)).statusCode).toBe(204);
    expect((await api(adminA).del(`/webhooks/${hook.id}`)).json().error.code).toBe('webhook.not_found');
    expect((await api(adminA).get(`/webhooks/${hook.id}/deliveries`)).statusCode).toBe(404);
    const r = await publish({ organizationId: orgA.id, type: 'test.after_delete', payload: {}, recipients: 'none' });
    expect(r.deliveries).toBe(0);
    const audit = await h.t.deps.sql<{ action: string }[]>`select action from audit_log where entity_id = ${hook.id} order by id`;
    expect(audit.map((a) => a.action)).toEqual(['webhook.created', 'webhook.deleted']);
  });

  it('keeps secrets sealed at rest, seals legacy clear ones at start-up, and fails at once on a foreign key', async () => {
    const hook = await createHook('/sealed', ['test.sealed']);
    const [row] = await h.t.deps.sql<{ secret: string }[]>`select secret from webhooks where id = ${hook.id}`;
    expect(row!.secret).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(row!.secret).not.toContain(hook.secret.slice(6));
    // A webhook written before secrets were sealed: the start-up step seals it, and its receiver's secret still verifies.
    const legacyId = crypto.randomUUID();
    await h.t.deps.sql`insert into webhooks (id, organization_id, url, secret, event_types, created_at)
      values (${legacyId}, ${orgA.id}, ${`${base}/legacy`}, 'whsec_legacy', ${['test.sealed']}, now())`;
    expect(await sealClearSecrets(h.t.deps)).toBe(1);
    expect(await sealClearSecrets(h.t.deps)).toBe(0);
    const [legacy] = await h.t.deps.sql<{ secret: string }[]>`select secret from webhooks where id = ${legacyId}`;
    expect(legacy!.secret).toMatch(/^v1:/);
    // A secret sealed under another key (SECRETS_KEY changed): no retry can help, the delivery fails with the reason.
    const foreignId = crypto.randomUUID();
    await h.t.deps.sql`insert into webhooks (id, organization_id, url, secret, event_types, created_at)
      values (${foreignId}, ${orgA.id}, ${`${base}/foreign`}, ${seal(randomBytes(32), 'whsec_x', webhookContext(orgA.id, foreignId))}, ${['test.sealed']}, now())`;
    await publish({ organizationId: orgA.id, type: 'test.sealed', payload: {}, recipients: 'none' });
    const sealed = await eventually(async () => received.find((r) => r.path === '/sealed'));
    expect(signatureValid(hook.secret, sealed.headers['x-koprogo-signature'] as string, sealed.body)).toBe(true);
    const old = await eventually(async () => received.find((r) => r.path === '/legacy'));
    expect(signatureValid('whsec_legacy', old.headers['x-koprogo-signature'] as string, old.body)).toBe(true);
    const log = await eventually(async () => { const d = (await api(adminA).get(`/webhooks/${foreignId}/deliveries`)).json(); return d.items[0]?.status === 'failed' && d; });
    expect(log.items[0].attempts).toMatchObject([{ statusCode: null, error: expect.stringMatching(/SecretKeyMismatch: .*SECRETS_KEY/) }]);
    expect(received.some((r) => r.path === '/foreign')).toBe(false);
  });

  it('queues deliveries recorded while no job queue ran (the sweep run at start-up and every 5 minutes), once', async () => {
    const hook = await createHook('/swept', ['test.swept']);
    await h.t.deps.sql.begin((tx) => publishEvent(tx, { ...h.t.deps, boss: null }, { organizationId: orgA.id, type: 'test.swept', payload: {}, recipients: 'none' },
      { organizationId: orgA.id, actorUserId: adminA.userId, requestId: null }));
    const [d] = (await deliveries(hook.id)).items;
    expect(d).toMatchObject({ status: 'pending', attempts: [] }); // recorded, no job
    // (The scheduled sweep may beat this call to it: either way, exactly one job results.)
    await sweepPendingDeliveries(h.t.deps);
    expect(await sweepPendingDeliveries(h.t.deps)).toBe(0);
    const [jobs] = await h.t.deps.sql<{ n: number }[]>`select count(*)::int as n from pgboss.job where name = 'webhook.deliver' and data->>'deliveryId' = ${d.id}`;
    expect(jobs!.n).toBe(1);
    await eventually(async () => { const d = await deliveries(hook.id); return d.items[0]?.status === 'delivered'; });
    expect(received.filter((r) => r.path === '/swept')).toHaveLength(1);
  });

  it('is for admins only, per organization, and refuses bad input without a 500', async () => {
    expect((await api(ownerA).get('/webhooks')).statusCode).toBe(403);
    expect((await api(ownerA).post('/webhooks', { url: `${base}/x`, eventTypes: ['a.b'] })).json().error.code).toBe('auth.forbidden');
    const hook = await createHook('/tenant', ['a.b']);
    expect((await api(adminB, orgB.id).del(`/webhooks/${hook.id}`)).json().error.code).toBe('webhook.not_found');
    expect((await api(adminB, orgB.id).get(`/webhooks/${hook.id}/deliveries`)).statusCode).toBe(404);
    for (const body of [{ url: 'ftp://example.test/x', eventTypes: ['a.b'] }, { url: 'not a url', eventTypes: ['a.b'] },
      { url: `${base}/x`, eventTypes: [] }, { url: `${base}/x`, eventTypes: ['Not A Type'] }, {}]) {
      const res = await api(adminA).post('/webhooks', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await api(adminA).get(`/webhooks/${hook.id}/deliveries?cursor=zzz`)).statusCode).toBe(400);
  });
});
