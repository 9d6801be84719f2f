import { AppError, notFound } from '../../platform/errors.ts';
import type { Db } from '../../platform/db.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { majorityFor, type DecisionType } from './majority.domain.ts';
import { assertAgendaEditable, assertStatus, checkSecondSessionDate, requestersMayConvene } from './meetings.domain.ts';
import * as repo from './meetings.repo.ts';

/** Use cases of assembly settings, meetings and their agenda. One transaction each, with its audit row. */

export interface MeetingView extends repo.MeetingRow { agenda: repo.AgendaItemRow[] }

export async function buildingOf(db: Db, ctx: ActorCtx, buildingId: string): Promise<repo.BuildingInfo> {
  const b = await repo.buildingInfo(db, ctx.organizationId, buildingId);
  if (!b) throw notFound('building', buildingId);
  return b;
}

export async function meetingOf(db: Db, ctx: ActorCtx, buildingId: string, meetingId: string, lock = false): Promise<repo.MeetingRow> {
  const m = await repo.findMeeting(db, ctx.organizationId, buildingId, meetingId, lock);
  if (!m) throw notFound('meeting', meetingId);
  return m;
}

export async function viewOf(db: Db, ctx: ActorCtx, m: repo.MeetingRow): Promise<MeetingView> {
  return { ...m, agenda: await repo.agendaOf(db, ctx.organizationId, m.id) };
}

async function assertPersons(db: Db, ctx: ActorCtx, ids: readonly string[], field: string): Promise<void> {
  for (const [i, id] of ids.entries()) {
    if (!(await repo.personExists(db, ctx.organizationId, id))) {
      throw new AppError('person.not_found', 'Person not found', { field: `${field}.${i}`, id });
    }
  }
}

export async function getSettings(deps: RegisterDeps, ctx: ActorCtx, buildingId: string): Promise<repo.Settings> {
  await buildingOf(deps.sql, ctx, buildingId);
  return repo.settings(deps.sql, ctx.organizationId, buildingId);
}

