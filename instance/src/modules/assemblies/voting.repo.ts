import type { Db } from '../../platform/db.ts';
import { fraction } from '../holdings/fraction.domain.ts';
import type { Right } from '../holdings/holdings.domain.ts';
import type { Language } from '../buildings/buildings.domain.ts';
import type { Choice } from './majority.domain.ts';
import type { Fraction } from './rational.domain.ts';
import type { RegisterLot } from './voting-rights.domain.ts';

/** SQL of the register read for votes, proxies, attendance, frozen voters and ballots. Scoped by organization id. */

/** Every lot of the building with its holders as of `date` (the whole register, no paging: votes need it all). */
export async function registerLots(db: Db, org: string, buildingId: string, date: string): Promise<RegisterLot[]> {
  const rows = await db<{ lotId: string; lotNumber: string; shares: number; personId: string | null; personName: string | null;
    right: Right | null; partNum: number | null; partDen: number | null; votes: boolean | null }[]>`
    select l.id as "lotId", l.number as "lotNumber", l.shares, h.person_id as "personId", pe.display_name as "personName",
      h.right_kind as "right", h.part_num as "partNum", h.part_den as "partDen", h.votes
    from lots l
    left join holdings h on h.organization_id = l.organization_id and h.lot_id = l.id
      and h.valid_from <= ${date}::date and (h.valid_to is null or h.valid_to > ${date}::date)
    left join persons pe on pe.organization_id = h.organization_id and pe.id = h.person_id
    where l.organization_id = ${org} and l.building_id = ${buildingId}
    order by l.number, l.id, h.person_id`;
  const lots = new Map<string, RegisterLot & { holders: RegisterLot['holders'][number][] }>();
  for (const r of rows) {
    let lot = lots.get(r.lotId);
    if (!lot) lots.set(r.lotId, lot = { lotId: r.lotId, lotNumber: r.lotNumber, shares: r.shares, holders: [] });
    if (r.personId !== null) {
      lot.holders.push({ personId: r.personId, personName: r.personName!, right: r.right!, part: fraction(r.partNum!, r.partDen!), votes: r.votes! });
    }
  }
  return [...lots.values()];
}

export interface PersonContact { id: string; name: string; language: Language }

export async function personsByIds(db: Db, org: string, ids: readonly string[]): Promise<PersonContact[]> {
  return db<PersonContact[]>`select id, display_name as name, language from persons where organization_id = ${org} and id = any(${[...ids]}::uuid[])`;
}

// ── Frozen voters ─────────────────────────────────────────────────────────────
export interface VoterRow { personId: string; personName: string; votes: Fraction }

export async function insertVoters(db: Db, org: string, meetingId: string, voters: readonly VoterRow[]): Promise<void> {
  if (voters.length === 0) return;
  const rows = voters.map((v) => ({ organization_id: org, meeting_id: meetingId, person_id: v.personId, person_name: v.personName,
    votes_num: v.votes.num.toString(), votes_den: v.votes.den.toString() }));
  await db`insert into meeting_voters ${db(rows)}`;
}

export async function votersOf(db: Db, org: string, meetingId: string): Promise<VoterRow[]> {
  const rows = await db<{ personId: string; personName: string; num: string; den: string }[]>`select person_id as "personId", person_name as "personName",
    votes_num::text as num, votes_den::text as den from meeting_voters where organization_id = ${org} and meeting_id = ${meetingId} order by person_name, person_id`;
  return rows.map((r) => ({ personId: r.personId, personName: r.personName, votes: fraction(BigInt(r.num), BigInt(r.den)) }));
}

// ── Proxies ───────────────────────────────────────────────────────────────────
export interface ProxyRow { id: string; meetingId: string; principalPersonId: string; holderPersonId: string; includesSecondSession: boolean;
  createdAt: Date; revokedAt: Date | null }

const PROXY = `id, meeting_id as "meetingId", principal_person_id as "principalPersonId", holder_person_id as "holderPersonId",
  includes_second_session as "includesSecondSession", created_at as "createdAt", revoked_at as "revokedAt"`;

/** Active proxies usable at a meeting: its own, and those of the first meeting when it is a second session. */
export async function activeProxies(db: Db, org: string, meetingId: string, firstMeetingId: string | null): Promise<ProxyRow[]> {
  return db<ProxyRow[]>`select ${db.unsafe(PROXY)} from proxies where organization_id = ${org} and revoked_at is null
    and (meeting_id = ${meetingId} or (meeting_id = ${firstMeetingId} and includes_second_session))
    and not exists (select 1 from proxies p2 where p2.organization_id = proxies.organization_id and p2.meeting_id = ${meetingId}
      and p2.revoked_at is null and p2.principal_person_id = proxies.principal_person_id and proxies.meeting_id <> ${meetingId})
    order by created_at, id`;
}

export async function listProxies(db: Db, org: string, meetingId: string): Promise<ProxyRow[]> {
  return db<ProxyRow[]>`select ${db.unsafe(PROXY)} from proxies where organization_id = ${org} and meeting_id = ${meetingId} order by created_at, id`;
}

