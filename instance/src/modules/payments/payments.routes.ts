import {
  BankStatementReportSchema, BuildingParamsSchema, CodaBodySchema, errorResponses, IdempotencyHeadersSchema, OverdueReceivablesSchema,
  OwnerAccountParamsSchema, OwnerAccountQuerySchema, OwnerStatementSchema, PaymentAllocateSchema, PaymentCreateSchema,
  PaymentListQuerySchema, PaymentPageSchema, PaymentParamsSchema, PaymentSchema,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf, type RegisterDeps } from '../buildings/use-case.ts';
import { importStatement } from './bank-statements.service.ts';
import { statementCsv } from './owner-account.domain.ts';
import * as owners from './owner-accounts.service.ts';
import * as service from './payments.service.ts';

const tags = ['payments'];

/** Owner payments, CODA bank statements and owner accounts. */
export async function paymentRoutes(app: App, deps: RegisterDeps): Promise<void> {
  app.post('/buildings/:buildingId/payments', {
    schema: {
      tags, summary: 'Record an owner payment (Idempotency-Key header required): matched by structured communication or person + call',
      params: BuildingParamsSchema, headers: IdempotencyHeadersSchema, body: PaymentCreateSchema,
      response: { 201: PaymentSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'payment.write', req.params.buildingId);
    const key = req.headers['idempotency-key'];
    const dto = await service.recordPayment(deps, actorOf(req), req.params.buildingId, req.body, typeof key === 'string' ? key : undefined);
    return reply.status(201).send(dto);
  });

  app.get('/buildings/:buildingId/payments', {
    schema: {
      tags, summary: 'List owner payments (filter status matched | unmatched; sort date, createdAt)', params: BuildingParamsSchema,
      querystring: PaymentListQuerySchema, response: { 200: PaymentPageSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'payment.read', req.params.buildingId);
    return service.listPayments(deps, actorOf(req), req.params.buildingId, req.query);
  });

  app.get('/buildings/:buildingId/payments/:paymentId', {
    schema: { tags, summary: 'One owner payment with its allocations', params: PaymentParamsSchema, response: { 200: PaymentSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'payment.read', req.params.buildingId);
    return service.getPayment(deps, actorOf(req), req.params.buildingId, req.params.paymentId);
  });

  app.post('/buildings/:buildingId/payments/:paymentId/allocate', {
    schema: {
      tags, summary: 'Attribute an unmatched payment (account 4990) to a person\'s share of a call',
      params: PaymentParamsSchema, body: PaymentAllocateSchema, response: { 200: PaymentSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'payment.write', req.params.buildingId);
    return service.allocatePayment(deps, actorOf(req), req.params.buildingId, req.params.paymentId, req.body);
  });

  // Its own context: a text/plain parser that keeps CODA's one-byte-per-character records (latin1 unless UTF-8).
  await app.register(async (child) => {
    const scoped = child as unknown as App;
    scoped.removeContentTypeParser('text/plain');
    scoped.addContentTypeParser('text/plain', { parseAs: 'buffer' }, (req, body, done) => {
      done(null, decodeText(body as Buffer, req.headers['content-type']));
    });
    scoped.post('/buildings/:buildingId/bank-statements', {
      schema: {
        tags, summary: 'Import a CODA statement (body: the file as text/plain, or JSON {coda}): payments created and matched; a second import changes nothing',
        params: BuildingParamsSchema, consumes: ['text/plain', 'application/json'], body: CodaBodySchema,
        response: { 200: BankStatementReportSchema, ...errorResponses },
      },
    }, async (req) => {
      requirePermission(req.auth, 'payment.write', req.params.buildingId);
      return importStatement(deps, actorOf(req), req.params.buildingId, typeof req.body === 'string' ? req.body : req.body.coda);
    });
  });

  app.get('/buildings/:buildingId/owners/:personId/statement', {
    schema: {
      tags, summary: 'The owner\'s account: every movement up to asOf (default today) with the running balance',
      params: OwnerAccountParamsSchema, querystring: OwnerAccountQuerySchema, response: { 200: OwnerStatementSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'payment.read', req.params.buildingId);
    return owners.ownerStatement(deps, actorOf(req), req.params.buildingId, req.params.personId, req.query.asOf);
  });

  app.get('/buildings/:buildingId/owners/:personId/statement.csv', {
    schema: {
      tags, summary: 'The owner\'s account as CSV (semicolon separated, decimal comma)', params: OwnerAccountParamsSchema,
      querystring: OwnerAccountQuerySchema, produces: ['text/csv'], response: { 200: z.string(), ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'payment.read', req.params.buildingId);
    const s = await owners.ownerStatement(deps, actorOf(req), req.params.buildingId, req.params.personId, req.query.asOf);
    return reply.type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="statement-${s.personId}-${s.asOf}.csv"`)
      .send(statementCsv(s.items));
  });

  app.get('/buildings/:buildingId/receivables/overdue', {
    schema: {
      tags, summary: 'Owner calls still open after their due date, as of a date (default today), with the days late',
      params: BuildingParamsSchema, querystring: OwnerAccountQuerySchema, response: { 200: OverdueReceivablesSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'payment.read', req.params.buildingId);
    return owners.overdueReceivables(deps, actorOf(req), req.params.buildingId, req.query.asOf);
  });
}

/**
 * A CODA file as text: banks write it in latin1 (windows-1252), one byte per character, so that a
 * record is 128 characters; a file re-saved as UTF-8 is read as UTF-8. A declared latin1 charset wins.
 */
function decodeText(body: Buffer, contentType: string | undefined): string {
  const charset = /charset=([^;]+)/i.exec(contentType ?? '')?.[1]?.trim().toLowerCase();
  if (charset && /^(iso-8859-1|latin1|windows-1252|cp1252)$/.test(charset)) return body.toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return body.toString('latin1');
  }
}
