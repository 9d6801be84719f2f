import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { assertStatus, checkConvocationTiming } from '../assemblies/meetings.domain.ts';
import { agendaOf, settings, type MeetingRow } from '../assemblies/meetings.repo.ts';
import { buildingOf, meetingOf } from '../assemblies/meetings.service.ts';
import { audit, inTx, type ActorCtx } from '../buildings/use-case.ts';
import { convocationValues, type MeetingFacts } from './convocation-facts.domain.ts';
import { CONVOCATION_TEMPLATE_VERSION } from './convocation-templates.domain.ts';
import * as repo from './drafts.repo.ts';
import { enqueueDraft, type DraftDeps } from './drafts.service.ts';
import { AGENDA_MAX, fillPlaceholders, type DraftLocale } from './placeholders.domain.ts';

/**
 * Convocation drafts (grid-design §6, §7.5): asked for a meeting still in draft and at least the legal
 * delay away; the node sees placeholders only; approval fills the meeting's values on the instance
 * (except {{OWNER_NAME}}, filled per recipient when the convocations are sent with the draft).
 */

const ENTITY = 'ai_draft';
/** Kept as a placeholder on approval: the assemblies module fills it per recipient. */
const PER_RECIPIENT = { OWNER_NAME: '{{OWNER_NAME}}' } as const;

/** The meeting as the instance knows it, checked: still a draft, an agenda, the delay still possible from today. */
async function meetingFacts(db: Db, actor: ActorCtx, buildingId: string, meetingId: string, today: string) {
  const b = await buildingOf(db, actor, buildingId);
  const m = await meetingOf(db, actor, buildingId, meetingId);
  return checkedFacts(db, actor.organizationId, buildingId, b.name, m, today);
}

async function checkedFacts(db: Db, org: string, buildingId: string, buildingName: string, m: MeetingRow, today: string) {
  assertStatus(m.status, ['draft'], 'draft the convocation of');
  const agenda = await agendaOf(db, org, m.id);
  if (agenda.length === 0) throw new AppError('meeting.agenda_empty', 'A convocation carries an agenda: add at least one item', { field: 'agenda' });
  if (agenda.length > AGENDA_MAX) throw new AppError('ai_draft.agenda_too_long', `At most ${AGENDA_MAX} agenda items in an AI draft`, { items: agenda.length });
  // The legal delay from today, on the instance's data (grid-design §7.5): 422 meeting.convocation_too_late otherwise.
  checkConvocationTiming(today, m.meetingDate, (await settings(db, org, buildingId)).convocationMinDays);
  const facts: MeetingFacts = { buildingName, kind: m.kind, meetingDate: m.meetingDate, startTime: m.startTime, place: m.place,
    remoteLink: m.remoteLink, documentsInfo: m.documentsInfo, agenda: agenda.map((i) => ({ position: i.position, title: i.title })) };
  return facts;
}

export async function createConvocationDraft(deps: DraftDeps, actor: ActorCtx, buildingId: string,
  input: { meetingId: string; locale: DraftLocale; tone: 'neutral' | 'friendly' | 'firm' }) {
  const draft = await inTx(deps, async (tx) => {
    const facts = await meetingFacts(tx, actor, buildingId, input.meetingId, deps.clock.today());
    const d = await repo.insertDraft(tx, { id: randomUUID(), organizationId: actor.organizationId, buildingId, documentType: 'convocation',
      ownerCallId: null, level: null, meetingId: input.meetingId, agendaCount: facts.agenda.length, locale: input.locale, tone: input.tone,
      templateVersion: CONVOCATION_TEMPLATE_VERSION, requestedBy: actor.actorUserId }, deps.clock.now());
    if (deps.boss) await enqueueDraft(deps.boss, tx, d);
    await audit(tx, actor, deps.clock.now(), 'ai_draft.requested', { type: ENTITY, id: d.id }, { buildingId, meetingId: input.meetingId, locale: input.locale });
    return d;
  });
  deps.grid?.wake();
  return draft;
}

