import { AppError } from '../../platform/errors.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { majorityFor, type DecisionType } from './majority.domain.ts';
import { agendaRequestOutcome, checkAssemblyRequest, requestersMayConvene } from './meetings.domain.ts';
import * as repo from './meetings.repo.ts';
import { buildingOf, meetingOf } from './meetings.service.ts';
import { fraction, sum, toWire, type Fraction } from './rational.domain.ts';
import { registerLots } from './voting.repo.ts';
import { totalVotesOf, votersFromRegister } from './voting-rights.domain.ts';

/**
 * Owners' requests (3.87 §2): an assembly asked by owners holding ≥ 1/5 of the quote-parts (the
 * syndic has 30 days, then the requesters may convene), and agenda items asked by an owner
 * (on this meeting's agenda if received 21 days before the window, else deferred to the next AG).
 */

function receivedOnOf(today: string, receivedOn: string | undefined): string {
  if (receivedOn !== undefined && receivedOn > today) {
    throw new AppError('request.received_in_future', 'A request cannot be received after today', { field: 'receivedOn', today });
  }
  return receivedOn ?? today;
}

const parseFraction = (text: string): Fraction => {
  const [n, d] = text.split('/');
  return fraction(BigInt(n!), BigInt(d ?? '1'));
};

export interface AssemblyRequestView {
  id: string; buildingId: string; receivedOn: string; requesterPersonIds: string[]; subject: string;
  requesterVotes: ReturnType<typeof toWire>; totalVotes: ReturnType<typeof toWire>; syndicDeadline: string; meetingId: string | null; requestersMayConvene: boolean;
}

export async function createAssemblyRequest(deps: RegisterDeps, ctx: ActorCtx, buildingId: string,
  input: { requesterPersonIds: string[]; subject: string; receivedOn?: string | undefined }): Promise<AssemblyRequestView> {
  return inTx(deps, async (tx) => {
    await buildingOf(tx, ctx, buildingId);
    const today = deps.clock.today();
    const receivedOn = receivedOnOf(today, input.receivedOn);
    const lots = await registerLots(tx, ctx.organizationId, buildingId, receivedOn);
    const voters = new Map(votersFromRegister(lots).map((v) => [v.personId, v]));
    const ids = [...new Set(input.requesterPersonIds)];
    const missing = ids.findIndex((id) => !voters.has(id));
    if (missing >= 0) {
      throw new AppError('assembly_request.not_an_owner', 'Every requester must hold a vote in the building on the day of the request',
        { field: `requesterPersonIds.${missing}`, id: ids[missing] });
    }
    const requesterVotes = sum(ids.map((id) => voters.get(id)!.votes));
    const totalVotes = totalVotesOf(lots);
    const { syndicDeadline } = checkAssemblyRequest({ requesterVotes, totalVotes, receivedOn });
    const at = deps.clock.now();
    const [row] = await tx<{ id: string }[]>`insert into assembly_requests (organization_id, building_id, received_on, requester_person_ids,
        requester_votes, total_votes, subject, syndic_deadline, created_at)
      values (${ctx.organizationId}, ${buildingId}, ${receivedOn}, ${ids}::uuid[], ${`${requesterVotes.num}/${requesterVotes.den}`},
        ${`${totalVotes.num}/${totalVotes.den}`}, ${input.subject}, ${syndicDeadline}, ${at}) returning id`;
    await audit(tx, ctx, at, 'assembly_request.created', { type: 'assembly_request', id: row!.id }, { buildingId, requesters: ids.length });
    return { id: row!.id, buildingId, receivedOn, requesterPersonIds: ids, subject: input.subject, requesterVotes: toWire(requesterVotes),
      totalVotes: toWire(totalVotes), syndicDeadline, meetingId: null, requestersMayConvene: false };
  });
}

