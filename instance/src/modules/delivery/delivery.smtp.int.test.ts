import { createHash } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { deliveryWorld, pdfAttachment, type DeliveryWorld } from './delivery.fixture.ts';
import { sendDelivery } from './delivery.mail.ts';
import { queueDelivery } from './delivery.service.ts';
import { attachmentOf } from '../../../test/support/mime.ts';

/**
 * E-mail through a real SMTP server (smtp-server on 127.0.0.1, port 0, authentication optional)
 * and a real pg-boss worker. The server answers by recipient:
 *   tempfail-*  451 on the first RCPT, then accepts (transient: the job retries)
 *   reject-*    550 at RCPT TO always (a bounce: no retry, postal fallback)
 *   refuse-data-*  accepted at RCPT TO, 554 after DATA (a bounce too)
 *   anything else: accepted.
 */

interface Received { rcpt: string[]; raw: Buffer; envid: string | null }
const received: Received[] = [];
const rcptSeen = new Map<string, number>();
const server = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false, hideDSN: false, // advertise DSN: ENVID reaches us
  onRcptTo(address, _session, cb) {
    const n = (rcptSeen.get(address.address) ?? 0) + 1;
    rcptSeen.set(address.address, n);
    const fail = (code: number, msg: string) => cb(Object.assign(new Error(msg), { responseCode: code }));
    if (address.address.startsWith('tempfail-') && n === 1) return fail(451, 'Try again later');
    if (address.address.startsWith('reject-')) return fail(550, 'No such user here');
    return cb();
  },
  onData(stream, session, cb) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const rcpt = session.envelope.rcptTo.map((r) => r.address);
      if (rcpt.some((a) => a.startsWith('refuse-data-'))) return cb(Object.assign(new Error('5.7.1 Message content rejected'), { responseCode: 554 }));
      const envid = (session.envelope as { dsn?: { envid?: string | null } }).dsn?.envid ?? null;
      received.push({ rcpt, raw: Buffer.concat(chunks), envid });
      cb(null);
    });
  },
});
const to = (addr: string) => received.filter((m) => m.rcpt.some((r) => r.toLowerCase() === addr.toLowerCase()));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let t: TestApp;
let w: DeliveryWorld;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  t = await createTestApp({ withJobs: true, env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'ACP Tilleuls <syndic@example.test>' } });
  w = await deliveryWorld(t);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('e-mail delivery through SMTP', () => {
  it('sends an e-mail with its PDF attachment, byte for byte, and archives the exact bytes sent', async () => {
    const person = await w.person({ email: 'alice@example.test', consent: true });
    const pdf = await pdfAttachment('convocation.pdf', 2);
    const q = await w.queue(person, { purpose: 'convocation', attachments: [pdf] });
    expect(q.channel).toBe('email');
    const d = await w.waitFor(q.id, (x) => x.status === 'sent');
    expect(d).toMatchObject({ transport: 'smtp', attempts: 1, lastError: null, bounce: null, fallbackDeliveryId: null,
      sendAttempts: [{ attempt: 1, outcome: 'sent', smtpCode: null, error: null }] });
    const [msg, ...more] = to('alice@example.test');
    expect(more).toHaveLength(0);
    // The envelope id (DSN ENVID) is the delivery id: a later bounce report names it.
    expect(msg!.envid).toBe(q.id);
    expect(attachmentOf(msg!.raw, 'convocation.pdf').equals(pdf.content)).toBe(true);
    // The archive: the attachment's hash is the hash of its bytes, the message's the hash of what the server received.
    expect(d.attachments).toEqual([expect.objectContaining({ filename: 'convocation.pdf', sha256: sha(pdf.content), sizeBytes: pdf.content.length })]);
    expect(d.messageSha256).toBe(sha(msg!.raw));
    const [doc] = await t.db.sql<{ content: Buffer; sha256: string }[]>`
      select a.content, a.sha256 from archived_documents a join deliveries x on x.message_document_id = a.id where x.id = ${q.id}`;
    expect(doc!.sha256).toBe(sha(doc!.content));
    expect(doc!.content.equals(msg!.raw)).toBe(true);
  });

  it('retries after a 4xx and delivers once', async () => {
    const person = await w.person({ email: 'tempfail-bob@example.test', consent: true });
    const q = await w.queue(person);
    const d = await w.waitFor(q.id, (x) => x.status === 'sent');
    // Attempt 1: 451 at RCPT (recorded, job retried after ~1–2 s of backoff); attempt 2: accepted.
    expect(d.attempts).toBe(2);
    expect(d.sendAttempts).toMatchObject([{ attempt: 1, outcome: 'retry', smtpCode: 451, smtpCommand: 'RCPT TO' },
      { attempt: 2, outcome: 'sent', smtpCode: null }]);
    expect(rcptSeen.get('tempfail-bob@example.test')).toBe(2);
    expect(to('tempfail-bob@example.test')).toHaveLength(1);
  });

  it('records a 550 at RCPT TO as a bounce, never retries it, and queues the same letter by post', async () => {
    const person = await w.person({ email: 'reject-carol@example.test', consent: true });
    const pdf = await pdfAttachment('rappel.pdf', 1);
    const q = await w.queue(person, { attachments: [pdf] });
    const d = await w.waitFor(q.id, (x) => x.status === 'bounced');
    expect(d).toMatchObject({ attempts: 1, bounce: { source: 'smtp', smtpCode: 550 }, sendAttempts: [{ attempt: 1, outcome: 'bounced', smtpCode: 550, smtpCommand: 'RCPT TO' }] });
    expect(d.bounce.reason).toMatch(/No such user/);
    expect(to('reject-carol@example.test')).toHaveLength(0);
    // The postal fallback: same letter, same archived attachment, linked both ways.
    const post = (await w.api.get(`/deliveries/${d.fallbackDeliveryId}`)).json();
    expect(post).toMatchObject({ channel: 'post', status: 'queued', subject: d.subject, fallbackOf: q.id, personId: person, related: d.related });
    expect(post.attachments).toEqual(d.attachments);
    // Never retried: neither by pg-boss (the RCPT count stays 1) nor by the retry route.
    await new Promise((r) => setTimeout(r, 2500));
    expect(rcptSeen.get('reject-carol@example.test')).toBe(1);
    expect((await w.api.post(`/deliveries/${q.id}/retry`)).json().error.code).toBe('delivery.illegal_transition');
    // The admins are told (in-app notification), with ids only.
    const [n] = await t.db.sql<{ payload: Record<string, unknown> }[]>`select payload from notifications
      where organization_id = ${w.orgId} and type = 'delivery.bounced' and payload->>'deliveryId' = ${q.id}`;
    expect(n!.payload).toMatchObject({ deliveryId: q.id, smtpCode: 550, fallbackDeliveryId: d.fallbackDeliveryId });
  });

  it('records a 554 after DATA as a bounce; without a postal address there is no fallback', async () => {
    const person = await w.person({ email: 'refuse-data-gina@example.test', consent: true, address: false });
    const q = await w.queue(person);
    const d = await w.waitFor(q.id, (x) => x.status === 'bounced');
    expect(d).toMatchObject({ bounce: { source: 'smtp', smtpCode: 554, status: '5.7.1' }, fallbackDeliveryId: null,
      sendAttempts: [{ outcome: 'bounced', smtpCode: 554, smtpCommand: 'DATA' }] });
  });

  it('records a refused connection as an attempt without SMTP code, retried, then failed on the last attempt', async () => {
    const person = await w.person({ email: 'henri@example.test', consent: true });
    // No job: this test drives the sends itself, against a port where nothing listens.
    const q = await t.deps.sql.begin((tx) => queueDelivery(tx, { ...t.deps, boss: null }, {
      organizationId: w.orgId, buildingId: w.buildingId, personId: person, purpose: 'notice', subject: 'Avis', text: 'x',
      attachments: [], related: { type: 'test', id: person } }, w.ctx));
    const closed = await new Promise<number>((resolve) => {
      const s = createNetServer().listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve(p)); });
    });
    const deps = { ...t.deps, config: { ...t.deps.config, mail: { ...t.deps.config.mail, smtpUrl: `smtp://127.0.0.1:${closed}` } } };
    await expect(sendDelivery(deps, { organizationId: w.orgId, deliveryId: q.id }, false)).rejects.toThrow();
    expect((await w.api.get(`/deliveries/${q.id}`)).json()).toMatchObject({ status: 'queued', attempts: 1,
      sendAttempts: [{ attempt: 1, outcome: 'retry', smtpCode: null }] });
    expect(await sendDelivery(deps, { organizationId: w.orgId, deliveryId: q.id }, true)).toBe('failed');
    const d = (await w.api.get(`/deliveries/${q.id}`)).json();
    expect(d).toMatchObject({ status: 'failed', attempts: 2, bounce: null, fallbackDeliveryId: null });
    expect(d.sendAttempts.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'failed']);
    expect(d.lastError).toMatch(/ECONNREFUSED/);
  });

  it('records a bounce reported later, by hand or as a DSN, once, with a postal fallback', async () => {
    const manual = await w.queue(await w.person({ email: 'ivan@example.test', consent: true }));
    await w.waitFor(manual.id, (x) => x.status === 'sent');
    const r = await w.api.post(`/deliveries/${manual.id}/bounce`, { reason: 'Mailbox full for 30 days, reported by the provider', smtpCode: 552 });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'bounced', bounce: { source: 'manual', smtpCode: 552 }, fallbackDeliveryId: expect.any(String) });
    expect((await w.api.post(`/deliveries/${manual.id}/bounce`, { reason: 'again' })).json().error.code).toBe('delivery.illegal_transition');

    const viaDsn = await w.queue(await w.person({ email: 'Jules@Example.test', consent: true }));
    const sent = await w.waitFor(viaDsn.id, (x) => x.status === 'sent');
    const [msg] = to('Jules@Example.test');
    const headers = msg!.raw.toString('latin1').split('\r\n\r\n')[0]!;
    const dsn = (action: string, status: string, envid = '') => [
      'From: MAILER-DAEMON@mx.example.test', 'To: syndic@example.test', 'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status;', '\tboundary="b0undary"', '',
      'This is a MIME-encapsulated message.', '', '--b0undary', 'Content-Type: text/plain', '', 'Your message could not be delivered.', '',
      '--b0undary', 'Content-Type: message/delivery-status', '',
      'Reporting-MTA: dns; mx.example.test', ...(envid ? [`Original-Envelope-Id: ${envid}`] : []), '',
      'Final-Recipient: rfc822; jules@example.test', `Action: ${action}`, `Status: ${status}`,
      'Diagnostic-Code: smtp; 550 5.1.1 <jules@example.test>: Recipient address rejected:', ' User unknown in virtual mailbox table', '',
      '--b0undary', 'Content-Type: text/rfc822-headers', '', headers, '', '--b0undary--', ''].join('\r\n');
    // A delay report is no bounce; a report naming nothing of ours is refused; garbage is refused.
    expect((await w.api.post('/deliveries/bounces', { dsn: dsn('delayed', '4.4.7') })).json().error.code).toBe('delivery.dsn_not_permanent');
    expect((await w.api.post('/deliveries/bounces', { dsn: 'Subject: hello\r\n\r\nnot a report' })).json().error.code).toBe('delivery.dsn_invalid');
    const foreign = dsn('failed', '5.1.1', '6f1c0c8e-8f3a-4e0b-9a53-0d6d1c9b2a77').replace(/^Message-ID:.*$/im, 'Message-ID: <x@elsewhere>')
      .replace(/^X-KoproGo-Delivery:.*$/im, 'X-Other: 1');
    expect((await w.api.post('/deliveries/bounces', { dsn: foreign })).json().error.code).toBe('delivery.not_found');
    // Another organization cannot bounce it, even with the right report.
    const other = await deliveryWorld(t);
    expect((await other.api.post('/deliveries/bounces', { dsn: dsn('failed', '5.1.1') })).statusCode).toBe(404);
    const ok = await w.api.post('/deliveries/bounces', { dsn: dsn('failed', '5.1.1') });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: viaDsn.id, status: 'bounced', sentAt: sent.sentAt,
      bounce: { source: 'dsn', status: '5.1.1', smtpCode: 550 }, fallbackDeliveryId: expect.any(String) });
    expect(ok.json().bounce.reason).toMatch(/User unknown/);
    // Matched by the envelope id alone, too (a second report of the same bounce is refused, nothing is queued twice).
    const byEnvid = dsn('failed', '5.1.1', viaDsn.id).replace(/^Message-ID:.*$/im, 'Message-ID: <x@elsewhere>').replace(/^X-KoproGo-Delivery:.*$/im, 'X-Other: 1');
    expect((await w.api.post('/deliveries/bounces', { dsn: byEnvid })).json().error.code).toBe('delivery.illegal_transition');
    const [{ n }] = await t.db.sql<{ n: number }[]>`select count(*)::int as n from deliveries where fallback_of = ${viaDsn.id}` as unknown as [{ n: number }];
    expect(n).toBe(1);
  });

  it('never e-mails a person without an active written consent: post', async () => {
    const none = await w.person({ email: 'dave@example.test', consent: false });
    const q = await w.queue(none);
    expect(q.channel).toBe('post');
    const [row] = await t.db.sql`select status, channel, recipient_email from deliveries where id = ${q.id}`;
    expect(row).toEqual({ status: 'queued', channel: 'post', recipient_email: null });
    // No e-mail and no postal address: nothing can reach the person.
    const nowhere = await w.person({ email: 'erin@example.test', consent: false, address: false });
    await expect(w.queue(nowhere)).rejects.toMatchObject({ code: 'delivery.address_missing' });
    // Let the worker run a poll or two: nothing is ever sent to dave.
    await new Promise((r) => setTimeout(r, 1200));
    expect(to('dave@example.test')).toHaveLength(0);
    expect((await w.api.post(`/deliveries/${q.id}/retry`)).statusCode).toBe(409);
  });

  it('sends a delivery once even when its job runs several times', async () => {
    const person = await w.person({ email: 'frank@example.test', consent: true });
    const q = await w.queue(person);
    const job = { organizationId: w.orgId, deliveryId: q.id };
    // Three runs at once (and the worker's own): the row lock lets one send, the others see "sent".
    const outcomes = await Promise.all([sendDelivery(t.deps, job, false), sendDelivery(t.deps, job, false), sendDelivery(t.deps, job, false)]);
    await w.waitFor(q.id, (x) => x.status === 'sent');
    expect(outcomes.filter((o) => o === 'sent').length).toBeLessThanOrEqual(1);
    expect(await sendDelivery(t.deps, job, false)).toBe('skipped');
    await new Promise((r) => setTimeout(r, 1000));
    expect(to('frank@example.test')).toHaveLength(1);
  });

  it('answers bad input without a 500 and keeps tenants apart', async () => {
    expect((await w.api.get('/deliveries?status=lost')).statusCode).toBe(400);
    expect((await w.api.get('/deliveries/not-a-uuid')).statusCode).toBe(400);
    expect((await w.api.get('/deliveries/6f1c0c8e-8f3a-4e0b-9a53-0d6d1c9b2a77')).json().error.code).toBe('delivery.not_found');
    const list = (await w.api.get('/deliveries?channel=email&limit=2')).json();
    expect(list.items).toHaveLength(2);
    expect(list.nextCursor).not.toBeNull();
    const next = (await w.api.get(`/deliveries?channel=email&limit=2&cursor=${list.nextCursor}`)).json();
    expect(next.items[0].id).not.toBe(list.items[1].id);
    const other = await deliveryWorld(t);
    const mine = list.items[0].id;
    expect((await other.api.get(`/deliveries/${mine}`)).statusCode).toBe(404);
    expect((await other.api.post(`/deliveries/${mine}/retry`)).statusCode).toBe(404);
    expect((await other.api.get('/deliveries')).json().total).toBe(0);
    await expect(other.queue(list.items[0].personId)).rejects.toMatchObject({ code: 'person.not_found' });
    await expect(w.queue(list.items[0].personId, { attachments: [{ filename: '../x', contentType: 'application/pdf', content: Buffer.from('x') }] }))
      .rejects.toMatchObject({ code: 'delivery.attachment_invalid' });
  });
});
