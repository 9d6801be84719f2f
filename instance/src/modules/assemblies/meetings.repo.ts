import type { Db } from '../../platform/db.ts';
import type { Language } from '../buildings/buildings.domain.ts';
import type { Majority } from './majority.domain.ts';
import type { MeetingKind, MeetingStatus } from './meetings.domain.ts';

/** SQL of assembly settings, meetings and agenda items. Every statement filters by organization id. */

export interface BuildingInfo { id: string; name: string; language: Language; totalShares: number; street: string; postalCode: string; city: string }

export async function buildingInfo(db: Db, org: string, buildingId: string): Promise<BuildingInfo | null> {
  const [b] = await db<BuildingInfo[]>`select id, name, language, total_shares as "totalShares", street, postal_code as "postalCode", city
    from buildings where organization_id = ${org} and id = ${buildingId}`;
  return b ?? null;
}

export interface Settings { buildingId: string; convocationMinDays: number; syndicPersonId: string | null }

export async function settings(db: Db, org: string, buildingId: string): Promise<Settings> {
  const [s] = await db<Settings[]>`select building_id as "buildingId", convocation_min_days as "convocationMinDays", syndic_person_id as "syndicPersonId"
    from assembly_settings where organization_id = ${org} and building_id = ${buildingId}`;
  return s ?? { buildingId, convocationMinDays: 15, syndicPersonId: null };
}

export async function saveSettings(db: Db, org: string, s: Settings, at: Date): Promise<void> {
  await db`insert into assembly_settings (organization_id, building_id, convocation_min_days, syndic_person_id, updated_at)
    values (${org}, ${s.buildingId}, ${s.convocationMinDays}, ${s.syndicPersonId}, ${at})
    on conflict (organization_id, building_id) do update set convocation_min_days = excluded.convocation_min_days,
      syndic_person_id = excluded.syndic_person_id, updated_at = excluded.updated_at`;
}

export async function personExists(db: Db, org: string, personId: string): Promise<boolean> {
  const [r] = await db`select 1 from persons where organization_id = ${org} and id = ${personId}`;
  return !!r;
}

export interface MeetingRow {
  id: string; buildingId: string; kind: MeetingKind; firstMeetingId: string | null; assemblyRequestId: string | null;
  convenedBy: 'syndic' | 'requesters'; meetingDate: string; startTime: string; place: string; remoteLink: string | null;
  windowStart: string | null; documentsInfo: string | null; status: MeetingStatus; convenedOn: string | null;
  openedAt: Date | null; quorum: unknown; closedAt: Date | null; createdAt: Date; updatedAt: Date;
}

const MEETING = `id, building_id as "buildingId", kind, first_meeting_id as "firstMeetingId", assembly_request_id as "assemblyRequestId",
  convened_by as "convenedBy", meeting_date::text as "meetingDate", start_time as "startTime", place, remote_link as "remoteLink",
  window_start::text as "windowStart", documents_info as "documentsInfo", status, convened_on::text as "convenedOn",
  opened_at as "openedAt", quorum, closed_at as "closedAt", created_at as "createdAt", updated_at as "updatedAt"`;

export async function findMeeting(db: Db, org: string, buildingId: string, id: string, lock = false): Promise<MeetingRow | null> {
  const [m] = await db<MeetingRow[]>`select ${db.unsafe(MEETING)} from meetings
    where organization_id = ${org} and building_id = ${buildingId} and id = ${id} ${lock ? db`for update` : db``}`;
  return m ?? null;
}

/** A meeting by id alone (the live socket knows the organization and the meeting, not the building). */
export async function findMeetingById(db: Db, org: string, id: string): Promise<MeetingRow | null> {
  const [m] = await db<MeetingRow[]>`select ${db.unsafe(MEETING)} from meetings where organization_id = ${org} and id = ${id}`;
  return m ?? null;
}

export async function listMeetings(db: Db, org: string, buildingId: string): Promise<MeetingRow[]> {
  return db<MeetingRow[]>`select ${db.unsafe(MEETING)} from meetings where organization_id = ${org} and building_id = ${buildingId}
    order by meeting_date desc, id limit 500`;
}

export interface NewMeeting {
  kind: MeetingKind; firstMeetingId: string | null; assemblyRequestId: string | null; convenedBy: 'syndic' | 'requesters';
  meetingDate: string; startTime: string; place: string; remoteLink: string | null; windowStart: string | null; documentsInfo: string | null;
}

export async function insertMeeting(db: Db, org: string, buildingId: string, m: NewMeeting, at: Date): Promise<string> {
  const [r] = await db<{ id: string }[]>`insert into meetings (organization_id, building_id, kind, first_meeting_id, assembly_request_id,
      convened_by, meeting_date, start_time, place, remote_link, window_start, documents_info, created_at, updated_at)
    values (${org}, ${buildingId}, ${m.kind}, ${m.firstMeetingId}, ${m.assemblyRequestId}, ${m.convenedBy}, ${m.meetingDate}, ${m.startTime},
      ${m.place}, ${m.remoteLink}, ${m.windowStart}, ${m.documentsInfo}, ${at}, ${at}) returning id`;
  return r!.id;
}

