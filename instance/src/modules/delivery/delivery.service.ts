import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PgBoss } from 'pg-boss';
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { resolvePage, type PageRequest } from '../../platform/pagination.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { canRetry, chooseChannel, DELIVERY_PURPOSES, type Channel, type DeliveryPurpose } from './delivery.domain.ts';
import { composeMime, enqueueSend } from './delivery.mail.ts';
import * as repo from './delivery.repo.ts';

export interface Attachment { filename: string; contentType: string; content: Buffer }

/** What another module asks to deliver to one person, inside its own transaction. */
export interface DeliveryRequest {
  organizationId: string;
  buildingId: string;
  personId: string;
  purpose: DeliveryPurpose;
  subject: string;
  text: string;
  html?: string | undefined;
  attachments: Attachment[];
  related: { type: string; id: string };
  /** By post whatever the person's e-mail acceptance (e.g. a registered letter). */
  postOnly?: boolean | undefined;
}

export interface QueueDeps { clock: Clock; config: Config; boss: PgBoss | null }

const ENTITY = 'delivery';
const fail = (code: string, message: string, field: string) => new AppError(code, message, { field });

function validate(r: DeliveryRequest, actor: ActorCtx): void {
  if (r.organizationId !== actor.organizationId) throw fail('delivery.organization_mismatch', 'The delivery belongs to the acting organization', 'organizationId');
  if (!(DELIVERY_PURPOSES as readonly string[]).includes(r.purpose)) throw fail('delivery.purpose_invalid', 'Unknown purpose', 'purpose');
  if (!r.subject.trim() || r.subject.length > 500) throw fail('delivery.subject_invalid', 'A subject of 1 to 500 characters', 'subject');
  if (!r.related.type || r.related.type.length > 100) throw fail('delivery.related_invalid', 'A related type of 1 to 100 characters', 'related.type');
  for (const [i, a] of r.attachments.entries()) {
    if (!a.filename || a.filename.length > 255 || /[\\/\r\n]/.test(a.filename)) {
      throw fail('delivery.attachment_invalid', 'An attachment needs a plain file name (1 to 255 characters)', `attachments.${i}.filename`);
    }
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(a.contentType)) throw fail('delivery.attachment_invalid', 'Not a MIME type', `attachments.${i}.contentType`);
  }
}

/**
 * Queues one message to one person, in the caller's transaction: picks the channel (e-mail only with
 * an address and an active written acceptance on today's date, else post), archives every attachment
 * and, for e-mail, the rendered MIME message (the exact bytes the worker will send), writes the
 * delivery row and, for e-mail, enqueues the `delivery.send` job in the same transaction (pg-boss
 * `db` option): the job exists if and only if the transaction commits.
 */
export async function queueDelivery(tx: Db, deps: QueueDeps, r: DeliveryRequest, actor: ActorCtx): Promise<{ id: string; channel: Channel }> {
  validate(r, actor);
  const org = actor.organizationId;
  if (!(await repo.buildingExists(tx, org, r.buildingId))) throw new AppError('building.not_found', 'Building not found', { id: r.buildingId });
  const person = await repo.findRecipient(tx, org, r.personId);
  if (!person) throw new AppError('person.not_found', 'Person not found', { id: r.personId });
  const at = deps.clock.now();
  const channel = r.postOnly ? 'post' : chooseChannel(person, deps.clock.today());
  if (channel === 'post' && !person.address) {
    throw new AppError('delivery.address_missing', 'This person accepts no e-mail and has no postal address', { field: 'personId', personId: r.personId });
  }
  const id = randomUUID();
  const base = { organizationId: org, buildingId: r.buildingId, personId: r.personId, related: r.related };
  const attachmentIds: string[] = [];
  for (const a of r.attachments) {
    const doc = await repo.archiveDocument(tx, { ...base, kind: 'attachment', filename: a.filename, contentType: a.contentType, content: a.content }, at);
    attachmentIds.push(doc.id);
  }
  let messageDocumentId: string | null = null;
  if (channel === 'email') {
    const mime = await composeMime({ id, from: deps.config.mail.from, to: { name: person.name, address: person.email! }, date: at,
      subject: r.subject, text: r.text, html: r.html, attachments: r.attachments });
    messageDocumentId = (await repo.archiveDocument(tx, { ...base, kind: 'email', filename: `${id}.eml`, contentType: 'message/rfc822', content: mime }, at)).id;
  }
  await repo.insertDelivery(tx, {
    ...base, id, purpose: r.purpose, channel, subject: r.subject, text: r.text,
    recipientEmail: channel === 'email' ? person.email : null, messageDocumentId, postalAddress: channel === 'post' ? person.address : null,
  }, attachmentIds, at);
  await audit(tx, actor, at, 'delivery.queued', { type: ENTITY, id }, {
    buildingId: r.buildingId, personId: r.personId, channel, purpose: r.purpose, related: r.related, attachments: attachmentIds.length,
  });
  if (channel === 'email' && deps.boss) await enqueueSend(deps.boss, tx, { organizationId: org, deliveryId: id }, id);
  return { id, channel };
}

