import {
  AgendaItemParamsSchema, AgendaItemSchema, AttendanceCreatedSchema, AttendanceCreateSchema, AttendanceListSchema, errorResponses,
  MeetingParamsSchema, MeetingSchema, ProxyCreateSchema, ProxyListSchema, ProxyParamsSchema, ProxySchema, TallySchema, VoteAckSchema, VoteCastSchema,
} from '@koprogo/protocols';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf } from '../buildings/use-case.ts';
import { toItemDto, toMeetingDto } from './meetings.routes.ts';
import { toWire } from './rational.domain.ts';
import * as session from './session.service.ts';
import type { ProxyRow } from './voting.repo.ts';
import * as voting from './voting.service.ts';

const tags = ['assemblies'];
const toProxyDto = (p: ProxyRow) => ({ ...p, createdAt: p.createdAt.toISOString(), revokedAt: p.revokedAt ? p.revokedAt.toISOString() : null });
const toAttendanceDto = (a: session.AttendanceView) => ({ personId: a.personId, personName: a.personName, mode: a.mode, holderPersonId: a.holderPersonId,
  proxyId: a.proxyId, votes: toWire(a.votes), signedInAt: a.signedInAt.toISOString() });

/** The meeting itself: proxies, sign-in, opening with quorum, votes on resolutions, closing. */
export async function sessionRoutes(app: App, deps: Deps): Promise<void> {
  const base = '/buildings/:buildingId/meetings/:meetingId';

  app.get(`${base}/proxies`, {
    schema: { tags, summary: 'Proxies given for this meeting', params: MeetingParamsSchema, response: { 200: ProxyListSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    return { items: (await session.listProxies(deps, actorOf(req), req.params.buildingId, req.params.meetingId)).map(toProxyDto) };
  });

  app.post(`${base}/proxies`, {
    schema: { tags, summary: 'Record a proxy (named holder, not the syndic, ≤ 3 unless within 10 % of the votes: 3.87 §7); a refusal says why',
      params: MeetingParamsSchema, body: ProxyCreateSchema, response: { 201: ProxySchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return reply.status(201).send(toProxyDto(await session.createProxy(deps, actorOf(req), req.params.buildingId, req.params.meetingId, req.body)));
  });

  app.post(`${base}/proxies/:proxyId/revoke`, {
    schema: { tags, summary: 'Revoke a proxy not yet used at sign-in', params: ProxyParamsSchema, response: { 200: ProxySchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return toProxyDto(await session.revokeProxy(deps, actorOf(req), req.params.buildingId, req.params.meetingId, req.params.proxyId));
  });

  app.get(`${base}/attendance`, {
    schema: { tags, summary: 'Who is signed in, how, and with how many votes', params: MeetingParamsSchema, response: { 200: AttendanceListSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    return { items: (await session.listAttendance(deps, actorOf(req), req.params.buildingId, req.params.meetingId)).map(toAttendanceDto) };
  });

  app.post(`${base}/attendance`, {
    schema: { tags, summary: 'Sign an owner in: present, remote (if the convocation offered it) or represented (by their proxy); returns a voter token once',
      params: MeetingParamsSchema, body: AttendanceCreateSchema, response: { 201: AttendanceCreatedSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    const a = await session.signIn(deps, actorOf(req), req.params.buildingId, req.params.meetingId, req.body);
    return reply.status(201).send({ ...toAttendanceDto(a), voterToken: a.voterToken });
  });

  app.post(`${base}/open`, {
    schema: { tags, summary: 'Open the meeting: freeze the voters and check the quorum (3.87 §5); without quorum the meeting ends as no_quorum',
      params: MeetingParamsSchema, response: { 200: MeetingSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return toMeetingDto(await session.openMeeting(deps, actorOf(req), req.params.buildingId, req.params.meetingId));
  });

  app.post(`${base}/close`, {
    schema: { tags, summary: 'Close the meeting (every vote closed first)', params: MeetingParamsSchema, response: { 200: MeetingSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return toMeetingDto(await session.closeMeeting(deps, actorOf(req), req.params.buildingId, req.params.meetingId));
  });

  app.post(`${base}/agenda-items/:itemId/open-vote`, {
    schema: { tags, summary: 'Open the vote on a resolution (announced live)', params: AgendaItemParamsSchema, response: { 200: AgendaItemSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return toItemDto(await voting.openVote(deps, actorOf(req), req.params.buildingId, req.params.meetingId, req.params.itemId));
  });

  app.post(`${base}/agenda-items/:itemId/close-vote`, {
    schema: { tags, summary: 'Close the vote and record the exact result', params: AgendaItemParamsSchema, response: { 200: AgendaItemSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return toItemDto(await voting.closeVote(deps, actorOf(req), req.params.buildingId, req.params.meetingId, req.params.itemId));
  });

  app.post(`${base}/agenda-items/:itemId/votes`, {
    schema: { tags, summary: 'Record an attendee\'s ballot (chair); a new ballot replaces the previous one until close; after close 409',
      params: AgendaItemParamsSchema, body: VoteCastSchema, response: { 200: VoteAckSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.write', req.params.buildingId);
    return voting.castVoteAsChair(deps, actorOf(req), req.params.buildingId, req.params.meetingId, req.params.itemId, req.body);
  });

  app.get(`${base}/agenda-items/:itemId/result`, {
    schema: { tags, summary: 'The exact tally of a resolution (live while open, frozen once closed)', params: AgendaItemParamsSchema,
      response: { 200: TallySchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'assembly.read', req.params.buildingId);
    return voting.resultOf(deps, actorOf(req), req.params.buildingId, req.params.meetingId, req.params.itemId);
  });
}
