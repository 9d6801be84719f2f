import {
  BuildingParamsSchema, CallCreateSchema, CallListQuerySchema, CallPageSchema, CallParamsSchema, CallSchema, errorResponses,
  OwnerCallParamsSchema, type CallDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf, type RegisterDeps } from '../buildings/use-case.ts';
import { formatStructuredCommunication } from '../money/structured-communication.domain.ts';
import type { CallRow, OwnerCallRow } from './calls.repo.ts';
import * as service from './calls.service.ts';

const tags = ['calls'];

const toCallBase = (c: CallRow) => ({
  id: c.id, buildingId: c.buildingId, fund: c.fund, chargeKind: c.chargeKind, periodLabel: c.periodLabel, dueDate: c.dueDate,
  totalCents: c.totalCents, distributionKeyId: c.distributionKeyId, status: c.status, sentOn: c.sentOn, entryId: c.entryId,
  createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
});

const toOwnerCallDto = (o: OwnerCallRow) => ({
  id: o.id, personId: o.personId, personName: o.personName, language: o.language, amountCents: o.amountCents,
  paidCents: o.paidCents, openCents: o.amountCents - o.paidCents,
  structuredCommunication: formatStructuredCommunication(o.communication), lots: o.lots,
});

export const toCallDto = (c: service.CallView): CallDto => ({ ...toCallBase(c), owners: c.owners.map(toOwnerCallDto) });

/** Calls for funds of a building, sending them, and each owner's PDF. */
export async function callsForFundsRoutes(app: App, deps: RegisterDeps): Promise<void> {
  app.get('/buildings/:buildingId/calls', {
    schema: {
      tags, summary: 'List calls for funds (filter status, fund; sort dueDate, createdAt)', params: BuildingParamsSchema,
      querystring: CallListQuerySchema, response: { 200: CallPageSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'call.read', req.params.buildingId);
    const page = await service.listCalls(deps, actorOf(req), req.params.buildingId, req.query);
    return { ...page, items: page.items.map((c) => ({ ...toCallBase(c), ownerCount: c.ownerCount })) };
  });

  app.post('/buildings/:buildingId/calls', {
    schema: {
      tags, summary: 'Create a draft call for funds: fund, period, due date, total, distribution key (null = general)',
      params: BuildingParamsSchema, body: CallCreateSchema, response: { 201: CallSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'call.write', req.params.buildingId);
    return reply.status(201).send(toCallDto(await service.createCall(deps, actorOf(req), req.params.buildingId, req.body)));
  });

  app.get('/buildings/:buildingId/calls/:callId', {
    schema: {
      tags, summary: 'A call for funds with its owner calls (amount, paid, open, structured communication, lots)',
      params: CallParamsSchema, response: { 200: CallSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'call.read', req.params.buildingId);
    return toCallDto(await service.getCall(deps, actorOf(req), req.params.buildingId, req.params.callId));
  });

  app.post('/buildings/:buildingId/calls/:callId/send', {
    schema: {
      tags, summary: 'Send a call: split it over the owners as of the due date and post the receivables (VEN). Repeating it changes nothing',
      params: CallParamsSchema, response: { 200: CallSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'call.write', req.params.buildingId);
    const r = await service.sendCall(deps, actorOf(req), req.params.buildingId, req.params.callId);
    return toCallDto(r.call);
  });

  app.get('/buildings/:buildingId/calls/:callId/owners/:personId/pdf', {
    schema: {
      tags, summary: 'The owner\'s call for funds as a PDF in the owner\'s language, with IBAN, structured communication and EPC QR code',
      params: OwnerCallParamsSchema, produces: ['application/pdf'],
      response: { 200: z.any().describe('application/pdf'), ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'call.read', req.params.buildingId);
    const { buildingId, callId, personId } = req.params;
    const { pdf, fileName } = await service.ownerCallPdf(deps, actorOf(req), buildingId, callId, personId);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${fileName}"`).send(Buffer.from(pdf));
  });
}