export type DeliveryView = repo.DeliveryRow & { attachments: repo.AttachmentRow[]; sendAttempts: repo.AttemptLogRow[] };

async function withAttachments(db: Db, orgId: string, rows: repo.DeliveryRow[]): Promise<DeliveryView[]> {
  const ids = rows.map((r) => r.id);
  const [atts, attempts] = [await repo.attachmentsOf(db, orgId, ids), await repo.attemptsOf(db, orgId, ids)];
  return rows.map((r) => ({ ...r, attachments: atts.get(r.id) ?? [], sendAttempts: attempts.get(r.id) ?? [] }));
}

const notFound = (id: string) => new AppError('delivery.not_found', 'Delivery not found', { id });

/** A delivery the caller may see (its building is in `scope`), or 404. */
export async function getDelivery(deps: RegisterDeps, ctx: ActorCtx, id: string, scope: 'all' | string[]): Promise<DeliveryView> {
  const d = await repo.findDelivery(deps.sql, ctx.organizationId, id);
  if (!d || (scope !== 'all' && !scope.includes(d.buildingId))) throw notFound(id);
  return (await withAttachments(deps.sql, ctx.organizationId, [d]))[0]!;
}

export async function listDeliveries(deps: RegisterDeps, ctx: ActorCtx, q: PageRequest & Omit<repo.DeliveryFilter, 'scope'>,
  scope: 'all' | string[]) {
  const page = resolvePage(repo.DELIVERY_SORTS, { ...q, sort: '-createdAt' }, '-createdAt');
  const r = await repo.listDeliveries(deps.sql, ctx.organizationId, { ...q, scope }, page);
  return { items: await withAttachments(deps.sql, ctx.organizationId, r.rows), total: r.total, nextCursor: r.nextCursor };
}

/** A failed e-mail goes back to queued and gets a new send job (a fresh job id: the first job is spent). */
export async function retryDelivery(deps: RegisterDeps & { boss: PgBoss | null }, ctx: ActorCtx, id: string, scope: 'all' | string[]): Promise<DeliveryView> {
  await inTx(deps, async (tx) => {
    const d = await repo.findDelivery(tx, ctx.organizationId, id, true);
    if (!d || (scope !== 'all' && !scope.includes(d.buildingId))) throw notFound(id);
    if (!canRetry(d.status, d.channel)) {
      throw new AppError('delivery.illegal_transition', 'Only a failed e-mail can be retried', { id, status: d.status, channel: d.channel });
    }
    if (!deps.boss) throw new AppError('delivery.no_worker', 'This instance runs no job worker: nothing would send it', { id });
    const at = deps.clock.now();
    await repo.requeue(tx, ctx.organizationId, id, at);
    await audit(tx, ctx, at, 'delivery.retried', { type: ENTITY, id }, { attempts: d.attempts });
    await enqueueSend(deps.boss, tx, { organizationId: ctx.organizationId, deliveryId: id }, randomUUID());
  });
  return getDelivery(deps, ctx, id, scope);
}

/** The messages written to OUTBOX_DIR, with their delivery id, newest first. */
export async function listOutbox(deps: RegisterDeps & { config: Config }, ctx: ActorCtx, scope: 'all' | string[]) {
  const rows = await repo.outboxOf(deps.sql, ctx.organizationId, scope);
  return rows.map((r) => ({ ...r, present: existsSync(join(deps.config.mail.outboxDir, r.fileName)) }));
}
