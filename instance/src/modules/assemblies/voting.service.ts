import type { TallyDto } from '@koprogo/protocols';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { ASSEMBLY_CHANNEL, publishLive } from './live.hub.ts';
import { tally, type Choice, type Participant } from './majority.domain.ts';
import { assertStatus } from './meetings.domain.ts';
import * as repo from './meetings.repo.ts';
import { meetingOf } from './meetings.service.ts';
import { toWire } from './rational.domain.ts';
import * as voting from './voting.repo.ts';

/**
 * Voting on resolutions: open, cast (one ballot per owner, a new vote replaces the old one until
 * close), close with the exact tally, and read the result. Weights come from the voters frozen at
 * opening, never from the request; ballots of owners not present or represented do not count.
 */

async function itemOf(db: Db, ctx: ActorCtx, meetingId: string, itemId: string, lock: 'update' | 'share' | null = null) {
  const i = await repo.findItem(db, ctx.organizationId, meetingId, itemId, lock);
  if (!i) throw notFound('agenda_item', itemId);
  return i;
}

/** The exact tally of one resolution as it stands. */
export async function computeTally(db: Db, org: string, meetingId: string, item: repo.AgendaItemRow): Promise<TallyDto> {
  if (!item.majority) throw new AppError('agenda_item.not_voted', 'This agenda item carries no resolution to vote on', { id: item.id });
  const voters = await voting.votersOf(db, org, meetingId);
  const byId = new Map(voters.map((v) => [v.personId, v]));
  const participants: Participant[] = (await voting.attendanceOf(db, org, meetingId)).flatMap((a) => {
    const v = byId.get(a.personId);
    return v ? [{ ownerId: a.personId, ownerName: v.personName, holderId: a.holderPersonId, votes: v.votes }] : [];
  });
  const ballots = await voting.ballotsOf(db, org, item.id);
  const t = tally({ majority: item.majority, allOwners: voters.map((v) => ({ personId: v.personId, votes: v.votes })), participants, ballots,
    excludedPersonIds: item.excludedPersonIds });
  return {
    majority: t.majority, for: toWire(t.totals.for), against: toWire(t.totals.against), abstention: toWire(t.totals.abstention),
    blank: toWire(t.totals.blank), null: toWire(t.totals.null), cast: toWire(t.cast), adopted: t.adopted, ballots: ballots.length,
    againstNames: t.against.map((x) => x.name), abstainedNames: t.abstained.map((x) => x.name),
    capped: t.capped.map((c) => ({ holderPersonId: c.holderId, carried: toWire(c.carried), cap: toWire(c.cap) })),
  };
}

export async function openVote(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string, itemId: string): Promise<repo.AgendaItemRow> {
  return inTx(deps, async (tx) => {
    const m = await meetingOf(tx, ctx, buildingId, meetingId);
    assertStatus(m.status, ['open'], 'vote in');
    const item = await itemOf(tx, ctx, m.id, itemId, 'update');
    if (!item.majority) throw new AppError('agenda_item.not_voted', 'This agenda item carries no resolution to vote on', { id: item.id });
    if (item.voteStatus !== 'pending') throw new AppError('resolution.already_opened', 'This vote was already opened', { status: item.voteStatus });
    const at = deps.clock.now();
    await repo.setItemVote(tx, ctx.organizationId, item.id, 'open', at);
    await audit(tx, ctx, at, 'resolution.opened', { type: 'agenda_item', id: item.id }, { meetingId: m.id });
    await publishLive(tx, { organizationId: ctx.organizationId, meetingId: m.id, message: { type: 'resolution.opened', itemId: item.id,
      title: item.title, draftResolution: item.draftResolution, majority: item.majority } });
    return (await repo.findItem(tx, ctx.organizationId, m.id, item.id))!;
  });
}

