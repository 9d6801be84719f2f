import {
  AiDraftParamsSchema, AiDraftSchema, BuildingParamsSchema, CreateAiDraftBody, EditAiDraftBody, errorResponses, type AiDraftDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf } from '../buildings/use-case.ts';
import type { DraftRow } from './drafts.repo.ts';
import * as service from './drafts.service.ts';

const tags = ['ai-drafts'];
// AI drafts are reminder letters (convocations later): the reminders' permissions govern them.
const READ = 'reminder.read';
const WRITE = 'reminder.write';

const STATUS_MESSAGE: Record<DraftRow['status'], string> = {
  queued: 'Waiting for an edge node to write the draft (none may be available: you can take the template)',
  generating: 'An edge node is writing the draft',
  ready: 'Ready: check it, then approve it',
  approved: 'Approved: the real values are filled in',
  unavailable: 'AI draft unavailable: write it manually or take the template',
  cancelled: 'Cancelled',
};

export function toDraftDto(d: DraftRow): AiDraftDto {
  return {
    id: d.id, buildingId: d.buildingId, documentType: d.documentType, ownerCallId: d.ownerCallId, level: d.level, locale: d.locale,
    tone: d.tone, status: d.status, source: d.source, statusMessage: STATUS_MESSAGE[d.status], subject: d.subjectTemplate, body: d.bodyTemplate,
    flags: d.flags, attempts: d.attempts, lastFault: d.lastFault, final: d.subjectFinal !== null && d.bodyFinal !== null ? { subject: d.subjectFinal, body: d.bodyFinal } : null,
    approvedAt: d.approvedAt?.toISOString() ?? null, createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString(),
  };
}

/**
 * The syndic's AI drafts of a building (issue 6). Convocation drafts are not requested here yet: the
 * document type exists (placeholders.domain.ts) and waits for the assemblies module.
 */
export async function aiDraftRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/buildings/:buildingId/ai-drafts', {
    schema: { tags, summary: 'AI drafts of the building, newest first', params: BuildingParamsSchema,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.object({ items: z.array(AiDraftSchema) }), ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    return { items: (await service.listDrafts(deps, actorOf(req), req.params.buildingId, req.query.limit)).map(toDraftDto) };
  });

  app.post('/buildings/:buildingId/ai-drafts', {
    schema: { tags, summary: 'Ask the grid for a reminder draft about an overdue owner call (placeholders only leave the instance)',
      params: BuildingParamsSchema, body: CreateAiDraftBody, response: { 201: AiDraftSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return reply.status(201).send(toDraftDto(await service.createReminderDraft(deps, actorOf(req), req.params.buildingId, req.body)));
  });

  app.get('/buildings/:buildingId/ai-drafts/:draftId', {
    schema: { tags, summary: 'One AI draft, with what its status means', params: AiDraftParamsSchema, response: { 200: AiDraftSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    return toDraftDto(await service.getDraft(deps, actorOf(req), req.params.buildingId, req.params.draftId));
  });

  app.patch('/buildings/:buildingId/ai-drafts/:draftId', {
    schema: { tags, summary: 'Write the draft yourself (placeholders stay placeholders; checked like a node\'s text)', params: AiDraftParamsSchema,
      body: EditAiDraftBody, response: { 200: AiDraftSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return toDraftDto(await service.editDraft(deps, actorOf(req), req.params.buildingId, req.params.draftId, req.body));
  });

  app.post('/buildings/:buildingId/ai-drafts/:draftId/use-template', {
    schema: { tags, summary: 'Take the deterministic template (level × language, with the legal mentions)', params: AiDraftParamsSchema,
      response: { 200: AiDraftSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return toDraftDto(await service.useTemplate(deps, actorOf(req), req.params.buildingId, req.params.draftId));
  });

  app.post('/buildings/:buildingId/ai-drafts/:draftId/approve', {
    schema: { tags, summary: 'Approve a ready draft: the real values are filled in; the node that wrote it is credited', params: AiDraftParamsSchema,
      response: { 200: AiDraftSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return toDraftDto(await service.approveDraft(deps, actorOf(req), req.params.buildingId, req.params.draftId));
  });
}
