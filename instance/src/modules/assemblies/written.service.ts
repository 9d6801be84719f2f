import { AppError, notFound } from '../../platform/errors.ts';
import type { Db } from '../../platform/db.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import type { DecisionType } from './majority.domain.ts';
import { buildingOf } from './meetings.service.ts';
import { registerLots } from './voting.repo.ts';
import { votersFromRegister } from './voting-rights.domain.ts';
import { checkWrittenProcedure, writtenOutcome, type WrittenStatus } from './written.domain.ts';

/** Use cases of the written procedure (3.87 §11): open it for the owners of the day, record answers, close it. */

export interface WrittenView { id: string; buildingId: string; title: string; resolution: string; decisionType: DecisionType; asOf: string;
  status: WrittenStatus; owners: number; agreed: number; refused: number; closedOn: string | null }

async function load(db: Db, ctx: ActorCtx, buildingId: string, id: string, lock = false) {
  const [p] = await db<Omit<WrittenView, 'owners' | 'agreed' | 'refused'>[]>`select id, building_id as "buildingId", title, resolution,
    decision_type as "decisionType", as_of::text as "asOf", status, closed_on::text as "closedOn" from written_procedures
    where organization_id = ${ctx.organizationId} and building_id = ${buildingId} and id = ${id} ${lock ? db`for update` : db``}`;
  if (!p) throw notFound('written_procedure', id);
  const owners = votersFromRegister(await registerLots(db, ctx.organizationId, buildingId, p.asOf)).map((v) => v.personId);
  const rows = await db<{ personId: string; agrees: boolean }[]>`select person_id as "personId", agrees from written_answers
    where organization_id = ${ctx.organizationId} and procedure_id = ${p.id}`;
  const answers = new Map(rows.map((r) => [r.personId, r.agrees]));
  return { p, owners, answers, view: { ...p, owners: owners.length, agreed: rows.filter((r) => r.agrees).length, refused: rows.filter((r) => !r.agrees).length } };
}

export async function createWritten(deps: RegisterDeps, ctx: ActorCtx, buildingId: string,
  input: { title: string; resolution: string; decisionType: DecisionType; needsAuthenticAct: boolean }): Promise<WrittenView> {
  return inTx(deps, async (tx) => {
    await buildingOf(tx, ctx, buildingId);
    checkWrittenProcedure(input);
    const asOf = deps.clock.today();
    if (votersFromRegister(await registerLots(tx, ctx.organizationId, buildingId, asOf)).length === 0) {
      throw new AppError('written_procedure.no_owners', 'No one holds a vote in this building today', {});
    }
    const at = deps.clock.now();
    const [r] = await tx<{ id: string }[]>`insert into written_procedures (organization_id, building_id, title, resolution, decision_type, as_of, created_at)
      values (${ctx.organizationId}, ${buildingId}, ${input.title}, ${input.resolution}, ${input.decisionType}, ${asOf}, ${at}) returning id`;
    await audit(tx, ctx, at, 'written_procedure.created', { type: 'written_procedure', id: r!.id }, { buildingId });
    return (await load(tx, ctx, buildingId, r!.id)).view;
  });
}

export async function getWritten(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<WrittenView> {
  return (await load(deps.sql, ctx, buildingId, id)).view;
}

async function settle(tx: Db, ctx: ActorCtx, buildingId: string, id: string, today: string, closing: boolean): Promise<WrittenView> {
  const { owners, answers } = await load(tx, ctx, buildingId, id);
  const status = writtenOutcome(owners, answers, closing);
  if (status !== 'open') {
    await tx`update written_procedures set status = ${status}, closed_on = ${today} where organization_id = ${ctx.organizationId} and id = ${id}`;
  }
  return (await load(tx, ctx, buildingId, id)).view;
}

/** One written answer per owner of the day the procedure opened; unanimity adopts it, one refusal rejects it. */
export async function answerWritten(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string, input: { personId: string; agrees: boolean }) {
  return inTx(deps, async (tx) => {
    const { p, owners } = await load(tx, ctx, buildingId, id, true);
    if (p.status !== 'open') throw new AppError('written_procedure.closed', `This written procedure is ${p.status}`, { status: p.status });
    if (!owners.includes(input.personId)) throw new AppError('written_procedure.not_an_owner', 'Only the owners of the day the procedure opened answer', { field: 'personId' });
    const at = deps.clock.now();
    const added = await tx`insert into written_answers (organization_id, procedure_id, person_id, agrees, answered_at)
      values (${ctx.organizationId}, ${p.id}, ${input.personId}, ${input.agrees}, ${at}) on conflict do nothing returning person_id`;
    if (added.length === 0) throw new AppError('written_answer.already_given', 'This owner already answered', { field: 'personId' });
    await audit(tx, ctx, at, 'written_procedure.answered', { type: 'written_procedure', id: p.id }, { personId: input.personId, agrees: input.agrees });
    return settle(tx, ctx, buildingId, p.id, deps.clock.today(), false);
  });
}

/** Closing without every owner's written agreement: no decision (R18). */
export async function closeWritten(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<WrittenView> {
  return inTx(deps, async (tx) => {
    const { p } = await load(tx, ctx, buildingId, id, true);
    if (p.status !== 'open') throw new AppError('written_procedure.closed', `This written procedure is ${p.status}`, { status: p.status });
    const at = deps.clock.now();
    await audit(tx, ctx, at, 'written_procedure.closed', { type: 'written_procedure', id: p.id });
    return settle(tx, ctx, buildingId, p.id, deps.clock.today(), true);
  });
}
