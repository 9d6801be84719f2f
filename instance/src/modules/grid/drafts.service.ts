import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import type { Deps } from '../../platform/deps.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { inTransaction } from '../../platform/queue.ts';
import { audit, inTx, type ActorCtx } from '../buildings/use-case.ts';
import { approvedConvocationText } from './convocation-drafts.service.ts';
import { convocationTemplate } from './convocation-templates.domain.ts';
import { creditApprovedWork } from './credit.service.ts';
import * as repo from './drafts.repo.ts';
import { reminderValues } from './facts.domain.ts';
import { fillPlaceholders, type ReminderLevel } from './placeholders.domain.ts';
import { reminderTemplate, TEMPLATE_VERSION } from './templates.domain.ts';
import { verifyDraft } from './verify.domain.ts';

/**
 * The syndic's AI drafts: ask for a reminder draft (queued for the grid; convocation drafts are asked
 * for in convocation-drafts.service.ts), read it, write it by hand or take the deterministic template,
 * approve it. Nothing is sent from here: approval fills in the real
 * values and hands the text to whoever sends it (the reminders module, on its branch).
 */

export const QUEUE = { reminder: 'grid-draft.reminder', convocation: 'grid-draft.convocation', dead: 'grid-draft.dead' } as const;
/** grid-design §5.1: 4 attempts in all, 2 s doubling up to 30 s, 10 min before an active job expires. */
export const QUEUE_OPTIONS = { retryLimit: 3, retryDelay: 2, retryBackoff: true, retryDelayMax: 30, expireInSeconds: 600, deadLetter: QUEUE.dead } as const;
export interface DraftJob { draftId: string; organizationId: string }

export type DraftDeps = Pick<Deps, 'sql' | 'clock' | 'boss' | 'grid'>;
const ENTITY = 'ai_draft';
const notFound = (id: string) => new AppError('ai_draft.not_found', 'AI draft not found', { id });

function inScope(d: repo.DraftRow | null, buildingId: string, id: string): repo.DraftRow {
  if (!d || d.buildingId !== buildingId) throw notFound(id);
  return d;
}

/** Convocations carry a legal deadline: a higher pg-boss priority than reminders (grid-design §5.1). */
export const PRIORITY = { reminder: 0, convocation: 10 } as const;

export async function enqueueDraft(boss: PgBoss, tx: Db | null, d: { id: string; organizationId: string; documentType: 'reminder' | 'convocation' }) {
  const job: DraftJob = { draftId: d.id, organizationId: d.organizationId };
  // Job id = draft id: a second send of the same draft inserts nothing (idempotent enqueue).
  return boss.send(QUEUE[d.documentType], job, { id: d.id, priority: PRIORITY[d.documentType], ...(tx ? { db: inTransaction(tx) } : {}) });
}

export async function createReminderDraft(deps: DraftDeps, actor: ActorCtx, buildingId: string,
  input: { ownerCallId: string; level: ReminderLevel; locale: 'fr' | 'nl' | 'de' | 'en'; tone: 'neutral' | 'friendly' | 'firm' }) {
  const today = deps.clock.today();
  const draft = await inTx(deps, async (tx) => {
    const facts = await repo.debtFacts(tx, actor.organizationId, buildingId, input.ownerCallId, today);
    if (!facts) throw new AppError('owner_call.not_found', 'Owner call not found', { id: input.ownerCallId });
    if (facts.dueDate >= today || facts.paidCents >= facts.amountCents) {
      throw new AppError('ai_draft.debt_not_overdue', 'A reminder is drafted only for an owner call past its due date and not fully paid',
        { ownerCallId: input.ownerCallId, dueDate: facts.dueDate });
    }
    const d = await repo.insertDraft(tx, { id: randomUUID(), organizationId: actor.organizationId, buildingId, documentType: 'reminder',
      ownerCallId: input.ownerCallId, level: input.level, locale: input.locale, tone: input.tone, templateVersion: TEMPLATE_VERSION,
      requestedBy: actor.actorUserId }, deps.clock.now());
    if (deps.boss) await enqueueDraft(deps.boss, tx, d);
    await audit(tx, actor, deps.clock.now(), 'ai_draft.requested', { type: ENTITY, id: d.id }, { buildingId, level: input.level, locale: input.locale });
    return d;
  });
  deps.grid?.wake();
  return draft;
}

export async function getDraft(deps: DraftDeps, actor: ActorCtx, buildingId: string, id: string) {
  return inScope(await repo.findDraft(deps.sql, actor.organizationId, id), buildingId, id);
}

export async function listDrafts(deps: DraftDeps, actor: ActorCtx, buildingId: string, types: readonly string[], limit: number) {
  if (!(await repo.buildingExists(deps.sql, actor.organizationId, buildingId))) throw new AppError('building.not_found', 'Building not found', { id: buildingId });
  return repo.listDrafts(deps.sql, actor.organizationId, buildingId, types, limit);
}

