import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';
import type { EmailConsent } from '../persons/persons.domain.ts';
import type { Channel, DeliveryPurpose, DeliveryStatus, PostalAddress } from './delivery.domain.ts';

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface Recipient { id: string; name: string; email: string | null; consent: EmailConsent | null; address: PostalAddress | null }

export async function findRecipient(db: Db, orgId: string, personId: string): Promise<Recipient | null> {
  const [r] = await db<Array<Record<string, string | null>>>`
    select id, display_name, email, email_consent_given_on::text as given, email_consent_proof as proof,
      email_consent_revoked_on::text as revoked, street, postal_code, city, country
    from persons where organization_id = ${orgId} and id = ${personId}`;
  if (!r) return null;
  return {
    id: r.id!, name: r.display_name!, email: r.email ?? null,
    consent: r.given ? { givenOn: r.given, proof: r.proof!, revokedOn: r.revoked ?? null } : null,
    address: r.street ? { name: r.display_name!, street: r.street, postalCode: r.postal_code!, city: r.city!, country: r.country! } : null,
  };
}

export async function buildingExists(db: Db, orgId: string, buildingId: string): Promise<boolean> {
  const rows = await db`select 1 from buildings where organization_id = ${orgId} and id = ${buildingId}`;
  return rows.length > 0;
}

export interface NewDocument {
  organizationId: string; buildingId: string | null; personId: string | null; kind: 'attachment' | 'email' | 'print_batch';
  filename: string; contentType: string; content: Uint8Array; related: { type: string; id: string };
}

/** Archives the exact bytes; returns the id and the SHA-256 (hex) of the bytes. */
export async function archiveDocument(db: Db, d: NewDocument, at: Date): Promise<{ id: string; sha256: string }> {
  const sha256 = sha256Hex(d.content);
  const [r] = await db<{ id: string }[]>`
    insert into archived_documents (organization_id, building_id, person_id, kind, filename, content_type, size_bytes, sha256,
      content, related_type, related_id, created_at)
    values (${d.organizationId}, ${d.buildingId}, ${d.personId}, ${d.kind}, ${d.filename}, ${d.contentType}, ${d.content.length},
      ${sha256}, ${Buffer.from(d.content)}, ${d.related.type}, ${d.related.id}, ${at})
    returning id`;
  return { id: r!.id, sha256 };
}

export async function documentContent(db: Db, orgId: string, id: string): Promise<Buffer | null> {
  const [r] = await db<{ content: Buffer }[]>`select content from archived_documents where organization_id = ${orgId} and id = ${id}`;
  return r ? r.content : null;
}

export interface NewDelivery {
  id: string; organizationId: string; buildingId: string; personId: string; purpose: DeliveryPurpose; channel: Channel;
  subject: string; text: string; recipientEmail: string | null; messageDocumentId: string | null; postalAddress: PostalAddress | null;
  related: { type: string; id: string };
}

export async function insertDelivery(db: Db, d: NewDelivery, attachmentIds: string[], at: Date): Promise<void> {
  await db`insert into deliveries (id, organization_id, building_id, person_id, purpose, channel, status, subject, body_text,
      recipient_email, message_document_id, postal_address, related_type, related_id, created_at, updated_at)
    values (${d.id}, ${d.organizationId}, ${d.buildingId}, ${d.personId}, ${d.purpose}, ${d.channel}, 'queued', ${d.subject}, ${d.text},
      ${d.recipientEmail}, ${d.messageDocumentId}, ${d.postalAddress ? db.json(d.postalAddress as never) : null},
      ${d.related.type}, ${d.related.id}, ${at}, ${at})`;
  for (const [position, documentId] of attachmentIds.entries()) {
    await db`insert into delivery_attachments (organization_id, delivery_id, position, document_id)
      values (${d.organizationId}, ${d.id}, ${position}, ${documentId})`;
  }
}

export interface DeliveryRow {
  id: string; organizationId: string; buildingId: string; personId: string; purpose: DeliveryPurpose; channel: Channel;
  status: DeliveryStatus; subject: string; bodyText: string; recipientEmail: string | null; messageDocumentId: string | null;
  postalAddress: PostalAddress | null; printBatchId: string | null; transport: 'smtp' | 'outbox' | null; outboxFile: string | null;
  attempts: number; lastError: string | null; providerMessageId: string | null; sentAt: Date | null;
  relatedType: string; relatedId: string; createdAt: Date; messageSha256: string | null;
  smtpCode: number | null; bounceStatus: string | null; bounceReason: string | null; bounceSource: 'smtp' | 'dsn' | 'manual' | null;
  bouncedAt: Date | null; fallbackOf: string | null; fallbackDeliveryId: string | null;
}

