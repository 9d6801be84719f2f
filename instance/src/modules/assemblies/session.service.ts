import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { assertStatus, checkAttendanceMode, checkOpeningDay } from './meetings.domain.ts';
import * as repo from './meetings.repo.ts';
import { meetingOf, viewOf, type MeetingView } from './meetings.service.ts';
import { checkProxy } from './proxies.domain.ts';
import { checkQuorum } from './quorum.domain.ts';
import { sum, toWire, ZERO, type Fraction } from './rational.domain.ts';
import * as voting from './voting.repo.ts';
import { totalVotesOf, votersFromRegister } from './voting-rights.domain.ts';

/**
 * The meeting itself: proxies, sign-in (present, remote, represented), opening with the quorum
 * check (the register as of the meeting date is frozen then), and closing.
 */

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

interface VoterSet { voters: Map<string, { personName: string; votes: Fraction }>; totalVotes: Fraction }

/** Who votes with how much at this meeting: frozen at opening, else read from the register as of the meeting date. */
export async function votersAtMeeting(db: Db, org: string, m: repo.MeetingRow): Promise<VoterSet> {
  const lots = await voting.registerLots(db, org, m.buildingId, m.meetingDate);
  const totalVotes = totalVotesOf(lots);
  const rows = m.status === 'open' || m.status === 'closed' || m.status === 'no_quorum'
    ? await voting.votersOf(db, org, m.id)
    : votersFromRegister(lots);
  return { voters: new Map(rows.map((v) => [v.personId, { personName: v.personName, votes: v.votes }])), totalVotes };
}

// ── Proxies ─────────────────────────────────────────────────────────────────
export async function createProxy(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string,
  input: { principalPersonId: string; holderPersonId: string; includesSecondSession: boolean }): Promise<voting.ProxyRow> {
  return inTx(deps, async (tx) => {
    const org = ctx.organizationId;
    const m = await meetingOf(tx, ctx, buildingId, meetingId, true);
    assertStatus(m.status, ['draft', 'convened', 'open'], 'record a proxy for');
    if (!(await repo.personExists(tx, org, input.holderPersonId))) {
      throw new AppError('person.not_found', 'Person not found', { field: 'holderPersonId', id: input.holderPersonId });
    }
    const { voters, totalVotes } = await votersAtMeeting(tx, org, m);
    const active = await voting.activeProxies(tx, org, m.id, m.firstMeetingId);
    const settings = await repo.settings(tx, org, buildingId);
    checkProxy({
      principalId: input.principalPersonId, holderId: input.holderPersonId, holderIsSyndic: settings.syndicPersonId === input.holderPersonId,
      votesOf: (id) => voters.get(id)?.votes, totalVotes,
      currentPrincipals: active.filter((p) => p.holderPersonId === input.holderPersonId).map((p) => p.principalPersonId),
      principalsWithProxy: new Set(active.filter((p) => p.meetingId === m.id).map((p) => p.principalPersonId)),
    });
    const at = deps.clock.now();
    const p = await voting.insertProxy(tx, org, m.id, input, at);
    await audit(tx, ctx, at, 'proxy.created', { type: 'proxy', id: p.id }, { meetingId: m.id });
    return p;
  });
}

export async function listProxies(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string) {
  const m = await meetingOf(deps.sql, ctx, buildingId, meetingId);
  return voting.listProxies(deps.sql, ctx.organizationId, m.id);
}

export async function revokeProxy(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string, proxyId: string): Promise<voting.ProxyRow> {
  return inTx(deps, async (tx) => {
    const m = await meetingOf(tx, ctx, buildingId, meetingId, true);
    const p = await voting.findProxy(tx, ctx.organizationId, m.id, proxyId);
    if (!p) throw notFound('proxy', proxyId);
    if (p.revokedAt) throw new AppError('proxy.already_revoked', 'This proxy was already revoked', { id: proxyId });
    const [used] = await tx`select 1 from attendance where organization_id = ${ctx.organizationId} and proxy_id = ${p.id}`;
    if (used) throw new AppError('proxy.already_used', 'The principal is signed in as represented by this proxy', { id: proxyId });
    const at = deps.clock.now();
    await voting.revokeProxy(tx, ctx.organizationId, p.id, at);
    await audit(tx, ctx, at, 'proxy.revoked', { type: 'proxy', id: p.id }, { meetingId: m.id });
    return { ...p, revokedAt: at };
  });
}

// ── Attendance ──────────────────────────────────────────────────────────────
export interface AttendanceView extends voting.AttendanceRow { votes: Fraction }

export async function listAttendance(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string): Promise<AttendanceView[]> {
  const m = await meetingOf(deps.sql, ctx, buildingId, meetingId);
  const { voters } = await votersAtMeeting(deps.sql, ctx.organizationId, m);
  return (await voting.attendanceOf(deps.sql, ctx.organizationId, m.id)).map((a) => ({ ...a, votes: voters.get(a.personId)?.votes ?? ZERO }));
}