/** Stops any grid work still pending on the draft (the syndic took over): no credit for it. */
async function cancelJob(deps: DraftDeps, d: repo.DraftRow) {
  if (d.status !== 'queued' && d.status !== 'generating') return;
  deps.grid?.cancel(d.id);
  if (deps.boss) await deps.boss.cancel(QUEUE[d.documentType], d.id).catch(() => {});
}

async function replaceText(deps: DraftDeps, actor: ActorCtx, buildingId: string, id: string, source: 'template' | 'syndic',
  text: (d: repo.DraftRow) => { subject: string; body: string; flags: string[] }) {
  const row = await inTx(deps, async (tx) => {
    const d = inScope(await repo.findDraft(tx, actor.organizationId, id, true), buildingId, id);
    if (d.status === 'approved') throw new AppError('ai_draft.already_approved', 'An approved draft no longer changes', { id });
    if (d.status === 'cancelled') throw new AppError('ai_draft.closed', 'A cancelled draft no longer changes (its meeting was convened)', { id });
    const t = text(d);
    const updated = await repo.setDraftText(tx, actor.organizationId, id, { source, ...t }, deps.clock.now());
    await audit(tx, actor, deps.clock.now(), source === 'template' ? 'ai_draft.template_used' : 'ai_draft.edited', { type: ENTITY, id });
    return { before: d, updated: updated! };
  });
  await cancelJob(deps, row.before);
  return row.updated;
}

/** The deterministic template (level × language, every legal mention): always available. */
export async function useTemplate(deps: DraftDeps, actor: ActorCtx, buildingId: string, id: string) {
  return replaceText(deps, actor, buildingId, id, 'template', (d) => {
    if (d.documentType === 'convocation' && d.agendaCount) return { ...convocationTemplate(d.locale, d.agendaCount), flags: ['template'] };
    if (d.documentType !== 'reminder' || !d.level) throw new AppError('ai_draft.no_template', 'No template for this document type yet', { id });
    return { ...reminderTemplate(d.level, d.locale), flags: ['template'] };
  });
}

/** The syndic's own wording, checked like a node's (placeholders only, no stray numbers, legal frame). */
export async function editDraft(deps: DraftDeps, actor: ActorCtx, buildingId: string, id: string, input: { subject: string; body: string }) {
  return replaceText(deps, actor, buildingId, id, 'syndic', (d) => {
    const v = verifyDraft(input, { documentType: d.documentType, level: d.level, locale: d.locale, agendaCount: d.agendaCount });
    if (!v.ok) throw new AppError('ai_draft.text_rejected', `The text is refused: ${v.detail}`, { fault: v.fault });
    return { subject: v.subject, body: v.body, flags: [...v.flags, 'edited'] };
  });
}

/**
 * Approval: the real values are filled in (on the instance only), the draft is frozen, and the node that
 * wrote it is credited (grid-design §9: only approved work counts).
 */
export async function approveDraft(deps: DraftDeps, actor: ActorCtx, buildingId: string, id: string) {
  const today = deps.clock.today();
  return inTx(deps, async (tx) => {
    const d = inScope(await repo.findDraft(tx, actor.organizationId, id, true), buildingId, id);
    if (d.status === 'approved') throw new AppError('ai_draft.already_approved', 'The draft is already approved', { id });
    if (d.status !== 'ready' || !d.subjectTemplate || !d.bodyTemplate) {
      throw new AppError('ai_draft.illegal_transition', 'Only a ready draft can be approved (or take the template)', { id, status: d.status });
    }
    const text = d.documentType === 'convocation' ? await approvedConvocationText(tx, actor, d, today) : await reminderText(tx, actor, d, today);
    const approved = await repo.approveDraft(tx, actor.organizationId, id, { ...text, by: actor.actorUserId }, deps.clock.now());
    if (d.source === 'grid') await creditApprovedWork(tx, deps, id, deps.clock.now());
    await audit(tx, actor, deps.clock.now(), 'ai_draft.approved', { type: ENTITY, id }, { source: d.source });
    return approved;
  });
}

/** A reminder's real values: the debt as it stands today. */
async function reminderText(tx: Db, actor: ActorCtx, d: repo.DraftRow, today: string) {
  if (!d.level || !d.ownerCallId) throw new AppError('ai_draft.illegal_transition', 'A reminder draft names its owner call and level', { id: d.id });
  const facts = await repo.debtFacts(tx, actor.organizationId, d.buildingId, d.ownerCallId, today);
  if (!facts) throw new AppError('owner_call.not_found', 'Owner call not found', { id: d.ownerCallId });
  const values = reminderValues(facts, d.level, d.locale, today);
  const subject = fillPlaceholders(d.subjectTemplate!, values);
  const body = fillPlaceholders(d.bodyTemplate!, values);
  const missing = [...subject.missing, ...body.missing];
  if (missing.length) throw new AppError('ai_draft.placeholder_unfilled', `No value for {{${missing[0]}}}`, { placeholders: missing });
  return { subject: subject.text, body: body.text };
}