/** Fills a ready convocation draft with the meeting's values as they are now (the agenda must be the one it was written for). */
function filled(d: repo.DraftRow, facts: MeetingFacts): { subject: string; body: string } {
  if (facts.agenda.length !== d.agendaCount) {
    throw new AppError('ai_draft.agenda_changed', 'The agenda changed since the draft was asked for: ask for a new draft or take the template again',
      { id: d.id, draftItems: d.agendaCount, agendaItems: facts.agenda.length });
  }
  const values = { ...convocationValues(facts, d.locale), ...PER_RECIPIENT };
  const subject = fillPlaceholders(d.subjectTemplate!, values);
  const body = fillPlaceholders(d.bodyTemplate!, values);
  const missing = [...subject.missing, ...body.missing];
  if (missing.length) throw new AppError('ai_draft.placeholder_unfilled', `No value for {{${missing[0]}}}`, { placeholders: missing });
  return { subject: subject.text, body: body.text };
}

/** Approval's values for a convocation draft (called inside the approval transaction). */
export async function approvedConvocationText(tx: Db, actor: ActorCtx, d: repo.DraftRow, today: string) {
  return filled(d, await meetingFacts(tx, actor, d.buildingId, d.meetingId!, today));
}

/**
 * For the assemblies' convocation sending: the approved drafts' texts by language, {{OWNER_NAME}} still
 * to fill. Each draft must be an approved convocation draft of this meeting, one per language, and
 * still match the meeting (a date, place or agenda changed since approval → `ai_draft.outdated`).
 */
export async function approvedConvocationCovers(tx: Db, actor: ActorCtx, buildingId: string, buildingName: string, m: MeetingRow,
  ids: readonly string[], today: string): Promise<Map<DraftLocale, { subject: string; body: string; draftId: string }>> {
  const facts = await checkedFacts(tx, actor.organizationId, buildingId, buildingName, m, today);
  const covers = new Map<DraftLocale, { subject: string; body: string; draftId: string }>();
  for (const id of ids) {
    const d = await repo.findDraft(tx, actor.organizationId, id);
    if (!d || d.buildingId !== buildingId) throw new AppError('ai_draft.not_found', 'AI draft not found', { id, field: 'aiDraftIds' });
    if (d.documentType !== 'convocation' || d.meetingId !== m.id) {
      throw new AppError('ai_draft.wrong_meeting', 'This AI draft is not a convocation draft of this meeting', { id, field: 'aiDraftIds' });
    }
    if (d.status !== 'approved') throw new AppError('ai_draft.not_approved', 'Approve the AI draft before sending it', { id, status: d.status });
    if (covers.has(d.locale)) throw new AppError('ai_draft.locale_taken', `Two drafts in ${d.locale}: give at most one per language`, { id, locale: d.locale });
    const now = filled(d, facts);
    if (now.subject !== d.subjectFinal || now.body !== d.bodyFinal) {
      throw new AppError('ai_draft.outdated', 'The meeting changed since this draft was approved: approve a new draft', { id });
    }
    covers.set(d.locale, { subject: d.subjectFinal, body: d.bodyFinal, draftId: d.id });
  }
  return covers;
}

/** One recipient's copy of an approved cover text. */
export const personalised = (text: string, ownerName: string) => fillPlaceholders(text, { OWNER_NAME: ownerName }).text;

/**
 * Once a meeting is convened its unfinished convocation drafts are moot: cancelled (a node still writing
 * one finds it superseded, and is not credited). Approved drafts stay as the record of what was sent.
 */
export async function cancelOpenConvocationDrafts(tx: Db, org: string, meetingId: string, at: Date): Promise<number> {
  const rows = await tx`update grid_drafts set status = 'cancelled', updated_at = ${at}
    where organization_id = ${org} and meeting_id = ${meetingId} and status in ('queued', 'generating', 'ready', 'unavailable') returning id`;
  return rows.length;
}
