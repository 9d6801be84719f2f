import {
  BuildingParamsSchema, DecisionListSchema, DecisionQuerySchema, errorResponses, MeetingParamsSchema, MinutesSchema, MinutesSignSchema,
  WrittenAnswerSchema, WrittenProcedureCreateSchema, WrittenProcedureParamsSchema, WrittenProcedureSchema,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf } from '../buildings/use-case.ts';
import * as minutes from './minutes.service.ts';
import * as written from './written.service.ts';

const tags = ['assemblies'];

/** Minutes, the decisions register and the written procedure. */
export async function minutesRoutes(app: App, deps: Deps): Promise<void> {
  const base = '/buildings/:buildingId/meetings/:meetingId/minutes';

  app.get(base, {
    schema: { tags, summary: 'The minutes of a closed meeting: deadline (meeting + 30 days), signatures, sending', params: MeetingParamsSchema,
      response: { 200: MinutesSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    return minutes.getMinutes(deps, actorOf(req), req.params.buildingId, req.params.meetingId);
  });

  app.post(`${base}/signatures`, {
    schema: { tags, summary: 'Record signatures (president, secretary, owners present or their proxies)', params: MeetingParamsSchema,
      body: MinutesSignSchema, response: { 200: MinutesSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return minutes.sign(deps, actorOf(req), req.params.buildingId, req.params.meetingId, req.body);
  });

  app.get(`${base}/pdf`, {
    schema: { tags, summary: 'The minutes as a PDF in the building\'s language', params: MeetingParamsSchema, produces: ['application/pdf'],
      response: { 200: z.any().describe('application/pdf'), ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    const { pdf, fileName } = await minutes.minutesPdf(deps, actorOf(req), req.params.buildingId, req.params.meetingId);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${fileName}"`).send(Buffer.from(pdf));
  });

  app.post(`${base}/send`, {
    schema: { tags, summary: 'Archive the signed minutes and send them to every owner (once)', params: MeetingParamsSchema,
      response: { 200: MinutesSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return minutes.sendMinutes(deps, actorOf(req), req.params.buildingId, req.params.meetingId);
  });

  app.get('/buildings/:buildingId/decisions', {
    schema: { tags, summary: 'The register of decisions: search words (q) in titles and resolutions, filter adopted', params: BuildingParamsSchema,
      querystring: DecisionQuerySchema, response: { 200: DecisionListSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    return { items: await minutes.decisions(deps, actorOf(req), req.params.buildingId, req.query) };
  });

  app.post('/buildings/:buildingId/written-procedures', {
    schema: { tags, summary: 'Open a written procedure: all owners of today must agree in writing (3.87 §11)', params: BuildingParamsSchema,
      body: WrittenProcedureCreateSchema, response: { 201: WrittenProcedureSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return reply.status(201).send(await written.createWritten(deps, actorOf(req), req.params.buildingId, req.body));
  });

  app.get('/buildings/:buildingId/written-procedures/:procedureId', {
    schema: { tags, summary: 'A written procedure and its answers so far', params: WrittenProcedureParamsSchema,
      response: { 200: WrittenProcedureSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    return written.getWritten(deps, actorOf(req), req.params.buildingId, req.params.procedureId);
  });

  app.post('/buildings/:buildingId/written-procedures/:procedureId/answers', {
    schema: { tags, summary: 'Record an owner\'s written answer (once)', params: WrittenProcedureParamsSchema, body: WrittenAnswerSchema,
      response: { 200: WrittenProcedureSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return written.answerWritten(deps, actorOf(req), req.params.buildingId, req.params.procedureId, req.body);
  });

  app.post('/buildings/:buildingId/written-procedures/:procedureId/close', {
    schema: { tags, summary: 'Close a written procedure: without every owner\'s agreement, no decision', params: WrittenProcedureParamsSchema,
      response: { 200: WrittenProcedureSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return written.closeWritten(deps, actorOf(req), req.params.buildingId, req.params.procedureId);
  });
}
