import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PgBoss } from 'pg-boss';
import type { Transporter } from 'nodemailer';
import type { Db } from '../../platform/db.ts';
import type { Deps } from '../../platform/deps.ts';
import { audit, type ActorCtx } from '../buildings/use-case.ts';
import { classifySmtpFailure, errorText, isPermanentSmtpFailure, smtpReplyOf } from './delivery.domain.ts';
import { applyBounce } from './delivery.bounce.ts';
import * as repo from './delivery.repo.ts';
import { inTransaction } from '../../platform/queue.ts';

/** E-mail rendering (MailComposer), the send job and the worker's one send. */

export const SEND_QUEUE = 'delivery.send';
export interface SendJob { organizationId: string; deliveryId: string }

export interface MimeInput {
  id: string; from: string; to: { name: string; address: string }; date: Date; subject: string; text: string;
  html?: string | undefined; attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
}

/** The MIME message, built once: its bytes are archived and sent as they are (the archive hash is the hash of what left). */
export async function composeMime(m: MimeInput): Promise<Buffer> {
  // nodemailer weighs about 20 MB once loaded: instances that send no mail do not pay for it.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composer = new MailComposer({
    from: m.from, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}), date: m.date,
    messageId: `<${m.id}@koprogo>`, headers: { 'X-KoproGo-Delivery': m.id },
    attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
  });
  // SMTP sends lines ending in CRLF: bare LFs (e.g. in the text part) are normalised here, so the
  // archived bytes are the bytes the server receives. The message is 7-bit (QP/base64), latin1 is lossless.
  const built = await composer.compile().build();
  return Buffer.from(built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

export async function enqueueSend(boss: PgBoss, tx: Db | null, job: SendJob, jobId: string): Promise<void> {
  await boss.send(SEND_QUEUE, job, { id: jobId, ...(tx ? { db: inTransaction(tx) } : {}) });
}

const transports = new Map<string, Transporter>();
async function transportFor(url: string): Promise<Transporter> {
  let t = transports.get(url);
  if (!t) {
    const { default: nodemailer } = await import('nodemailer');
    t = nodemailer.createTransport(url);
    transports.set(url, t);
  }
  return t;
}

/** The bare address of MAIL_FROM, for the SMTP envelope. */
function envelopeFrom(from: string): string {
  const m = /<([^>]+)>/.exec(from);
  return (m ? m[1]! : from).trim();
}

export type SendOutcome = 'sent' | 'skipped' | 'failed' | 'bounced' | 'retry';

/**
 * Sends one queued e-mail at most once: the row is locked (`for update`) for the whole send and
 * only a `queued` row is sent, so a second run of the job (or a concurrent one) waits, then sees
 * `sent` and does nothing. Every attempt is logged (delivery_attempts). A 5xx at RCPT TO / DATA is a
 * bounce (delivery.bounce.ts: recorded, postal fallback, never retried); a 5xx elsewhere, or any
 * failure on the last attempt, marks it failed; a 4xx or a network error is recorded and thrown
 * after commit so pg-boss retries it with backoff.
 * (The one gap: the SMTP server accepted but the commit failed; then a retry sends it again.)
 */
export async function sendDelivery(deps: Pick<Deps, 'sql' | 'clock' | 'config'> & { boss?: PgBoss | null }, job: SendJob,
  lastAttempt: boolean): Promise<SendOutcome> {
  const ctx: ActorCtx = { organizationId: job.organizationId, actorUserId: null, requestId: null };
  let retryError: unknown = null;
  const outcome = await deps.sql.begin(async (tx): Promise<SendOutcome> => {
    const d = await repo.findDelivery(tx, job.organizationId, job.deliveryId, true);
    if (!d || d.channel !== 'email' || d.status !== 'queued') return 'skipped';
    const raw = await repo.documentContent(tx, job.organizationId, d.messageDocumentId!);
    const attempts = d.attempts + 1;
    const entity = { type: 'delivery', id: d.id };
    try {
      const url = deps.config.mail.smtpUrl;
      let sent: { transport: 'smtp' | 'outbox'; outboxFile: string | null; providerMessageId: string | null };
      if (url) {
        // ENVID = the delivery id: a DSN that comes back names it (Original-Envelope-Id), when the server speaks DSN.
        const info = await (await transportFor(url)).sendMail({
          envelope: { from: envelopeFrom(deps.config.mail.from), to: [d.recipientEmail!] }, raw: raw!,
          dsn: { id: d.id, return: 'headers', notify: ['failure'], recipient: d.recipientEmail! },
        });
        sent = { transport: 'smtp', outboxFile: null, providerMessageId: String(info.response ?? info.messageId ?? '').slice(0, 500) || null };
      } else {
        const fileName = `${d.id}.eml`;
        await mkdir(deps.config.mail.outboxDir, { recursive: true });
        const target = join(deps.config.mail.outboxDir, fileName);
        await writeFile(`${target}.tmp`, raw!);
        await rename(`${target}.tmp`, target);
        sent = { transport: 'outbox', outboxFile: fileName, providerMessageId: null };
      }
      const at = deps.clock.now();
      await repo.markSent(tx, job.organizationId, d.id, { attempts, ...sent }, at);
      await repo.insertAttempt(tx, job.organizationId, d.id, { attempt: attempts, outcome: 'sent', smtpCode: null, smtpCommand: null, error: null }, at);
      await audit(tx, ctx, at, 'delivery.sent', entity, { transport: sent.transport, attempts });
      return 'sent';
    } catch (err) {
      const kind = classifySmtpFailure(err, lastAttempt);
      const reply = smtpReplyOf(err);
      const at = deps.clock.now();
      await repo.insertAttempt(tx, job.organizationId, d.id, { attempt: attempts, outcome: kind, smtpCode: reply.code, smtpCommand: reply.command,
        error: errorText(err) }, at);
      if (kind === 'bounced') {
        await applyBounce(tx, { clock: deps.clock, boss: deps.boss ?? null }, d,
          { source: 'smtp', smtpCode: reply.code, status: enhancedStatusOf(errorText(err)), reason: errorText(err) }, attempts, ctx);
        return 'bounced';
      }
      await repo.recordFailure(tx, job.organizationId, d.id, attempts, errorText(err), kind === 'failed', at);
      if (kind === 'failed') {
        await audit(tx, ctx, at, 'delivery.failed', entity, { attempts, permanent: isPermanentSmtpFailure(err), smtpCode: reply.code });
        return 'failed';
      }
      retryError = err;
      return 'retry';
    }
  });
  if (outcome === 'retry') throw retryError instanceof Error ? retryError : new Error(String(retryError));
  return outcome;
}

/** The enhanced status code (RFC 3463) in an SMTP reply text such as "550 5.1.1 No such user", if any. */
function enhancedStatusOf(text: string): string | null {
  return /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1] ?? null;
}