const COLUMNS = (db: Db) => db`d.id, d.organization_id as "organizationId", d.building_id as "buildingId", d.person_id as "personId",
  d.purpose, d.channel, d.status, d.subject, d.body_text as "bodyText", d.recipient_email as "recipientEmail",
  d.message_document_id as "messageDocumentId", d.postal_address as "postalAddress", d.print_batch_id as "printBatchId",
  d.transport, d.outbox_file as "outboxFile", d.attempts, d.last_error as "lastError", d.provider_message_id as "providerMessageId",
  d.sent_at as "sentAt", d.related_type as "relatedType", d.related_id as "relatedId", d.created_at as "createdAt",
  d.smtp_code as "smtpCode", d.bounce_status as "bounceStatus", d.bounce_reason as "bounceReason", d.bounce_source as "bounceSource",
  d.bounced_at as "bouncedAt", d.fallback_of as "fallbackOf",
  (select f.id from deliveries f where f.organization_id = d.organization_id and f.fallback_of = d.id) as "fallbackDeliveryId",
  (select a.sha256 from archived_documents a where a.organization_id = d.organization_id and a.id = d.message_document_id) as "messageSha256"`;

export async function findDelivery(db: Db, orgId: string, id: string, lock = false): Promise<DeliveryRow | null> {
  const [r] = await db<DeliveryRow[]>`select ${COLUMNS(db)} from deliveries d
    where d.organization_id = ${orgId} and d.id = ${id} ${lock ? db`for update of d` : db``}`;
  return r ?? null;
}

export interface AttachmentRow { documentId: string; filename: string; contentType: string; sizeBytes: number; sha256: string }

export async function attachmentsOf(db: Db, orgId: string, deliveryIds: string[]): Promise<Map<string, AttachmentRow[]>> {
  const rows = await db<(AttachmentRow & { deliveryId: string })[]>`
    select x.delivery_id as "deliveryId", a.id as "documentId", a.filename, a.content_type as "contentType",
      a.size_bytes as "sizeBytes", a.sha256
    from delivery_attachments x join archived_documents a on a.organization_id = x.organization_id and a.id = x.document_id
    where x.organization_id = ${orgId} and x.delivery_id = any(${deliveryIds}::uuid[]) order by x.delivery_id, x.position`;
  const out = new Map<string, AttachmentRow[]>();
  for (const { deliveryId, ...a } of rows) out.set(deliveryId, [...(out.get(deliveryId) ?? []), a]);
  return out;
}

export async function markSent(db: Db, orgId: string, id: string, s: { attempts: number; transport: 'smtp' | 'outbox';
  outboxFile: string | null; providerMessageId: string | null }, at: Date): Promise<void> {
  await db`update deliveries set status = 'sent', attempts = ${s.attempts}, transport = ${s.transport}, outbox_file = ${s.outboxFile},
    provider_message_id = ${s.providerMessageId}, last_error = null, sent_at = ${at}, updated_at = ${at}
    where organization_id = ${orgId} and id = ${id}`;
}

export async function recordFailure(db: Db, orgId: string, id: string, attempts: number, error: string, final: boolean, at: Date): Promise<void> {
  await db`update deliveries set attempts = ${attempts}, last_error = ${error}, updated_at = ${at},
    status = ${final ? 'failed' : 'queued'} where organization_id = ${orgId} and id = ${id}`;
}

/** One send attempt, with the SMTP reply when there was one. */
export async function insertAttempt(db: Db, orgId: string, id: string, a: { attempt: number; outcome: 'sent' | 'retry' | 'failed' | 'bounced';
  smtpCode: number | null; smtpCommand: string | null; error: string | null }, at: Date): Promise<void> {
  await db`insert into delivery_attempts (organization_id, delivery_id, attempt, outcome, smtp_code, smtp_command, error, attempted_at)
    values (${orgId}, ${id}, ${a.attempt}, ${a.outcome}, ${a.smtpCode}, ${a.smtpCommand}, ${a.error?.slice(0, 1000) ?? null}, ${at})
    on conflict (organization_id, delivery_id, attempt) do nothing`;
}

export interface AttemptLogRow { attempt: number; outcome: 'sent' | 'retry' | 'failed' | 'bounced'; smtpCode: number | null; smtpCommand: string | null; error: string | null; attemptedAt: Date }
export async function attemptsOf(db: Db, orgId: string, deliveryIds: string[]): Promise<Map<string, AttemptLogRow[]>> {
  const rows = await db<(AttemptLogRow & { deliveryId: string })[]>`select delivery_id as "deliveryId", attempt, outcome,
      smtp_code as "smtpCode", smtp_command as "smtpCommand", error, attempted_at as "attemptedAt"
    from delivery_attempts where organization_id = ${orgId} and delivery_id = any(${deliveryIds}::uuid[]) order by delivery_id, attempt`;
  const out = new Map<string, AttemptLogRow[]>();
  for (const { deliveryId, ...a } of rows) out.set(deliveryId, [...(out.get(deliveryId) ?? []), a]);
  return out;
}