export async function listAssemblyRequests(deps: RegisterDeps, ctx: ActorCtx, buildingId: string): Promise<AssemblyRequestView[]> {
  await buildingOf(deps.sql, ctx, buildingId);
  const rows = await deps.sql<{ id: string; receivedOn: string; ids: string[]; subject: string; rv: string; tv: string; deadline: string; meetingId: string | null }[]>`
    select r.id, r.received_on::text as "receivedOn", r.requester_person_ids::text[] as ids, r.subject, r.requester_votes as rv, r.total_votes as tv,
      r.syndic_deadline::text as deadline,
      (select m.id from meetings m where m.organization_id = r.organization_id and m.assembly_request_id = r.id and m.status <> 'draft'
        order by m.created_at limit 1) as "meetingId"
    from assembly_requests r where r.organization_id = ${ctx.organizationId} and r.building_id = ${buildingId}
    order by r.received_on desc, r.id limit 500`;
  const today = deps.clock.today();
  return rows.map((r) => ({ id: r.id, buildingId, receivedOn: r.receivedOn, requesterPersonIds: r.ids, subject: r.subject,
    requesterVotes: toWire(parseFraction(r.rv)), totalVotes: toWire(parseFraction(r.tv)), syndicDeadline: r.deadline, meetingId: r.meetingId,
    requestersMayConvene: requestersMayConvene(r.deadline, today, r.meetingId !== null) }));
}

export interface AgendaRequestView { id: string; meetingId: string; personId: string; receivedOn: string; title: string;
  outcome: 'added' | 'deferred'; agendaItemId: string | null }

export async function createAgendaRequest(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: {
  meetingId: string; personId: string; title: string; draftResolution?: string | undefined; decisionType?: DecisionType | undefined;
  receivedOn?: string | undefined;
}): Promise<AgendaRequestView> {
  return inTx(deps, async (tx) => {
    const m = await meetingOf(tx, ctx, buildingId, input.meetingId, true);
    const receivedOn = receivedOnOf(deps.clock.today(), input.receivedOn);
    const voters = votersFromRegister(await registerLots(tx, ctx.organizationId, buildingId, receivedOn));
    if (!voters.some((v) => v.personId === input.personId)) {
      throw new AppError('agenda_request.not_an_owner', 'Only an owner of the building may ask for an agenda item', { field: 'personId' });
    }
    const outcome = agendaRequestOutcome(m, receivedOn);
    const at = deps.clock.now();
    const itemId = outcome === 'added'
      ? await repo.insertItem(tx, ctx.organizationId, m.id, { title: input.title, draftResolution: input.draftResolution ?? null,
        decisionType: input.decisionType ?? null, majority: input.decisionType ? majorityFor(input.decisionType) : null, excludedPersonIds: [], requestedByPersonId: input.personId }, at)
      : null;
    const [row] = await tx<{ id: string }[]>`insert into agenda_requests (organization_id, building_id, meeting_id, person_id, received_on, title,
        draft_resolution, outcome, agenda_item_id, created_at)
      values (${ctx.organizationId}, ${buildingId}, ${m.id}, ${input.personId}, ${receivedOn}, ${input.title}, ${input.draftResolution ?? null},
        ${outcome}, ${itemId}, ${at}) returning id`;
    await audit(tx, ctx, at, 'agenda_request.created', { type: 'agenda_request', id: row!.id }, { meetingId: m.id, outcome });
    return { id: row!.id, meetingId: m.id, personId: input.personId, receivedOn, title: input.title, outcome, agendaItemId: itemId };
  });
}

export async function listAgendaRequests(deps: RegisterDeps, ctx: ActorCtx, buildingId: string): Promise<AgendaRequestView[]> {
  await buildingOf(deps.sql, ctx, buildingId);
  return deps.sql<AgendaRequestView[]>`select id, meeting_id as "meetingId", person_id as "personId", received_on::text as "receivedOn", title,
    outcome, agenda_item_id as "agendaItemId" from agenda_requests where organization_id = ${ctx.organizationId} and building_id = ${buildingId}
    order by received_on desc, id limit 500`;
}
