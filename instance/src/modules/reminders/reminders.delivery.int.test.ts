import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { createActor, createOrganization } from '../../../test/support/actors.ts';
import { syndicClient } from '../../../test/support/syndic-client.ts';
import { createTestApp } from '../../../test/support/test-app.ts';
import { signAccessToken } from '../auth/tokens.ts';
import { pdfText } from '../calls/pdf-text.fixture.ts';
import { attachmentOf } from '../../../test/support/mime.ts';

/**
 * A sent reminder leaves the instance for real: the e-mail with the letter attached reaches a real
 * SMTP server (smtp-server on 127.0.0.1) through the real pg-boss delivery worker, and the
 * `reminder.sent` event reaches a member over the live-event WebSocket.
 */
const received: { rcpt: string[]; raw: Buffer }[] = [];
const smtp = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
  onData(stream, session, cb) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => { received.push({ rcpt: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) }); cb(null); });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
const smtpPort = (smtp.server.address() as AddressInfo).port;

const t = await createTestApp({ withJobs: true, env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: 'ACP Tilleuls <syndic@example.test>' } });
await t.app.listen({ host: '127.0.0.1', port: 0 });
const port = (t.app.server.address() as AddressInfo).port;
t.clock.set(new Date('2026-01-05T09:00:00Z'), { frozen: true });
const org = await createOrganization(t.deps, 'Syndic Mail SRL');
const syndic = await createActor(t.deps, { organizationId: org.id, grants: [{ role: 'syndic' }] });
const { send, ok, post } = syndicClient(t, org.id, syndic);

async function eventually<T>(fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 15_000): Promise<T> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 100))) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
  }
}

describe('a sent reminder by e-mail and as a live event', () => {
  it('e-mails the letter PDF (the archived bytes) and publishes reminder.sent on the WebSocket', async () => {
    const building = await post('/buildings', { name: 'Résidence Mail', address: { street: 'Rue 2', postalCode: '1000', city: 'Bruxelles' },
      enterpriseNumber: '0123.456.749', totalShares: 100, language: 'fr' }, 201);
    const B = `/buildings/${building.id}`;
    const lot = await post(`${B}/lots`, { number: 'A', kind: 'apartment', shares: 100 }, 201);
    const person = await post('/persons', { kind: 'natural', firstName: 'Piet', lastName: 'Janssens', language: 'nl',
      email: 'piet@example.test', emailConsent: { givenOn: '2025-01-01', proof: 'Formulier' } }, 201);
    await post(`${B}/lots/${lot.id}/holdings`, { validFrom: '2020-01-01', holdings: [{ personId: person.id, right: 'full', part: { numerator: 1, denominator: 1 } }] }, 201);
    await ok(send('PATCH', `${B}/fund-settings`, { currentAccountIban: 'BE68539007547034', reserveAccountIban: 'BE62510007547061' }));
    const call = await post(`${B}/calls`, { fund: 'ordinary', periodLabel: '2026 T1', dueDate: '2026-01-31', totalCents: 25_000 }, 201);
    await post(`${B}/calls/${call.id}/send`);

    t.clock.set(new Date('2026-02-10T09:00:00Z'), { frozen: true });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/orgs/${org.id}/events`);
    const messages: any[] = [];
    ws.addEventListener('message', (m) => messages.push(JSON.parse(String(m.data))));
    await new Promise<void>((resolve, reject) => { ws.addEventListener('open', () => resolve()); ws.addEventListener('error', reject); });
    const token = await signAccessToken(t.deps.secrets.jwtKey, { userId: syndic.userId, sessionId: syndic.sessionId }, t.clock.now(),
      t.deps.config.accessTokenTtlSeconds);
    ws.send(JSON.stringify({ type: 'auth', token }));
    await eventually(() => messages.some((m) => m.type === 'ready'));

    expect(await post(`${B}/reminders/run?asOf=2026-02-10`)).toMatchObject({ drafted: 1 });
    const [draft] = (await ok(send('GET', `${B}/reminders`))).items;
    await post(`${B}/reminders/${draft.id}/approve`);
    const sent = await post(`${B}/reminders/${draft.id}/send`);
    expect(sent).toMatchObject({ state: 'sent', channel: 'electronic', deliveryChannel: 'email' });

    const mail = await eventually(() => received.find((m) => m.rcpt.includes('piet@example.test')));
    const pdf = attachmentOf(mail.raw, `reminder-Gentle-2026-02-10-${sent.structuredCommunication.replace(/\D/g, '')}.pdf`);
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(sent.letterSha256);
    const text = pdfText(pdf);
    // 250.00 € due; announced indemnity: 25 000 ≤ 50 000 → 3 000 + 10 % × (25 000 − 15 000) = 4 000 → € 40,00.
    for (const expected of ['Betalingsherinnering', '€ 250,00', '€ 40,00', 'Deze eerste herinnering is kosteloos.', sent.structuredCommunication]) {
      expect(text).toContain(expected);
    }
    expect(mail.raw.toString('latin1')).toMatch(/Subject: =\?UTF-8\?Q\?Betalingsherinnering|Subject: Betalingsherinnering/);
    const delivery = await eventually(async () => {
      const d = await ok(send('GET', `/deliveries/${sent.deliveryId}`));
      return d.status === 'sent' ? d : null;
    });
    expect(delivery).toMatchObject({ purpose: 'reminder', related: { type: 'debt', id: sent.debtId } });

    const event = await eventually(() => messages.find((m) => m.type === 'event' && m.event.type === 'reminder.sent'));
    expect(event.event).toMatchObject({ organizationId: org.id, payload: { reminderId: sent.id, debtId: sent.debtId, level: 'Gentle',
      totalCents: 25_000, deliveryId: sent.deliveryId, channel: 'email' } });
    const notes = await ok(send('GET', '/notifications'));
    expect(notes.items.map((n: any) => n.type)).toContain('reminder.sent');
    ws.close();
  });
});
