import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { deliveryWorld, pdfAttachment, type DeliveryWorld } from './delivery.fixture.ts';
import { sendDelivery } from './delivery.mail.ts';

/**
 * E-mail through a real SMTP server (smtp-server on 127.0.0.1, port 0, authentication optional)
 * and a real pg-boss worker. The server answers by recipient:
 *   tempfail-*  451 on the first RCPT, then accepts (transient: the job retries)
 *   reject-*    550 always (permanent: the delivery fails, no retry)
 *   anything else: accepted.
 */

interface Received { rcpt: string[]; raw: Buffer }
const received: Received[] = [];
const rcptSeen = new Map<string, number>();
const server = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
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
      received.push({ rcpt: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
      cb(null);
    });
  },
});
const to = (addr: string) => received.filter((m) => m.rcpt.includes(addr));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The decoded body of the MIME part whose headers name `filename` (base64, as MailComposer encodes binary parts). */
function attachmentOf(raw: Buffer, filename: string): Buffer {
  const text = raw.toString('latin1');
  const at = text.indexOf(`filename=${filename}`);
  const start = text.indexOf('\r\n\r\n', at) + 4;
  const end = text.indexOf('\r\n--', start);
  return Buffer.from(text.slice(start, end).replace(/\s+/g, ''), 'base64');
}

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
    expect(d).toMatchObject({ transport: 'smtp', attempts: 1, lastError: null });
    const [msg, ...more] = to('alice@example.test');
    expect(more).toHaveLength(0);
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
    expect(rcptSeen.get('tempfail-bob@example.test')).toBe(2);
    expect(to('tempfail-bob@example.test')).toHaveLength(1);
  });

  it('marks a 5xx rejection failed at once, and a retry queues it again', async () => {
    const person = await w.person({ email: 'reject-carol@example.test', consent: true });
    const q = await w.queue(person);
    const d = await w.waitFor(q.id, (x) => x.status === 'failed');
    expect(d.attempts).toBe(1);
    expect(d.lastError).toMatch(/550/);
    expect(to('reject-carol@example.test')).toHaveLength(0);
    const again = await w.api.post(`/deliveries/${q.id}/retry`);
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('queued');
    // The server still refuses: a second permanent failure, attempts 1 + 1 = 2.
    const d2 = await w.waitFor(q.id, (x) => x.status === 'failed' && x.attempts === 2);
    expect(d2.lastError).toMatch(/550/);
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