export async function updateMeeting(db: Db, org: string, id: string, m: Pick<NewMeeting, 'meetingDate' | 'startTime' | 'place' | 'remoteLink' | 'windowStart' | 'documentsInfo'>, at: Date) {
  await db`update meetings set meeting_date = ${m.meetingDate}, start_time = ${m.startTime}, place = ${m.place}, remote_link = ${m.remoteLink},
    window_start = ${m.windowStart}, documents_info = ${m.documentsInfo}, updated_at = ${at} where organization_id = ${org} and id = ${id}`;
}

export async function setStatus(db: Db, org: string, id: string, status: MeetingStatus, at: Date,
  extra: { convenedOn?: string; openedAt?: Date; quorum?: unknown; closedAt?: Date } = {}): Promise<void> {
  await db`update meetings set status = ${status}, updated_at = ${at},
    convened_on = coalesce(${extra.convenedOn ?? null}::date, convened_on),
    opened_at = coalesce(${extra.openedAt ?? null}::timestamptz, opened_at),
    quorum = coalesce(${extra.quorum === undefined ? null : db.json(extra.quorum as never)}::jsonb, quorum),
    closed_at = coalesce(${extra.closedAt ?? null}::timestamptz, closed_at)
    where organization_id = ${org} and id = ${id}`;
}

/** Has a meeting been convened for an owners' request (any status past draft)? */
export async function requestConvened(db: Db, org: string, requestId: string): Promise<string | null> {
  const [r] = await db<{ id: string }[]>`select id from meetings where organization_id = ${org} and assembly_request_id = ${requestId}
    and status <> 'draft' order by created_at limit 1`;
  return r?.id ?? null;
}

export interface AgendaItemRow {
  id: string; meetingId: string; position: number; title: string; draftResolution: string | null; decisionType: string | null;
  majority: Majority | null; excludedPersonIds: string[]; requestedByPersonId: string | null; voteStatus: 'pending' | 'open' | 'closed';
  voteOpenedAt: Date | null; voteClosedAt: Date | null; result: unknown;
}

const ITEM = `id, meeting_id as "meetingId", position, title, draft_resolution as "draftResolution", decision_type as "decisionType", majority,
  excluded_person_ids::text[] as "excludedPersonIds", requested_by_person_id as "requestedByPersonId", vote_status as "voteStatus",
  vote_opened_at as "voteOpenedAt", vote_closed_at as "voteClosedAt", result`;

export async function agendaOf(db: Db, org: string, meetingId: string): Promise<AgendaItemRow[]> {
  return db<AgendaItemRow[]>`select ${db.unsafe(ITEM)} from agenda_items where organization_id = ${org} and meeting_id = ${meetingId} order by position`;
}

export async function findItem(db: Db, org: string, meetingId: string, itemId: string, lock: 'update' | 'share' | null = null): Promise<AgendaItemRow | null> {
  const [r] = await db<AgendaItemRow[]>`select ${db.unsafe(ITEM)} from agenda_items
    where organization_id = ${org} and meeting_id = ${meetingId} and id = ${itemId}
    ${lock === 'update' ? db`for update` : lock === 'share' ? db`for share` : db``}`;
  return r ?? null;
}

export interface NewItem { title: string; draftResolution: string | null; decisionType: string | null; majority: Majority | null;
  excludedPersonIds: string[]; requestedByPersonId: string | null }

export async function insertItem(db: Db, org: string, meetingId: string, i: NewItem, at: Date): Promise<string> {
  const [r] = await db<{ id: string }[]>`insert into agenda_items (organization_id, meeting_id, position, title, draft_resolution, decision_type,
      majority, excluded_person_ids, requested_by_person_id, created_at)
    values (${org}, ${meetingId}, (select coalesce(max(position), 0) + 1 from agenda_items where organization_id = ${org} and meeting_id = ${meetingId}),
      ${i.title}, ${i.draftResolution}, ${i.decisionType}, ${i.majority}, ${i.excludedPersonIds}::uuid[], ${i.requestedByPersonId}, ${at})
    returning id`;
  return r!.id;
}

export async function setItemVote(db: Db, org: string, itemId: string, status: 'open' | 'closed', at: Date, result?: unknown): Promise<void> {
  if (status === 'open') {
    await db`update agenda_items set vote_status = 'open', vote_opened_at = ${at} where organization_id = ${org} and id = ${itemId}`;
  } else {
    await db`update agenda_items set vote_status = 'closed', vote_closed_at = ${at}, result = ${db.json(result as never)}
      where organization_id = ${org} and id = ${itemId}`;
  }
}

/** Whose votes a voter token carries at a meeting (the holder), or null. */
export async function holderFromToken(db: Db, org: string, meetingId: string, tokenHash: string): Promise<string | null> {
  const [r] = await db<{ holder: string }[]>`select holder_person_id as holder from attendance
    where organization_id = ${org} and meeting_id = ${meetingId} and voter_token_hash = ${tokenHash}`;
  return r?.holder ?? null;
}