export interface Bounce { smtpCode: number | null; status: string | null; reason: string; source: 'smtp' | 'dsn' | 'manual' }
export async function markBounced(db: Db, orgId: string, id: string, b: Bounce, attempts: number | null, at: Date): Promise<void> {
  await db`update deliveries set status = 'bounced', smtp_code = ${b.smtpCode}, bounce_status = ${b.status},
      bounce_reason = ${b.reason.slice(0, 1000)}, bounce_source = ${b.source}, bounced_at = ${at}, updated_at = ${at},
      attempts = coalesce(${attempts}::int, attempts), last_error = coalesce(${b.source === 'smtp' ? b.reason.slice(0, 1000) : null}, last_error)
    where organization_id = ${orgId} and id = ${id}`;
}

/** The postal letter that replaces a bounced e-mail: same content and attachments, linked by fallback_of. */
export async function insertPostalFallback(db: Db, orgId: string, bouncedId: string, id: string, address: PostalAddress, at: Date): Promise<void> {
  await db`insert into deliveries (id, organization_id, building_id, person_id, purpose, channel, status, subject, body_text,
      postal_address, related_type, related_id, fallback_of, created_at, updated_at)
    select ${id}, organization_id, building_id, person_id, purpose, 'post', 'queued', subject, body_text, ${db.json(address as never)},
      related_type, related_id, id, ${at}, ${at}
    from deliveries where organization_id = ${orgId} and id = ${bouncedId}`;
  await db`insert into delivery_attachments (organization_id, delivery_id, position, document_id)
    select organization_id, ${id}, position, document_id from delivery_attachments where organization_id = ${orgId} and delivery_id = ${bouncedId}`;
}

export async function fallbackOf(db: Db, orgId: string, bouncedId: string): Promise<string | null> {
  const [r] = await db<{ id: string }[]>`select id from deliveries where organization_id = ${orgId} and fallback_of = ${bouncedId}`;
  return r?.id ?? null;
}

export async function requeue(db: Db, orgId: string, id: string, at: Date): Promise<void> {
  await db`update deliveries set status = 'queued', updated_at = ${at} where organization_id = ${orgId} and id = ${id}`;
}

export const DELIVERY_SORTS: SortFields<'createdAt'> = { createdAt: { expr: 'f."createdAt"', type: 'timestamptz' } };

export interface DeliveryFilter { status?: string | undefined; channel?: string | undefined; personId?: string | undefined;
  buildingId?: string | undefined; scope: 'all' | string[] }

export async function listDeliveries(db: Db, orgId: string, f: DeliveryFilter, page: ResolvedPage) {
  const filtered = db`select ${COLUMNS(db)} from deliveries d where d.organization_id = ${orgId}
    ${f.scope === 'all' ? db`` : db`and d.building_id = any(${f.scope}::uuid[])`}
    ${f.status ? db`and d.status = ${f.status}` : db``} ${f.channel ? db`and d.channel = ${f.channel}` : db``}
    ${f.personId ? db`and d.person_id = ${f.personId}` : db``} ${f.buildingId ? db`and d.building_id = ${f.buildingId}` : db``}`;
  return keysetPage<DeliveryRow>(db, filtered, page);
}

/** Queued e-mails of every organization (start-up: re-enqueue those written while no worker ran). */
export async function queuedEmails(db: Db): Promise<Array<{ id: string; organizationId: string }>> {
  return db<Array<{ id: string; organizationId: string }>>`select id, organization_id as "organizationId" from deliveries
    where channel = 'email' and status = 'queued' order by created_at limit 10000`;
}

export async function outboxOf(db: Db, orgId: string, scope: 'all' | string[]) {
  return db<Array<{ deliveryId: string; fileName: string; subject: string; writtenAt: Date; sizeBytes: number }>>`
    select d.id as "deliveryId", d.outbox_file as "fileName", d.subject, d.sent_at as "writtenAt", a.size_bytes as "sizeBytes"
    from deliveries d join archived_documents a on a.organization_id = d.organization_id and a.id = d.message_document_id
    where d.organization_id = ${orgId} and d.transport = 'outbox'
      ${scope === 'all' ? db`` : db`and d.building_id = any(${scope}::uuid[])`}
    order by d.sent_at desc, d.id limit 500`;
}