export async function signIn(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string,
  input: { personId: string; mode: 'present' | 'remote' | 'represented' }): Promise<AttendanceView & { voterToken: string }> {
  return inTx(deps, async (tx) => {
    const org = ctx.organizationId;
    const m = await meetingOf(tx, ctx, buildingId, meetingId);
    assertStatus(m.status, ['convened', 'open'], 'sign in to');
    checkAttendanceMode(input.mode, m.remoteLink);
    const { voters } = await votersAtMeeting(tx, org, m);
    const voter = voters.get(input.personId);
    if (!voter) throw new AppError('attendance.not_a_voter', 'This person holds no vote at this meeting (register as of the meeting date)', { field: 'personId' });
    let holder = input.personId;
    let proxyId: string | null = null;
    if (input.mode === 'represented') {
      const proxy = (await voting.activeProxies(tx, org, m.id, m.firstMeetingId)).find((p) => p.principalPersonId === input.personId);
      if (!proxy) throw new AppError('attendance.no_proxy', 'No valid proxy of this owner for this meeting', { field: 'personId' });
      holder = proxy.holderPersonId;
      proxyId = proxy.id;
    }
    const voterToken = randomBytes(24).toString('base64url');
    const at = deps.clock.now();
    const added = await voting.insertAttendance(tx, org, m.id, { personId: input.personId, mode: input.mode, holderPersonId: holder, proxyId,
      tokenHash: hashToken(voterToken) }, at);
    if (!added) throw new AppError('attendance.already_signed_in', 'This owner is already signed in', { field: 'personId' });
    await audit(tx, ctx, at, 'attendance.signed_in', { type: 'meeting', id: m.id }, { personId: input.personId, mode: input.mode });
    return { personId: input.personId, personName: voter.personName, mode: input.mode, holderPersonId: holder, proxyId, signedInAt: at,
      votes: voter.votes, voterToken };
  });
}

// ── Opening and closing ─────────────────────────────────────────────────────
/** Opens the meeting: freezes the voters, checks the quorum on who is signed in now (3.87 §5). No quorum → status no_quorum. */
export async function openMeeting(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string): Promise<MeetingView> {
  return inTx(deps, async (tx) => {
    const org = ctx.organizationId;
    const m = await meetingOf(tx, ctx, buildingId, meetingId, true);
    assertStatus(m.status, ['convened'], 'open');
    checkOpeningDay(m.meetingDate, deps.clock.today());
    const lots = await voting.registerLots(tx, org, buildingId, m.meetingDate);
    const voters = votersFromRegister(lots);
    await voting.insertVoters(tx, org, m.id, voters);
    const present = new Set((await voting.attendanceOf(tx, org, m.id)).map((a) => a.personId));
    const presentVoters = voters.filter((v) => present.has(v.personId));
    const input = { session: m.kind === 'second_session' ? 'second' as const : 'first' as const, ownersTotal: voters.length,
      ownersPresent: presentVoters.length, sharesTotal: totalVotesOf(lots), sharesPresent: sum(presentVoters.map((v) => v.votes)) };
    const q = checkQuorum(input);
    const quorum = { ...q, ownersTotal: input.ownersTotal, ownersPresent: input.ownersPresent,
      sharesTotal: toWire(input.sharesTotal), sharesPresent: toWire(input.sharesPresent) };
    const at = deps.clock.now();
    await repo.setStatus(tx, org, m.id, q.reached ? 'open' : 'no_quorum', at, { openedAt: at, quorum });
    await audit(tx, ctx, at, q.reached ? 'meeting.opened' : 'meeting.no_quorum', { type: 'meeting', id: m.id }, { path: q.path });
    return viewOf(tx, ctx, (await repo.findMeeting(tx, org, buildingId, m.id))!);
  });
}

export async function closeMeeting(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string): Promise<MeetingView> {
  return inTx(deps, async (tx) => {
    const org = ctx.organizationId;
    const m = await meetingOf(tx, ctx, buildingId, meetingId, true);
    assertStatus(m.status, ['open'], 'close');
    const openItems = (await repo.agendaOf(tx, org, m.id)).filter((i) => i.voteStatus === 'open');
    if (openItems.length > 0) {
      throw new AppError('meeting.has_open_votes', 'Close the open votes first', { itemIds: openItems.map((i) => i.id) });
    }
    const at = deps.clock.now();
    await repo.setStatus(tx, org, m.id, 'closed', at, { closedAt: at });
    await audit(tx, ctx, at, 'meeting.closed', { type: 'meeting', id: m.id });
    return viewOf(tx, ctx, (await repo.findMeeting(tx, org, buildingId, m.id))!);
  });
}