export async function closeVote(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string, itemId: string): Promise<repo.AgendaItemRow> {
  return inTx(deps, async (tx) => {
    const m = await meetingOf(tx, ctx, buildingId, meetingId);
    // FOR UPDATE waits for every vote in flight (they hold FOR SHARE): the tally sees them all, and later ones see "closed".
    const item = await itemOf(tx, ctx, m.id, itemId, 'update');
    if (item.voteStatus === 'closed') throw new AppError('resolution.closed', 'This vote is already closed', { id: item.id });
    if (item.voteStatus !== 'open') throw new AppError('resolution.not_open', 'This vote is not open', { id: item.id, status: item.voteStatus });
    const result = await computeTally(tx, ctx.organizationId, m.id, item);
    const at = deps.clock.now();
    await repo.setItemVote(tx, ctx.organizationId, item.id, 'closed', at, result);
    await audit(tx, ctx, at, 'resolution.closed', { type: 'agenda_item', id: item.id }, { meetingId: m.id, adopted: result.adopted });
    await publishLive(tx, { organizationId: ctx.organizationId, meetingId: m.id, message: { type: 'resolution.closed', itemId: item.id, adopted: result.adopted,
      result: { majority: result.majority, for: result.for, against: result.against, abstention: result.abstention, blank: result.blank,
        null: result.null, cast: result.cast, adopted: result.adopted } } });
    return (await repo.findItem(tx, ctx.organizationId, m.id, item.id))!;
  });
}

export interface VoteInput { personId: string; choice: Choice; clientVoteId?: string | undefined }
export interface VoteAck { itemId: string; personId: string; choice: Choice; clientVoteId: string | null; replaced: boolean }

/**
 * Records one ballot (one statement: see `castBallot`). `asHolder` (live voting) is the person a
 * voter token speaks for: they may vote for themselves and for the owners whose proxy they hold.
 * The chair (API) may record any attendee's ballot.
 */
export async function castVote(deps: RegisterDeps, ctx: ActorCtx, meeting: { id: string; buildingId: string }, itemId: string, input: VoteInput,
  via: 'chair' | 'live', asHolder: string | null = null): Promise<VoteAck> {
  const r = await voting.castBallot(deps.sql, ctx.organizationId, meeting.id, { itemId, personId: input.personId, choice: input.choice,
    clientVoteId: input.clientVoteId ?? null, via, asHolder }, deps.clock.now(), ASSEMBLY_CHANNEL);
  return ackOrRefusal(r, itemId, input, asHolder);
}

/** The acknowledgement of a recorded ballot, or the AppError that says why it was refused. */
export function ackOrRefusal(r: voting.BallotOutcome, itemId: string, input: VoteInput, asHolder: string | null): VoteAck {
  if (r.status === null) throw notFound('agenda_item', itemId);
  if (r.status === 'closed') throw new AppError('resolution.closed', 'This vote is closed: the ballot was not recorded', { id: itemId });
  if (r.status !== 'open') throw new AppError('resolution.not_open', 'This vote is not open yet', { id: itemId });
  if (r.holder === null) throw new AppError('vote.not_attending', 'This owner is neither present nor represented', { field: 'personId' });
  if (asHolder !== null && r.holder !== asHolder) throw new AppError('vote.not_your_ballot', 'You may vote only for yourself and the owners whose proxy you hold', { field: 'personId' });
  if (r.excluded!.includes(input.personId) || r.excluded!.includes(r.holder)) {
    throw new AppError('vote.conflict_of_interest', 'This person takes no part in the vote on their own mission, personally or by proxy (C. civ. art. 3.87 §9)', { field: 'personId' });
  }
  return { itemId, personId: input.personId, choice: r.choice!, clientVoteId: input.clientVoteId ?? null, replaced: r.replaced };
}

export async function castVoteAsChair(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string, itemId: string, input: VoteInput) {
  const m = await meetingOf(deps.sql, ctx, buildingId, meetingId);
  return castVote(deps, ctx, m, itemId, input, 'chair');
}

export async function resultOf(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string, itemId: string): Promise<TallyDto> {
  const m = await meetingOf(deps.sql, ctx, buildingId, meetingId);
  const item = await itemOf(deps.sql, ctx, m.id, itemId);
  if (item.voteStatus === 'closed') return item.result as TallyDto;
  if (item.voteStatus === 'pending') throw new AppError('resolution.not_open', 'This vote has not been opened', { id: item.id });
  return computeTally(deps.sql, ctx.organizationId, m.id, item);
}