export async function patchSettings(deps: RegisterDeps, ctx: ActorCtx, buildingId: string,
  input: { convocationMinDays?: number | undefined; syndicPersonId?: string | null | undefined }): Promise<repo.Settings> {
  return inTx(deps, async (tx) => {
    await buildingOf(tx, ctx, buildingId);
    const current = await repo.settings(tx, ctx.organizationId, buildingId);
    const next = { ...current, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as repo.Settings;
    if (next.convocationMinDays < 15) {
      throw new AppError('assembly_settings.delay_too_short', 'The statutes may lengthen the 15-day convocation delay, never shorten it (C. civ. art. 3.87 §3)',
        { field: 'convocationMinDays', min: 15 });
    }
    if (next.syndicPersonId) await assertPersons(tx, ctx, [next.syndicPersonId], 'syndicPersonId');
    const at = deps.clock.now();
    await repo.saveSettings(tx, ctx.organizationId, next, at);
    await audit(tx, ctx, at, 'assembly_settings.updated', { type: 'building', id: buildingId }, { fields: Object.keys(input) });
    return next;
  });
}

export interface MeetingInput {
  kind: repo.MeetingRow['kind']; firstMeetingId?: string | undefined; assemblyRequestId?: string | undefined;
  convenedBy: 'syndic' | 'requesters'; meetingDate: string; startTime: string; place: string; remoteLink?: string | undefined;
  windowStart?: string | undefined; documentsInfo?: string | undefined;
}

export async function createMeeting(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: MeetingInput): Promise<MeetingView> {
  return inTx(deps, async (tx) => {
    await buildingOf(tx, ctx, buildingId);
    if (input.kind === 'second_session') {
      if (!input.firstMeetingId) throw new AppError('meeting.first_meeting_required', 'A second session names the first meeting', { field: 'firstMeetingId' });
      const first = await repo.findMeeting(tx, ctx.organizationId, buildingId, input.firstMeetingId);
      if (!first) throw new AppError('meeting.not_found', 'Meeting not found', { field: 'firstMeetingId', id: input.firstMeetingId });
      checkSecondSessionDate(first, input.meetingDate);
    } else if (input.firstMeetingId) {
      throw new AppError('meeting.first_meeting_unexpected', 'Only a second session names a first meeting', { field: 'firstMeetingId' });
    }
    if (input.convenedBy === 'requesters') {
      if (!input.assemblyRequestId) throw new AppError('meeting.request_required', 'Requesters convene on the basis of their request', { field: 'assemblyRequestId' });
    }
    if (input.assemblyRequestId) {
      const [req] = await tx<{ syndicDeadline: string }[]>`select syndic_deadline::text as "syndicDeadline" from assembly_requests
        where organization_id = ${ctx.organizationId} and building_id = ${buildingId} and id = ${input.assemblyRequestId}`;
      if (!req) throw new AppError('assembly_request.not_found', 'Assembly request not found', { field: 'assemblyRequestId', id: input.assemblyRequestId });
      const convened = await repo.requestConvened(tx, ctx.organizationId, input.assemblyRequestId);
      if (input.convenedBy === 'requesters' && !requestersMayConvene(req.syndicDeadline, deps.clock.today(), convened !== null)) {
        throw new AppError('meeting.requesters_cannot_convene_yet',
          `The requesters may convene only after the syndic's deadline (${req.syndicDeadline}) passed with no convocation (C. civ. art. 3.87 §2)`,
          { field: 'convenedBy', syndicDeadline: req.syndicDeadline });
      }
    }
    const at = deps.clock.now();
    const id = await repo.insertMeeting(tx, ctx.organizationId, buildingId, {
      kind: input.kind, firstMeetingId: input.firstMeetingId ?? null, assemblyRequestId: input.assemblyRequestId ?? null, convenedBy: input.convenedBy,
      meetingDate: input.meetingDate, startTime: input.startTime, place: input.place, remoteLink: input.remoteLink ?? null,
      windowStart: input.windowStart ?? null, documentsInfo: input.documentsInfo ?? null,
    }, at);
    if (input.kind === 'second_session') {
      // The second session takes up the same agenda (3.87 §5): copy it.
      for (const item of await repo.agendaOf(tx, ctx.organizationId, input.firstMeetingId!)) {
        await repo.insertItem(tx, ctx.organizationId, id, { ...item, decisionType: item.decisionType, majority: item.majority }, at);
      }
    }
    await audit(tx, ctx, at, 'meeting.created', { type: 'meeting', id }, { buildingId, kind: input.kind, meetingDate: input.meetingDate });
    return viewOf(tx, ctx, (await repo.findMeeting(tx, ctx.organizationId, buildingId, id))!);
  });
}

export async function getMeeting(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string): Promise<MeetingView> {
  return viewOf(deps.sql, ctx, await meetingOf(deps.sql, ctx, buildingId, meetingId));
}

export async function listMeetings(deps: RegisterDeps, ctx: ActorCtx, buildingId: string): Promise<repo.MeetingRow[]> {
  await buildingOf(deps.sql, ctx, buildingId);
  return repo.listMeetings(deps.sql, ctx.organizationId, buildingId);
}

export async function patchMeeting(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string, input: {
  meetingDate?: string | undefined; startTime?: string | undefined; place?: string | undefined; remoteLink?: string | null | undefined;
  windowStart?: string | null | undefined; documentsInfo?: string | null | undefined;
}): Promise<MeetingView> {
  return inTx(deps, async (tx) => {
    const m = await meetingOf(tx, ctx, buildingId, meetingId, true);
    assertStatus(m.status, ['draft'], 'change the date, place or link of');
    const pick = <K extends keyof typeof input>(k: K, current: string | null) => (input[k] === undefined ? current : input[k]) as string | null;
    const next = {
      meetingDate: pick('meetingDate', m.meetingDate)!, startTime: pick('startTime', m.startTime)!, place: pick('place', m.place)!,
      remoteLink: pick('remoteLink', m.remoteLink), windowStart: pick('windowStart', m.windowStart), documentsInfo: pick('documentsInfo', m.documentsInfo),
    };
    if (m.kind === 'second_session' && m.firstMeetingId) {
      checkSecondSessionDate((await repo.findMeeting(tx, ctx.organizationId, buildingId, m.firstMeetingId))!, next.meetingDate);
    }
    const at = deps.clock.now();
    await repo.updateMeeting(tx, ctx.organizationId, m.id, next, at);
    await audit(tx, ctx, at, 'meeting.updated', { type: 'meeting', id: m.id }, { fields: Object.keys(input) });
    return viewOf(tx, ctx, (await repo.findMeeting(tx, ctx.organizationId, buildingId, m.id))!);
  });
}

export async function addAgendaItem(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string, input: {
  title: string; draftResolution?: string | undefined; decisionType?: DecisionType | undefined; excludedPersonIds: string[];
}, requestedBy: string | null = null): Promise<MeetingView> {
  return inTx(deps, async (tx) => {
    const m = await meetingOf(tx, ctx, buildingId, meetingId, true);
    assertAgendaEditable(m.status);
    await assertPersons(tx, ctx, input.excludedPersonIds, 'excludedPersonIds');
    const at = deps.clock.now();
    const id = await repo.insertItem(tx, ctx.organizationId, m.id, {
      title: input.title, draftResolution: input.draftResolution ?? null, decisionType: input.decisionType ?? null,
      majority: input.decisionType ? majorityFor(input.decisionType) : null, excludedPersonIds: [...new Set(input.excludedPersonIds)], requestedByPersonId: requestedBy,
    }, at);
    await audit(tx, ctx, at, 'agenda_item.created', { type: 'agenda_item', id }, { meetingId: m.id, decisionType: input.decisionType ?? null });
    return viewOf(tx, ctx, m);
  });
}
