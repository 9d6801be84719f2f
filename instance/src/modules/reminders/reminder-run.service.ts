import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { isIsoDate } from '../../jurisdictions/be.ts';
import { audit, inTx, type ActorCtx } from '../buildings/use-case.ts';
import { balanceOn } from './interest.domain.ts';
import { isRegisteredMail, runDecision } from './plan.domain.ts';
import { ladderSettings } from './reminder-settings.service.ts';
import { sendReminder, type SendDeps } from './reminder-send.service.ts';
import * as repo from './reminders.repo.ts';
import { approveReminder, debtContext, predictedChannel } from './reminders.service.ts';

/**
 * A reminder run: who is due for which level "as of" a date, in one building. The same use case
 * serves the daily job, `POST …/reminders/run` and `koprogo reminders run`.
 *
 * Crash safety: the run row (unique per building and date) is written first; each debt is then
 * reviewed in its OWN transaction (debt row locked, draft inserted under the unique key
 * (debt, level) of live reminders), so a run killed half-way keeps what it committed, and the
 * next run for that date (a pg-boss retry, the start-up sweep of unfinished runs, or a repeat by
 * hand) skips the debts done and completes the others. Never a second draft, never a second send.
 *
 * Per debt: settled on `asOf` → its waiting reminders are cancelled (the ladder stops); a reminder
 * already waiting → nothing new (a run never drafts past it); else the next level's draft when due.
 * Buildings that opted in get their Gentle drafts approved and sent right away (each in its own
 * transaction too; one that cannot be sent stays a draft for review, logged).
 * A debt a rule refuses (e.g. its interest needs a legal rate the pack does not hold yet) is listed
 * in the run's `skipped` with the code, and the run goes on: one debt never blocks the building.
 */

export interface RunDeps extends SendDeps { logger?: { warn(o: object, m: string): void; info?(o: object, m: string): void } }

export async function runReminders(deps: RunDeps, ctx: ActorCtx, buildingId: string, asOf: string,
  trigger: repo.RunRow['trigger']): Promise<repo.RunRow> {
  if (!isIsoDate(asOf)) throw new AppError('reminder.invalid_date', 'asOf must be a date YYYY-MM-DD', { field: 'asOf', value: asOf });
  if (!(await repo.findBuilding(deps.sql, ctx.organizationId, buildingId))) throw notFound('building', buildingId);
  const run = await inTx(deps, async (tx) => {
    const r = await repo.startRun(tx, ctx.organizationId, buildingId, asOf, trigger, deps.clock.now());
    await audit(tx, ctx, deps.clock.now(), 'reminder_run.started', { type: 'reminder_run', id: r.id }, { buildingId, asOf, trigger });
    return r;
  });
  try {
    return await reviewAll(deps, ctx, buildingId, run, asOf);
  } catch (e) {
    // A rule stopped the run (e.g. no interest rate in the pack for that date): recorded as failed.
    // Anything else (the database went away…) leaves it running: the next start resumes it.
    if (e instanceof AppError) await repo.failRun(deps.sql, ctx.organizationId, run.id, e.code, deps.clock.now());
    throw e;
  }
}

