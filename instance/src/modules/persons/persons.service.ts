import { AppError, notFound } from '../../platform/errors.ts';
import { resolvePage, type PageRequest } from '../../platform/pagination.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import {
  applyPersonPatch, changedPersonFields, validatePerson, type Person, type PersonInput, type PersonPatchInput,
} from './persons.domain.ts';
import * as repo from './persons.repo.ts';

/**
 * Use cases of persons. `scope` is the caller's building scope for the permission at hand:
 * a building-scoped caller only reaches persons who hold or held a lot in those buildings.
 */

const ENTITY = 'person';
type Scope = 'all' | string[];

export async function createPerson(deps: RegisterDeps, ctx: ActorCtx, input: PersonInput): Promise<Person> {
  const fields = validatePerson(input, deps.clock.today());
  return inTx(deps, async (tx) => {
    const at = deps.clock.now();
    const id = await repo.insertPerson(tx, ctx.organizationId, fields, at);
    await audit(tx, ctx, at, 'person.created', { type: ENTITY, id }, { kind: fields.kind, emailConsent: fields.emailConsent !== null });
    return (await repo.findPerson(tx, ctx.organizationId, id))!;
  });
}

export async function getPerson(deps: RegisterDeps, ctx: ActorCtx, id: string, scope: Scope = 'all'): Promise<Person> {
  const p = await repo.findPerson(deps.sql, ctx.organizationId, id, scope);
  if (!p) throw notFound(ENTITY, id);
  return p;
}

export interface PersonListInput extends PageRequest, repo.PersonFilter {}

export async function listPersons(deps: RegisterDeps, ctx: ActorCtx, input: PersonListInput) {
  const page = resolvePage(repo.PERSON_SORTS, input, 'name');
  return repo.listPersons(deps.sql, ctx.organizationId, { q: input.q, kind: input.kind, scope: input.scope }, page);
}

export async function updatePerson(deps: RegisterDeps, ctx: ActorCtx, id: string, patch: PersonPatchInput, scope: Scope = 'all'): Promise<Person> {
  return inTx(deps, async (tx) => {
    await repo.lockPerson(tx, ctx.organizationId, id);
    const current = await repo.findPerson(tx, ctx.organizationId, id, scope);
    if (!current) throw notFound(ENTITY, id);
    const next = applyPersonPatch(current, patch, deps.clock.today());
    const changed = changedPersonFields(current, next);
    if (changed.length === 0) return current;
    const at = deps.clock.now();
    await repo.updatePerson(tx, ctx.organizationId, id, next, at);
    await audit(tx, ctx, at, 'person.updated', { type: ENTITY, id }, { fields: changed });
    return (await repo.findPerson(tx, ctx.organizationId, id))!;
  });
}

export async function deletePerson(deps: RegisterDeps, ctx: ActorCtx, id: string, scope: Scope = 'all'): Promise<void> {
  await inTx(deps, async (tx) => {
    await repo.lockPerson(tx, ctx.organizationId, id);
    const current = await repo.findPerson(tx, ctx.organizationId, id, scope);
    if (!current) throw notFound(ENTITY, id);
    if (await repo.hasHistory(tx, ctx.organizationId, id)) {
      throw new AppError('person.has_history', 'This person has holdings (past or present) and cannot be deleted', { id });
    }
    await repo.deletePerson(tx, ctx.organizationId, id);
    await audit(tx, ctx, deps.clock.now(), 'person.deleted', { type: ENTITY, id }, { kind: current.kind });
  });
}
