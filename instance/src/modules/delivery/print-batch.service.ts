import { randomUUID } from 'node:crypto';
import type { PrintBatchDto } from '@koprogo/protocols';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import type { PostalAddress } from './delivery.domain.ts';
import * as repo from './delivery.repo.ts';

/** Print batches: every queued postal letter of a building in one PDF, archived, the letters marked printed. */

interface LetterRow { id: string; personId: string; subject: string; bodyText: string; postalAddress: PostalAddress }

async function queuedLetters(tx: Db, orgId: string, buildingId: string): Promise<LetterRow[]> {
  return tx<LetterRow[]>`select id, person_id as "personId", subject, body_text as "bodyText", postal_address as "postalAddress"
    from deliveries where organization_id = ${orgId} and building_id = ${buildingId} and channel = 'post' and status = 'queued'
    order by created_at, id for update`;
}

async function attachmentBytes(tx: Db, orgId: string, deliveryIds: string[]) {
  return tx<Array<{ deliveryId: string; filename: string; contentType: string; content: Buffer }>>`
    select x.delivery_id as "deliveryId", a.filename, a.content_type as "contentType", a.content
    from delivery_attachments x join archived_documents a on a.organization_id = x.organization_id and a.id = x.document_id
    where x.organization_id = ${orgId} and x.delivery_id = any(${deliveryIds}::uuid[]) order by x.position`;
}

async function senderLine(tx: Db, orgId: string, buildingId: string): Promise<string> {
  const [b] = await tx<Array<{ name: string; street: string; postal_code: string; city: string }>>`
    select name, street, postal_code, city from buildings where organization_id = ${orgId} and id = ${buildingId}`;
  if (!b) throw new AppError('building.not_found', 'Building not found', { id: buildingId });
  return `ACP ${b.name} – ${b.street}, ${b.postal_code} ${b.city}`;
}

export async function createPrintBatch(deps: RegisterDeps, ctx: ActorCtx, buildingId: string): Promise<PrintBatchDto> {
  const id = await inTx(deps, async (tx) => {
    const sender = await senderLine(tx, ctx.organizationId, buildingId);
    const letters = await queuedLetters(tx, ctx.organizationId, buildingId);
    if (letters.length === 0) {
      throw new AppError('print_batch.empty', 'No postal letter is waiting to be printed for this building', { field: 'buildingId' });
    }
    const atts = await attachmentBytes(tx, ctx.organizationId, letters.map((l) => l.id));
    const at = deps.clock.now();
    const date = deps.clock.today();
    // pdf-lib weighs tens of MB once loaded: only instances that print letters pay for it.
    const { renderPrintBatch } = await import('./print-batch-pdf.ts');
    const { pdf, pageCount } = await renderPrintBatch(letters.map((l) => ({
      address: l.postalAddress, sender, date, subject: l.subject, text: l.bodyText,
      attachments: atts.filter((a) => a.deliveryId === l.id),
    })));
    const batchId = randomUUID();
    const doc = await repo.archiveDocument(tx, {
      organizationId: ctx.organizationId, buildingId, personId: null, kind: 'print_batch', filename: `print-batch-${date}-${batchId}.pdf`,
      contentType: 'application/pdf', content: pdf, related: { type: 'print_batch', id: batchId },
    }, at);
    await tx`insert into print_batches (id, organization_id, building_id, document_id, letter_count, page_count, created_by, created_at)
      values (${batchId}, ${ctx.organizationId}, ${buildingId}, ${doc.id}, ${letters.length}, ${pageCount}, ${ctx.actorUserId}, ${at})`;
    await tx`update deliveries set status = 'printed', print_batch_id = ${batchId}, attempts = attempts + 1, updated_at = ${at}
      where organization_id = ${ctx.organizationId} and id = any(${letters.map((l) => l.id)}::uuid[])`;
    for (const l of letters) await audit(tx, ctx, at, 'delivery.printed', { type: 'delivery', id: l.id }, { printBatchId: batchId });
    await audit(tx, ctx, at, 'print_batch.created', { type: 'print_batch', id: batchId },
      { buildingId, letters: letters.length, pages: pageCount, sha256: doc.sha256 });
    return batchId;
  });
  return getPrintBatch(deps, ctx, buildingId, id);
}

async function batchRow(db: Db, orgId: string, buildingId: string, id: string) {
  const [b] = await db<Array<{ id: string; buildingId: string; letterCount: number; pageCount: number; createdAt: Date;
    documentId: string; sha256: string; sizeBytes: number; filename: string }>>`
    select b.id, b.building_id as "buildingId", b.letter_count as "letterCount", b.page_count as "pageCount", b.created_at as "createdAt",
      a.id as "documentId", a.sha256, a.size_bytes as "sizeBytes", a.filename
    from print_batches b join archived_documents a on a.organization_id = b.organization_id and a.id = b.document_id
    where b.organization_id = ${orgId} and b.building_id = ${buildingId} and b.id = ${id}`;
  if (!b) throw new AppError('print_batch.not_found', 'Print batch not found', { id });
  return b;
}

export async function getPrintBatch(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<PrintBatchDto> {
  const b = await batchRow(deps.sql, ctx.organizationId, buildingId, id);
  const ids = await deps.sql<{ id: string }[]>`select id from deliveries
    where organization_id = ${ctx.organizationId} and print_batch_id = ${id} order by created_at, id`;
  return { id: b.id, buildingId: b.buildingId, letterCount: b.letterCount, pageCount: b.pageCount, deliveryIds: ids.map((r) => r.id),
    sha256: b.sha256, sizeBytes: b.sizeBytes, createdAt: b.createdAt.toISOString() };
}

export async function printBatchPdf(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string) {
  const b = await batchRow(deps.sql, ctx.organizationId, buildingId, id);
  const content = await repo.documentContent(deps.sql, ctx.organizationId, b.documentId);
  return { pdf: content!, fileName: b.filename };
}