async function reviewAll(deps: RunDeps, ctx: ActorCtx, buildingId: string, run: repo.RunRow, asOf: string): Promise<repo.RunRow> {
  const settings = (await repo.findSettings(deps.sql, ctx.organizationId, buildingId)) ?? repo.DEFAULT_SETTINGS;
  const candidates = await repo.ownerCallsToReview(deps.sql, ctx.organizationId, buildingId, asOf);
  let drafted = 0;
  let autoSent = 0;
  const skipped: repo.SkippedDebt[] = [];
  for (const c of candidates) {
    let review: Review;
    try {
      review = await inTx(deps, (tx) => reviewDebt(tx, deps, ctx, buildingId, run.id, asOf, c));
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      skipped.push({ ownerCallId: c.ownerCallId, code: e.code });
      deps.logger?.warn({ ownerCallId: c.ownerCallId, asOf, code: e.code }, 'reminder run: debt skipped by a rule');
      continue;
    }
    if (review.drafted) drafted += 1;
    if (review.gentleDraftId && settings.autoSendGentle && asOf === deps.clock.today()) {
      if (await autoSend(deps, ctx, buildingId, review.gentleDraftId)) autoSent += 1;
    }
  }
  return inTx(deps, async (tx) => {
    const done = await repo.finishRun(tx, ctx.organizationId, run.id, { debtsSeen: candidates.length, drafted, autoSent, skipped }, deps.clock.now());
    await audit(tx, ctx, deps.clock.now(), 'reminder_run.completed', { type: 'reminder_run', id: run.id },
      { buildingId, asOf, debtsSeen: candidates.length, drafted, autoSent, skipped: skipped.length });
    return done;
  });
}

type Review = { drafted: boolean; gentleDraftId: string | null };

async function reviewDebt(tx: Db, deps: RunDeps, ctx: ActorCtx, buildingId: string, runId: string,
  asOf: string, c: { ownerCallId: string; personId: string }): Promise<Review> {
  const at = deps.clock.now();
  const debtId = await repo.ensureDebt(tx, ctx.organizationId, buildingId, c.ownerCallId, c.personId, at);
  const d = await debtContext(tx, ctx, buildingId, debtId);
  const pending = await repo.pendingOf(tx, ctx.organizationId, debtId);
  if (balanceOn(d.debt.principalCents, d.debt.payments, asOf) === 0) {
    const n = await repo.markCancelled(tx, ctx.organizationId, pending.map((p) => p.id), 'settled', at);
    if (n > 0) await audit(tx, ctx, at, 'reminder.cancelled', { type: 'debt', id: debtId }, { buildingId, reason: 'settled', count: n });
    return { drafted: false, gentleDraftId: null };
  }
  const waitingGentle = pending.find((p) => p.level === 'Gentle')?.id ?? null;
  if (pending.length > 0) return { drafted: false, gentleDraftId: waitingGentle };
  // The owner's channel; the decision turns it into post for a registered letter (FinalNotice).
  const channel = await predictedChannel(tx, ctx, c.personId, asOf);
  const decision = runDecision(d.debt, d.history, asOf, channel, ladderSettings(d.settings));
  if (decision.kind === 'none') return { drafted: false, gentleDraftId: null };
  const id = await repo.insertDraft(tx, ctx.organizationId, {
    buildingId, debtId, personId: c.personId, runId, level: decision.level, channel: decision.channel, draftedOn: asOf, amounts: decision.amounts,
    registeredMail: isRegisteredMail(decision.level),
  }, at);
  if (id) await audit(tx, ctx, at, 'reminder.drafted', { type: 'reminder', id }, { buildingId, debtId, level: decision.level, runId });
  return { drafted: id !== null, gentleDraftId: id && decision.level === 'Gentle' ? id : null };
}

/** Approves and sends a Gentle draft; a refusal (no address, paused…) leaves it for the syndic. */
async function autoSend(deps: RunDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<boolean> {
  try {
    // After a crash between the two steps the draft is approved already: go on with sending.
    await approveReminder(deps, ctx, buildingId, id).catch((e: unknown) => {
      if (!(e instanceof AppError && e.code === 'reminder.already_approved')) throw e;
    });
    await sendReminder(deps, ctx, buildingId, id);
    return true;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    deps.logger?.warn({ reminderId: id, code: e.code }, 'automatic Gentle reminder not sent: left for review');
    return false;
  }
}

/** The latest runs of a building (100 at most). */
export async function listRuns(deps: RunDeps, ctx: ActorCtx, buildingId: string): Promise<repo.RunRow[]> {
  if (!(await repo.findBuilding(deps.sql, ctx.organizationId, buildingId))) throw notFound('building', buildingId);
  return repo.listRuns(deps.sql, ctx.organizationId, buildingId);
}
