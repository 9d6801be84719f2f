import {
  AiDraftParamsSchema, AiDraftSchema, BuildingParamsSchema, CreateAiDraftBody, EditAiDraftBody, errorResponses, type AiDraftDto,
} from '@koprogo/protocols';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http.ts';
import { hasPermission, hasPermissionAnywhere, type AuthContext, type Permission } from '../access/access.domain.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf } from '../buildings/use-case.ts';
import { createConvocationDraft } from './convocation-drafts.service.ts';
import type { DraftRow } from './drafts.repo.ts';
import * as service from './drafts.service.ts';

const tags = ['ai-drafts'];
// Each document type is governed by its module's permissions: reminders by the reminders', convocations by the assemblies'.
const PERMS = {
  reminder: { read: 'reminder.read', write: 'reminder.write' },
  convocation: { read: 'assembly.read', write: 'assembly.write' },
} as const satisfies Record<DraftRow['documentType'], { read: Permission; write: Permission }>;
const TYPES = Object.keys(PERMS) as DraftRow['documentType'][];

/** Before the draft is loaded: the caller must hold the permission of at least one document type (403/404 as usual). */
function requireSomeDraftPermission(auth: AuthContext, access: 'read' | 'write', buildingId: string): void {
  const perms = TYPES.map((t) => PERMS[t][access]);
  if (!perms.some((p) => hasPermissionAnywhere(auth, p))) {
    throw new AppError('auth.forbidden', `Your roles in this organization do not allow ${perms.join(' or ')}`, { permission: perms });
  }
  if (!perms.some((p) => hasPermission(auth, p, buildingId))) throw new AppError('building.not_found', 'Building not found', { id: buildingId });
}

/** Loads the draft (404 outside the building), then checks the permission of its document type. */
async function draftFor(deps: Deps, req: FastifyRequest & { params: { buildingId: string; draftId: string } }, access: 'read' | 'write'): Promise<DraftRow> {
  requireSomeDraftPermission(req.auth, access, req.params.buildingId);
  const d = await service.getDraft(deps, actorOf(req), req.params.buildingId, req.params.draftId);
  requirePermission(req.auth, PERMS[d.documentType][access], req.params.buildingId);
  return d;
}

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
    id: d.id, buildingId: d.buildingId, documentType: d.documentType, ownerCallId: d.ownerCallId, level: d.level, meetingId: d.meetingId, locale: d.locale,
    tone: d.tone, status: d.status, source: d.source, statusMessage: STATUS_MESSAGE[d.status], subject: d.subjectTemplate, body: d.bodyTemplate,
    flags: d.flags, attempts: d.attempts, lastFault: d.lastFault, final: d.subjectFinal !== null && d.bodyFinal !== null ? { subject: d.subjectFinal, body: d.bodyFinal } : null,
    approvedAt: d.approvedAt?.toISOString() ?? null, createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString(),
  };
}

/**
 * The syndic's AI drafts of a building (issue 6): payment reminders and assembly convocations. Each
 * route checks the permission of the draft's document type (PERMS).
 */
export async function aiDraftRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/buildings/:buildingId/ai-drafts', {
    schema: { tags, summary: 'AI drafts of the building, newest first', params: BuildingParamsSchema,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.object({ items: z.array(AiDraftSchema) }), ...errorResponses } },
  }, async (req) => {
    requireSomeDraftPermission(req.auth, 'read', req.params.buildingId);
    const readable = TYPES.filter((t) => hasPermission(req.auth, PERMS[t].read, req.params.buildingId));
    return { items: (await service.listDrafts(deps, actorOf(req), req.params.buildingId, readable, req.query.limit)).map(toDraftDto) };
  });

  app.post('/buildings/:buildingId/ai-drafts', {
    schema: { tags, summary: 'Ask the grid for a reminder draft (overdue owner call) or a convocation draft (draft meeting); placeholders only leave the instance',
      params: BuildingParamsSchema, body: CreateAiDraftBody, response: { 201: AiDraftSchema, ...errorResponses } },
  }, async (req, reply) => {
    const body = req.body;
    requirePermission(req.auth, PERMS[body.documentType].write, req.params.buildingId);
    const draft = body.documentType === 'convocation'
      ? await createConvocationDraft(deps, actorOf(req), req.params.buildingId, body)
      : await service.createReminderDraft(deps, actorOf(req), req.params.buildingId, body);
    return reply.status(201).send(toDraftDto(draft));
  });

  app.get('/buildings/:buildingId/ai-drafts/:draftId', {
    schema: { tags, summary: 'One AI draft, with what its status means', params: AiDraftParamsSchema, response: { 200: AiDraftSchema, ...errorResponses } },
  }, async (req) => {
    return toDraftDto(await draftFor(deps, req, 'read'));
  });

  app.patch('/buildings/:buildingId/ai-drafts/:draftId', {
    schema: { tags, summary: 'Write the draft yourself (placeholders stay placeholders; checked like a node\'s text)', params: AiDraftParamsSchema,
      body: EditAiDraftBody, response: { 200: AiDraftSchema, ...errorResponses } },
  }, async (req) => {
    await draftFor(deps, req, 'write');
    return toDraftDto(await service.editDraft(deps, actorOf(req), req.params.buildingId, req.params.draftId, req.body));
  });

  app.post('/buildings/:buildingId/ai-drafts/:draftId/use-template', {
    schema: { tags, summary: 'Take the deterministic template (level × language, with the legal mentions)', params: AiDraftParamsSchema,
      response: { 200: AiDraftSchema, ...errorResponses } },
  }, async (req) => {
    await draftFor(deps, req, 'write');
    return toDraftDto(await service.useTemplate(deps, actorOf(req), req.params.buildingId, req.params.draftId));
  });

  app.post('/buildings/:buildingId/ai-drafts/:draftId/approve', {
    schema: { tags, summary: 'Approve a ready draft: the real values are filled in; the node that wrote it is credited', params: AiDraftParamsSchema,
      response: { 200: AiDraftSchema, ...errorResponses } },
  }, async (req) => {
    await draftFor(deps, req, 'write');
    return toDraftDto(await service.approveDraft(deps, actorOf(req), req.params.buildingId, req.params.draftId));
  });
}