export async function insertProxy(db: Db, org: string, meetingId: string, p: { principalPersonId: string; holderPersonId: string; includesSecondSession: boolean }, at: Date) {
  const [r] = await db<ProxyRow[]>`insert into proxies (organization_id, meeting_id, principal_person_id, holder_person_id, includes_second_session, created_at)
    values (${org}, ${meetingId}, ${p.principalPersonId}, ${p.holderPersonId}, ${p.includesSecondSession}, ${at}) returning ${db.unsafe(PROXY)}`;
  return r!;
}

export async function findProxy(db: Db, org: string, meetingId: string, id: string): Promise<ProxyRow | null> {
  const [r] = await db<ProxyRow[]>`select ${db.unsafe(PROXY)} from proxies where organization_id = ${org} and meeting_id = ${meetingId} and id = ${id} for update`;
  return r ?? null;
}

export async function revokeProxy(db: Db, org: string, id: string, at: Date): Promise<void> {
  await db`update proxies set revoked_at = ${at} where organization_id = ${org} and id = ${id}`;
}

// ── Attendance ────────────────────────────────────────────────────────────────
export interface AttendanceRow { personId: string; personName: string; mode: 'present' | 'remote' | 'represented'; holderPersonId: string;
  proxyId: string | null; signedInAt: Date }

export async function attendanceOf(db: Db, org: string, meetingId: string): Promise<AttendanceRow[]> {
  return db<AttendanceRow[]>`select a.person_id as "personId", pe.display_name as "personName", a.mode, a.holder_person_id as "holderPersonId",
    a.proxy_id as "proxyId", a.signed_in_at as "signedInAt"
    from attendance a join persons pe on pe.organization_id = a.organization_id and pe.id = a.person_id
    where a.organization_id = ${org} and a.meeting_id = ${meetingId} order by pe.sort_name, a.person_id`;
}

export async function insertAttendance(db: Db, org: string, meetingId: string, a: { personId: string; mode: string; holderPersonId: string;
  proxyId: string | null; tokenHash: string }, at: Date): Promise<boolean> {
  const rows = await db`insert into attendance (organization_id, meeting_id, person_id, mode, holder_person_id, proxy_id, voter_token_hash, signed_in_at)
    values (${org}, ${meetingId}, ${a.personId}, ${a.mode}, ${a.holderPersonId}, ${a.proxyId}, ${a.tokenHash}, ${at})
    on conflict (meeting_id, person_id) do nothing returning person_id`;
  return rows.length === 1;
}

// ── Ballots ───────────────────────────────────────────────────────────────────
export interface BallotOutcome {
  status: 'pending' | 'open' | 'closed' | null; holder: string | null; excluded: string[] | null;
  replaced: boolean; choice: Choice | null;
}

/**
 * One ballot, in ONE statement (one round trip, its own transaction): lock the resolution FOR SHARE
 * (a close, FOR UPDATE, waits for the ballots in flight), check it is open, that the owner is signed
 * in (and, when `asHolder` is given, that this holder carries their votes) and not excluded, then
 * upsert on (resolution, owner) — a new vote replaces the previous one, never counted twice; the same
 * client vote id again changes nothing — and notify the chair's view. The caller reads why a ballot
 * was refused from the returned state.
 */
export async function castBallot(db: Db, org: string, meetingId: string, v: { itemId: string; personId: string; choice: Choice;
  clientVoteId: string | null; via: 'chair' | 'live'; asHolder: string | null }, at: Date, channel: string): Promise<BallotOutcome> {
  const [r] = await db<{ status: BallotOutcome['status']; holder: string | null; excluded: string[] | null; replaced: boolean;
    newChoice: Choice | null; prevChoice: Choice | null }[]>`
    with item as (
      select id, vote_status, excluded_person_ids from agenda_items
      where organization_id = ${org} and meeting_id = ${meetingId} and id = ${v.itemId} for share
    ), att as (
      select holder_person_id as holder from attendance where organization_id = ${org} and meeting_id = ${meetingId} and person_id = ${v.personId}
    ), prev as (
      select choice, client_vote_id from votes where agenda_item_id = ${v.itemId} and person_id = ${v.personId}
    ), ok as (
      select 1 from item, att where item.vote_status = 'open' and (${v.asHolder}::uuid is null or att.holder = ${v.asHolder}::uuid)
        and not (${v.personId}::uuid = any(item.excluded_person_ids) or att.holder = any(item.excluded_person_ids))
    ), ins as (
      insert into votes (organization_id, agenda_item_id, person_id, choice, client_vote_id, cast_via, cast_at)
      select ${org}, ${v.itemId}, ${v.personId}, ${v.choice}, ${v.clientVoteId}, ${v.via}, ${at} from ok
      on conflict (agenda_item_id, person_id) do update set choice = excluded.choice, client_vote_id = excluded.client_vote_id,
        cast_via = excluded.cast_via, cast_at = excluded.cast_at
        where excluded.client_vote_id is null or votes.client_vote_id is distinct from excluded.client_vote_id
      returning choice
    ), note as (
      select pg_notify(${channel}, json_build_object('organizationId', ${org}::text, 'meetingId', ${meetingId}::text,
        'message', json_build_object('type', 'vote.recorded', 'itemId', ${v.itemId}::text, 'personId', ${v.personId}::text, 'choice', ins.choice))::text)
      from ins
    )
    select (select vote_status from item) as status, (select holder from att) as holder, (select excluded_person_ids::text[] from item) as excluded,
      exists (select 1 from prev) as replaced, (select choice from ins) as "newChoice", (select choice from prev) as "prevChoice",
      (select count(*) from note) as notified`;
  return { status: r!.status, holder: r!.holder, excluded: r!.excluded, replaced: r!.replaced && r!.newChoice !== null, choice: r!.newChoice ?? r!.prevChoice };
}

