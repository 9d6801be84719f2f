import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { seal, secretsKeyOf, webhookContext } from './secret-box.ts';
import { eventually, notificationHarness } from './notifications.test-fixture.ts';
import { deliverOnce } from './webhooks.service.ts';

// The production default: WEBHOOK_ALLOW_PRIVATE_ADDRESSES unset.
const h = await notificationHarness({});
const { orgA, adminA, publish, api } = h;

/** A receiver on loopback that must never be called. */
const hits: string[] = [];
const receiver = createServer((req, res) => { hits.push(req.url ?? ''); res.end(); });
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));
const port = (receiver.address() as AddressInfo).port;

describe('webhook targets: public addresses only', () => {
  it('refuses private, loopback, link-local, unique-local and multicast targets at creation, in every spelling', async () => {
    const refused = ['http://127.0.0.1/x', `http://127.0.0.1:${port}/x`, 'http://2130706433/', 'http://0x7f.1/', 'http://017700000001/',
      'http://127.1/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[0:0:0:0:0:ffff:a00:1]/',
      'http://localhost/', 'http://LOCALHOST./', 'http://api.localhost/', 'http://0.0.0.0/', 'http://10.1.2.3/', 'http://172.16.0.1/',
      'http://192.168.1.1/', 'http://100.64.0.1/', 'https://169.254.169.254/latest/meta-data', 'http://[fe80::1]/', 'http://[fd12:3456::1]/',
      'http://224.0.0.1/', 'http://[ff02::1]/', 'http://[64:ff9b::a00:1]/', 'http://[2002:c0a8:101::1]/', 'http://[::]/'];
    for (const url of refused) {
      const res = await api(adminA).post('/webhooks', { url, eventTypes: ['a.b'] });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().error.code, url).toBe('webhook.private_address');
    }
    // Public literals, and a name that does not resolve (yet: every delivery checks again), are accepted.
    for (const url of ['http://93.184.215.14/hook', 'http://[2606:4700::1111]/hook', 'https://example.test/hook']) {
      expect((await api(adminA).post('/webhooks', { url, eventTypes: ['a.b'] })).statusCode, url).toBe(201);
    }
  });

  it('checks again at delivery: a name now resolving to loopback, or a private literal, is refused and never called', async () => {
    // Rows written as if created while the names pointed elsewhere (or the switch was on).
    const key = secretsKeyOf(h.t.deps.config);
    const ids: string[] = [];
    for (const [i, url] of [`http://localhost:${port}/by-name`, `http://[::ffff:127.0.0.1]:${port}/by-literal`].entries()) {
      const id = crypto.randomUUID();
      ids.push(id);
      await h.t.deps.sql`insert into webhooks (id, organization_id, url, secret, event_types, created_at)
        values (${id}, ${orgA.id}, ${url}, ${seal(key, `whsec_${i}`, webhookContext(orgA.id, id))}, ${['test.rebind']}, now())`;
    }
    await publish({ organizationId: orgA.id, type: 'test.rebind', payload: {}, recipients: 'none' });
    for (const id of ids) {
      const log = await eventually(async () => { const d = (await api(adminA).get(`/webhooks/${id}/deliveries`)).json(); return d.items[0]?.status === 'failed' && d; });
      // Failed at the first attempt: retrying would reach the same address.
      expect(log.items[0].attempts).toHaveLength(1);
      expect(log.items[0].attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/^webhook\.private_address: .*(127\.0\.0\.1|::ffff:7f00:1) \(loopback\)/) });
    }
    expect(hits).toEqual([]);
  });

  it('refuses a name when any one of its addresses is private', async () => {
    const res = await api(adminA).post('/webhooks', { url: 'https://mixed.example.test/hook', eventTypes: ['test.mixed'] });
    const hook = res.json();
    const { eventId } = await h.t.deps.sql.begin(async (tx) => {
      const { publishEvent } = await import('./notifications.service.ts');
      // No job: this test runs the one attempt itself, with a resolver answering a public and a private address.
      return publishEvent(tx, { ...h.t.deps, boss: null }, { organizationId: orgA.id, type: 'test.mixed', payload: {}, recipients: 'none' },
        { organizationId: orgA.id, actorUserId: adminA.userId, requestId: null });
    });
    const [d] = await h.t.deps.sql<{ id: string }[]>`select id from webhook_deliveries where event_id = ${eventId}`;
    const resolve = async (host: string) => (host === 'mixed.example.test' ? ['93.184.215.14', '10.0.0.7'] : []);
    expect(await deliverOnce({ ...h.t.deps, resolve }, { organizationId: orgA.id, deliveryId: d!.id }, 0)).toBe('refused');
    const log = (await api(adminA).get(`/webhooks/${hook.id}/deliveries`)).json();
    expect(log.items[0]).toMatchObject({ status: 'failed', attempts: [{ error: expect.stringMatching(/10\.0\.0\.7 \(private\)/) }] });
  });
});
