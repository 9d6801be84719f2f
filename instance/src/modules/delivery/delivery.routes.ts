import {
  BuildingParamsSchema, DeliveryBounceSchema, DeliveryDsnSchema, DeliveryListQuerySchema, DeliveryPageSchema, DeliveryParamsSchema, DeliverySchema, errorResponses,
  OutboxSchema, PrintBatchParamsSchema, PrintBatchSchema, type DeliveryDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { buildingScope } from '../access/access.domain.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf } from '../buildings/use-case.ts';
import * as bounces from './delivery.bounce.ts';
import * as service from './delivery.service.ts';
import * as batches from './print-batch.service.ts';

const tags = ['delivery'];
// Permissions: 'call.read' for reads and 'call.write' for writes until dedicated delivery permissions exist.
const READ = 'call.read';
const WRITE = 'call.write';

export function toDeliveryDto(d: service.DeliveryView): DeliveryDto {
  return {
    id: d.id, buildingId: d.buildingId, personId: d.personId, purpose: d.purpose, channel: d.channel, status: d.status,
    subject: d.subject, transport: d.transport, attempts: d.attempts, lastError: d.lastError, providerMessageId: d.providerMessageId,
    sentAt: d.sentAt ? d.sentAt.toISOString() : null, printBatchId: d.printBatchId, messageSha256: d.messageSha256,
    attachments: d.attachments, related: { type: d.relatedType, id: d.relatedId }, createdAt: d.createdAt.toISOString(),
    bounce: d.bouncedAt ? { source: d.bounceSource!, smtpCode: d.smtpCode, status: d.bounceStatus, reason: d.bounceReason!, at: d.bouncedAt.toISOString() } : null,
    fallbackOf: d.fallbackOf, fallbackDeliveryId: d.fallbackDeliveryId,
    sendAttempts: d.sendAttempts.map((a) => ({ ...a, attemptedAt: a.attemptedAt.toISOString() })),
  };
}

/** Deliveries (e-mail or post), the outbox folder and print batches of postal letters. */
export async function deliveryRoutesOf(app: App, deps: Deps): Promise<void> {
  app.get('/deliveries', {
    schema: {
      tags, summary: 'Deliveries, newest first, filtered by status, channel, person or building',
      querystring: DeliveryListQuerySchema, response: { 200: DeliveryPageSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, READ, req.query.buildingId);
    const r = await service.listDeliveries(deps, actorOf(req), req.query, buildingScope(req.auth, READ));
    return { ...r, items: r.items.map(toDeliveryDto) };
  });

  app.get('/deliveries/:deliveryId', {
    schema: { tags, summary: 'One delivery with its attachments and archive hashes', params: DeliveryParamsSchema,
      response: { 200: DeliverySchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ);
    return toDeliveryDto(await service.getDelivery(deps, actorOf(req), req.params.deliveryId, buildingScope(req.auth, READ)));
  });

  app.post('/deliveries/:deliveryId/retry', {
    schema: { tags, summary: 'Queue a failed e-mail again (a new send job)', params: DeliveryParamsSchema,
      response: { 200: DeliverySchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, WRITE);
    return toDeliveryDto(await service.retryDelivery(deps, actorOf(req), req.params.deliveryId, buildingScope(req.auth, WRITE)));
  });

  app.post('/deliveries/:deliveryId/bounce', {
    schema: { tags, summary: 'Record a bounce reported after the e-mail left; the letter is queued by post when the person has an address',
      params: DeliveryParamsSchema, body: DeliveryBounceSchema, response: { 200: DeliverySchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, WRITE);
    const scope = buildingScope(req.auth, WRITE);
    await bounces.recordBounce(deps, actorOf(req), req.params.deliveryId, req.body, scope);
    return toDeliveryDto(await service.getDelivery(deps, actorOf(req), req.params.deliveryId, scope));
  });

  app.post('/deliveries/bounces', {
    schema: { tags, summary: 'Ingest a delivery status notification (RFC 3464) and bounce the e-mail it names',
      description: 'The DSN is matched by its Original-Envelope-Id (the delivery id, sent as ENVID) or by the Message-ID / '
        + 'X-KoproGo-Delivery header of the returned message, and accepted only for a permanent failure (Action: failed, Status 5.x.x) '
        + 'of the address the e-mail went to.',
      body: DeliveryDsnSchema, response: { 200: DeliverySchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, WRITE);
    const scope = buildingScope(req.auth, WRITE);
    const r = await bounces.ingestDsn(deps, actorOf(req), req.body.dsn, scope);
    return toDeliveryDto(await service.getDelivery(deps, actorOf(req), r.deliveryId, scope));
  });

  app.get('/outbox', {
    schema: { tags, summary: 'E-mails written to the outbox folder (SMTP_URL unset), with their delivery id', response: { 200: OutboxSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, WRITE);
    const items = await service.listOutbox(deps, actorOf(req), buildingScope(req.auth, WRITE));
    return { items: items.map((i) => ({ ...i, writtenAt: i.writtenAt.toISOString() })) };
  });

  app.post('/buildings/:buildingId/print-batches', {
    schema: { tags, summary: 'One PDF with every queued postal letter of the building (cover page for a right-window envelope, then its PDFs)',
      params: BuildingParamsSchema, response: { 201: PrintBatchSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return reply.status(201).send(await batches.createPrintBatch(deps, actorOf(req), req.params.buildingId));
  });

  app.get('/buildings/:buildingId/print-batches/:batchId', {
    schema: { tags, summary: 'One print batch', params: PrintBatchParamsSchema, response: { 200: PrintBatchSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    return batches.getPrintBatch(deps, actorOf(req), req.params.buildingId, req.params.batchId);
  });

  app.get('/buildings/:buildingId/print-batches/:batchId/pdf', {
    schema: { tags, summary: 'The archived PDF of a print batch', params: PrintBatchParamsSchema, produces: ['application/pdf'],
      response: { 200: z.any().describe('application/pdf'), ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    const { pdf, fileName } = await batches.printBatchPdf(deps, actorOf(req), req.params.buildingId, req.params.batchId);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${fileName}"`).send(pdf);
  });
}