export async function ballotsOf(db: Db, org: string, itemId: string): Promise<{ ownerId: string; choice: Choice }[]> {
  return db<{ ownerId: string; choice: Choice }[]>`select person_id as "ownerId", choice from votes where organization_id = ${org} and agenda_item_id = ${itemId}`;
}

export interface BatchBallot { itemId: string; personId: string; choice: Choice; clientVoteId: string | null; asHolder: string | null }

/**
 * Many ballots of one meeting in ONE statement (the live socket's group commit): the same checks
 * and upsert as `castBallot`, row by row, and one notification per recorded ballot. The caller
 * never puts the same (resolution, owner) twice in a batch. Outcomes come back in input order.
 */
export async function castBallots(db: Db, org: string, meetingId: string, ballots: readonly BatchBallot[], via: 'chair' | 'live', at: Date,
  channel: string): Promise<BallotOutcome[]> {
  const rows = await db<{ ord: number; status: BallotOutcome['status']; holder: string | null; excluded: string[] | null; hadPrev: boolean;
    newChoice: Choice | null; prevChoice: Choice | null }[]>`
    with input as (
      select * from unnest(${ballots.map((b) => b.itemId)}::uuid[], ${ballots.map((b) => b.personId)}::uuid[], ${ballots.map((b) => b.choice)}::text[],
        ${ballots.map((b) => b.clientVoteId) as string[]}::text[], ${ballots.map((b) => b.asHolder) as string[]}::uuid[])
        with ordinality as t(item_id, person_id, choice, client_vote_id, as_holder, ord)
    ), item as (
      select id, vote_status, excluded_person_ids from agenda_items
      where organization_id = ${org} and meeting_id = ${meetingId} and id in (select item_id from input) for share
    ), checked as (
      select i.*, it.vote_status as status, a.holder_person_id as holder, it.excluded_person_ids as excluded, p.choice as prev_choice,
        p.person_id is not null as had_prev,
        coalesce(it.vote_status = 'open' and a.holder_person_id is not null and (i.as_holder is null or a.holder_person_id = i.as_holder)
          and not (i.person_id = any(it.excluded_person_ids) or a.holder_person_id = any(it.excluded_person_ids)), false) as ok
      from input i
      left join item it on it.id = i.item_id
      left join attendance a on a.organization_id = ${org} and a.meeting_id = ${meetingId} and a.person_id = i.person_id
      left join votes p on p.agenda_item_id = i.item_id and p.person_id = i.person_id
    ), ins as (
      insert into votes (organization_id, agenda_item_id, person_id, choice, client_vote_id, cast_via, cast_at)
      select ${org}, item_id, person_id, choice, client_vote_id, ${via}, ${at} from checked where ok
      on conflict (agenda_item_id, person_id) do update set choice = excluded.choice, client_vote_id = excluded.client_vote_id,
        cast_via = excluded.cast_via, cast_at = excluded.cast_at
        where excluded.client_vote_id is null or votes.client_vote_id is distinct from excluded.client_vote_id
      returning agenda_item_id, person_id, choice
    ), note as (
      select pg_notify(${channel}, json_build_object('organizationId', ${org}::text, 'meetingId', ${meetingId}::text,
        'message', json_build_object('type', 'vote.recorded', 'itemId', agenda_item_id::text, 'personId', person_id::text, 'choice', choice))::text)
      from ins
    )
    select c.ord::int as ord, c.status, c.holder, c.excluded::text[] as excluded, c.had_prev as "hadPrev", ins.choice as "newChoice",
      c.prev_choice as "prevChoice", (select count(*) from note) as notified
    from checked c left join ins on ins.agenda_item_id = c.item_id and ins.person_id = c.person_id
    order by c.ord`;
  return rows.map((r) => ({ status: r.status, holder: r.holder, excluded: r.excluded, replaced: r.hadPrev && r.newChoice !== null,
    choice: r.newChoice ?? r.prevChoice }));
}
