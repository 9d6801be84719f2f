import {
  AgendaItemCreateSchema, AgendaRequestCreateSchema, AgendaRequestListSchema, AgendaRequestSchema, AssemblyRequestCreateSchema,
  AssemblyRequestListSchema, AssemblyRequestSchema, AssemblySettingsPatchSchema, AssemblySettingsSchema, BuildingParamsSchema,
  ConvocationParamsSchema, ConvocationResultSchema, ConvocationSendSchema, errorResponses, MeetingCreateSchema, MeetingListSchema, MeetingParamsSchema,
  MeetingPatchSchema, MeetingSchema, type AgendaItemDto, type MeetingDto, type TallyDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { addDays } from '../reminders/working-days.domain.ts';
import { actorOf } from '../buildings/use-case.ts';
import { legalValue } from '../../jurisdictions/be.ts';
import * as convocation from './convocation.service.ts';
import type { AgendaItemRow, MeetingRow } from './meetings.repo.ts';
import * as service from './meetings.service.ts';
import * as requests from './requests.service.ts';

const tags = ['assemblies'];
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toItemDto = (i: AgendaItemRow): AgendaItemDto => ({
  id: i.id, position: i.position, title: i.title, draftResolution: i.draftResolution, decisionType: i.decisionType as AgendaItemDto['decisionType'],
  majority: i.majority, excludedPersonIds: i.excludedPersonIds, requestedByPersonId: i.requestedByPersonId, voteStatus: i.voteStatus,
  voteOpenedAt: iso(i.voteOpenedAt), voteClosedAt: iso(i.voteClosedAt), result: (i.result as TallyDto | null) ?? null,
});

const toMeetingBase = (m: MeetingRow): Omit<MeetingDto, 'agenda'> => ({
  id: m.id, buildingId: m.buildingId, kind: m.kind, firstMeetingId: m.firstMeetingId, assemblyRequestId: m.assemblyRequestId, convenedBy: m.convenedBy,
  meetingDate: m.meetingDate, startTime: m.startTime, place: m.place, remoteLink: m.remoteLink, windowStart: m.windowStart, documentsInfo: m.documentsInfo,
  status: m.status, convenedOn: m.convenedOn, openedAt: iso(m.openedAt), closedAt: iso(m.closedAt), quorum: (m.quorum as MeetingDto['quorum']) ?? null,
  minutesDueOn: m.status === 'closed' ? addDays(m.meetingDate, legalValue('ag.minutes.sendWithinDays')) : null,
  createdAt: m.createdAt.toISOString(), updatedAt: m.updatedAt.toISOString(),
});

export const toMeetingDto = (m: service.MeetingView): MeetingDto => ({ ...toMeetingBase(m), agenda: m.agenda.map(toItemDto) });

/** Assembly settings, owners' requests, meetings, agenda and convocations of a building. */
export async function meetingRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/buildings/:buildingId/assembly-settings', {
    schema: { tags, summary: 'Assembly settings: convocation delay of the statutes (≥ 15 days), the syndic person', params: BuildingParamsSchema,
      response: { 200: AssemblySettingsSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    return service.getSettings(deps, actorOf(req), req.params.buildingId);
  });

  app.patch('/buildings/:buildingId/assembly-settings', {
    schema: { tags, summary: 'Change the assembly settings', params: BuildingParamsSchema, body: AssemblySettingsPatchSchema,
      response: { 200: AssemblySettingsSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return service.patchSettings(deps, actorOf(req), req.params.buildingId, req.body);
  });

  app.get('/buildings/:buildingId/assembly-requests', {
    schema: { tags, summary: 'Owners\' requests for an assembly (≥ 1/5 of the quote-parts), with the syndic\'s deadline', params: BuildingParamsSchema,
      response: { 200: AssemblyRequestListSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    return { items: await requests.listAssemblyRequests(deps, actorOf(req), req.params.buildingId) };
  });

  app.post('/buildings/:buildingId/assembly-requests', {
    schema: { tags, summary: 'Record owners\' request for an assembly (3.87 §2)', params: BuildingParamsSchema, body: AssemblyRequestCreateSchema,
      response: { 201: AssemblyRequestSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return reply.status(201).send(await requests.createAssemblyRequest(deps, actorOf(req), req.params.buildingId, req.body));
  });

  app.get('/buildings/:buildingId/agenda-requests', {
    schema: { tags, summary: 'Owners\' agenda requests and whether each went on the meeting or to the next one', params: BuildingParamsSchema,
      response: { 200: AgendaRequestListSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    return { items: await requests.listAgendaRequests(deps, actorOf(req), req.params.buildingId) };
  });

  app.post('/buildings/:buildingId/agenda-requests', {
    schema: { tags, summary: 'Record an owner\'s agenda request (21-day cut-off before the window, 3.87 §2)', params: BuildingParamsSchema,
      body: AgendaRequestCreateSchema, response: { 201: AgendaRequestSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return reply.status(201).send(await requests.createAgendaRequest(deps, actorOf(req), req.params.buildingId, req.body));
  });

  app.get('/buildings/:buildingId/meetings', {
    schema: { tags, summary: 'Meetings of the building, latest first', params: BuildingParamsSchema, response: { 200: MeetingListSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    return { items: (await service.listMeetings(deps, actorOf(req), req.params.buildingId)).map(toMeetingBase) };
  });

  app.post('/buildings/:buildingId/meetings', {
    schema: { tags, summary: 'Plan a meeting: ordinary, extraordinary or second session; date, time, place, remote link', params: BuildingParamsSchema,
      body: MeetingCreateSchema, response: { 201: MeetingSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return reply.status(201).send(toMeetingDto(await service.createMeeting(deps, actorOf(req), req.params.buildingId, req.body)));
  });

  app.get('/buildings/:buildingId/meetings/:meetingId', {
    schema: { tags, summary: 'A meeting with its agenda, quorum and results', params: MeetingParamsSchema, response: { 200: MeetingSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    return toMeetingDto(await service.getMeeting(deps, actorOf(req), req.params.buildingId, req.params.meetingId));
  });

  app.patch('/buildings/:buildingId/meetings/:meetingId', {
    schema: { tags, summary: 'Change a draft meeting', params: MeetingParamsSchema, body: MeetingPatchSchema, response: { 200: MeetingSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return toMeetingDto(await service.patchMeeting(deps, actorOf(req), req.params.buildingId, req.params.meetingId, req.body));
  });

  app.post('/buildings/:buildingId/meetings/:meetingId/agenda-items', {
    schema: { tags, summary: 'Add an agenda item (draft meetings only); its decision type sets the majority (3.88)', params: MeetingParamsSchema,
      body: AgendaItemCreateSchema, response: { 201: MeetingSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return reply.status(201).send(toMeetingDto(await service.addAgendaItem(deps, actorOf(req), req.params.buildingId, req.params.meetingId, req.body)));
  });

  app.post('/buildings/:buildingId/meetings/:meetingId/convocations', {
    schema: { tags, summary: 'Send the convocations: delay checked today (422 with earliestMeetingDate), PDF per owner language, .ics by e-mail; '
      + 'optionally an approved AI draft per language as the message text', params: MeetingParamsSchema, body: ConvocationSendSchema.nullish(),
      response: { 200: ConvocationResultSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return convocation.sendConvocations(deps, actorOf(req), req.params.buildingId, req.params.meetingId, { aiDraftIds: req.body?.aiDraftIds });
  });

  app.get('/buildings/:buildingId/meetings/:meetingId/convocations/:personId/pdf', {
    schema: { tags, summary: 'The convocation PDF of one recipient, in their language', params: ConvocationParamsSchema, produces: ['application/pdf'],
      response: { 200: z.any().describe('application/pdf'), ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    const { pdf, fileName } = await convocation.convocationPdfOf(deps, actorOf(req), req.params.buildingId, req.params.meetingId, req.params.personId);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${fileName}"`).send(Buffer.from(pdf));
  });
}
