import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { resolvePage, type PageRequest } from '../../platform/pagination.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { chooseChannel } from '../delivery/delivery.domain.ts';
import { checkApproval, type Channel, type Debt, type DebtStatus, type Level, type SentReminder } from './ladder.domain.ts';
import { amountsFor, channelFor, historyOf, isRegisteredMail, ladderChannel, type LadderSettings } from './plan.domain.ts';
import { ladderSettings, settingsRowOf } from './reminder-settings.service.ts';
import * as repo from './reminders.repo.ts';

/**
 * Use cases of reminders and debts: read them, approve a draft (the ladder's checks), cancel it,
 * record a FinalNotice's tracking number, pause or resume a debt, draft a level by hand.
 * Sending lives in reminder-send.service.ts, runs in reminder-run.service.ts.
 */

export interface DebtContext {
  row: repo.DebtRow; debt: Debt; history: SentReminder[]; settings: repo.SettingsRow; ladder: LadderSettings;
}

/** Everything the ladder reads about one debt (locked when `lock`), or 404. */
export async function debtContext(tx: Db, ctx: ActorCtx, buildingId: string, debtId: string, lock = false): Promise<DebtContext> {
  const settings = await settingsRowOf(tx, ctx, buildingId);
  const row = await repo.findDebt(tx, ctx.organizationId, buildingId, debtId, lock);
  if (!row) throw notFound('debt', debtId);
  const payments = await repo.paymentsOf(tx, ctx.organizationId, row.ownerCallId);
  const history = historyOf(await repo.sentHistory(tx, ctx.organizationId, debtId));
  return { row, debt: { dueDate: row.dueDate, principalCents: row.amountCents, payments, status: row.status }, history, settings,
    ladder: ladderSettings(settings) };
}

/** The channel the delivery module will pick for this person on `date` (same rule), as the ladder names it. */
/** The channel a reminder at `level` will go by (the owner's channel when no level is given). */
export async function predictedChannel(tx: Db, ctx: ActorCtx, personId: string, date: string, level?: Level): Promise<Channel> {
  const owners = ladderChannel(chooseChannel(await repo.channelFacts(tx, ctx.organizationId, personId), date));
  return level ? channelFor(level, owners) : owners;
}

export async function reminderOf(sql: Db, ctx: ActorCtx, buildingId: string, id: string, lock = false): Promise<repo.ReminderRow> {
  const r = await repo.findReminder(sql, ctx.organizationId, buildingId, id, lock);
  if (!r) throw notFound('reminder', id);
  return r;
}

export async function getReminder(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string) {
  return reminderOf(deps.sql, ctx, buildingId, id);
}

export async function listReminders(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, q: PageRequest & repo.ReminderFilter) {
  const page = resolvePage(repo.REMINDER_SORTS, q, '-createdAt');
  await settingsRowOf(deps.sql, ctx, buildingId);
  const r = await repo.listReminders(deps.sql, ctx.organizationId, buildingId, q, page);
  return { items: r.rows, total: r.total, nextCursor: r.nextCursor };
}

export async function listDebts(deps: RegisterDeps, ctx: ActorCtx, buildingId: string,
  q: PageRequest & { status?: DebtStatus | undefined; personId?: string | undefined }) {
  const page = resolvePage(repo.DEBT_SORTS, q, '-createdAt');
  await settingsRowOf(deps.sql, ctx, buildingId);
  const r = await repo.listDebts(deps.sql, ctx.organizationId, buildingId, q, page);
  return { items: r.rows, total: r.total, nextCursor: r.nextCursor };
}

/** A debt with every reminder and letter of it: the owner's history of this receivable. */
export async function debtHistory(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, debtId: string) {
  const { row } = await debtContext(deps.sql, ctx, buildingId, debtId);
  return { ...row, reminders: await repo.remindersOfDebt(deps.sql, ctx.organizationId, debtId) };
}

/** State errors of a transition from `state` (409), or null when `allowed` includes it. */
export function stateError(r: { id: string; state: repo.ReminderState; sentOn: string | null }, allowed: readonly repo.ReminderState[]): AppError | null {
  if (allowed.includes(r.state)) return null;
  if (r.state === 'sent') return new AppError('reminder.already_sent', 'This reminder was sent already', { id: r.id, sentOn: r.sentOn });
  if (r.state === 'cancelled') return new AppError('reminder.already_cancelled', 'This reminder was cancelled', { id: r.id });
  if (r.state === 'approved') return new AppError('reminder.already_approved', 'This reminder is approved already', { id: r.id });
  return new AppError('reminder.not_approved', 'Approve the reminder before sending it', { id: r.id, state: r.state });
}

/**
 * The ladder's checks for sending `r` on `date` (checkApproval: order, spacing, paused, settled).
 * A settled debt cancels its waiting reminders: the caller commits that, then reports the error.
 */
export async function ladderCheck(tx: Db, ctx: ActorCtx, r: repo.ReminderRow, c: DebtContext, date: string, at: Date): Promise<AppError | null> {
  try {
    checkApproval(r.level, date, c.history, c.debt);
    return null;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    if (e.code === 'reminder.debt_settled') {
      const pending = await repo.pendingOf(tx, ctx.organizationId, c.row.id);
      await repo.markCancelled(tx, ctx.organizationId, pending.map((p) => p.id), 'settled', at);
      return e;
    }
    throw e;
  }
}

/**
 * The step approving and sending share: the reminder locked in the state the action needs, its debt
 * locked, the ladder checked for today (a refusal, or the settled debt's outcome, comes back as an
 * AppError to throw after commit), then the channel and the amounts as of today.
 */
export async function recheckedToday(tx: Db, clock: Clock, ctx: ActorCtx, buildingId: string, id: string, state: 'draft' | 'approved') {
  const r = await reminderOf(tx, ctx, buildingId, id, true);
  const refused = stateError(r, [state]);
  if (refused) throw refused;
  const c = await debtContext(tx, ctx, buildingId, r.debtId, true);
  const today = clock.today();
  const at = clock.now();
  const settled = await ladderCheck(tx, ctx, r, c, today, at);
  if (settled) return settled;
  const channel = await predictedChannel(tx, ctx, r.personId, today, r.level);
  return { r, c, today, at, channel, amounts: amountsFor(r.level, today, c.debt, c.history, channel, c.ladder) };
}

/** Approves a draft on today's date: the ladder must allow this level today (422 with earliestDate otherwise). */
export async function approveReminder(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<repo.ReminderRow> {
  const outcome = await inTx(deps, async (tx) => {
    const checked = await recheckedToday(tx, deps.clock, ctx, buildingId, id, 'draft');
    if (checked instanceof AppError) return checked;
    const { r, today, at, channel, amounts } = checked;
    await repo.updateAmounts(tx, ctx.organizationId, id, channel, amounts, at);
    await repo.markApproved(tx, ctx.organizationId, id, today, ctx.actorUserId, at);
    await audit(tx, ctx, at, 'reminder.approved', { type: 'reminder', id }, { buildingId, debtId: r.debtId, level: r.level });
    return reminderOf(tx, ctx, buildingId, id);
  });
  if (outcome instanceof AppError) throw outcome;
  return outcome;
}

export async function cancelReminder(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string, reason: string | undefined) {
  return inTx(deps, async (tx) => {
    const r = await reminderOf(tx, ctx, buildingId, id, true);
    const refused = stateError(r, ['draft', 'approved']);
    if (refused) throw refused;
    const at = deps.clock.now();
    await repo.markCancelled(tx, ctx.organizationId, [id], reason ?? 'cancelled by the syndic', at);
    await audit(tx, ctx, at, 'reminder.cancelled', { type: 'reminder', id }, { buildingId, debtId: r.debtId, level: r.level });
    return reminderOf(tx, ctx, buildingId, id);
  });
}

/** The registered-mail tracking number of a FinalNotice (after posting it). */
export async function setTrackingNumber(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string, trackingNumber: string | null) {
  return inTx(deps, async (tx) => {
    const r = await reminderOf(tx, ctx, buildingId, id, true);
    if (!r.registeredMail) {
      throw new AppError('reminder.not_registered_mail', 'Only a reminder sent by registered mail (FinalNotice) has a tracking number',
        { field: 'trackingNumber', level: r.level });
    }
    if (r.state === 'cancelled') throw stateError(r, [])!;
    const at = deps.clock.now();
    await repo.setTracking(tx, ctx.organizationId, id, trackingNumber, at);
    await audit(tx, ctx, at, 'reminder.tracking_number_set', { type: 'reminder', id }, { buildingId, trackingNumber });
    return reminderOf(tx, ctx, buildingId, id);
  });
}

/** Disputed or payment plan pauses the ladder; open resumes it. A reason is required to pause. */
export async function setDebtStatus(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, debtId: string,
  input: { status: DebtStatus; reason?: string | undefined }) {
  await inTx(deps, async (tx) => {
    const c = await debtContext(tx, ctx, buildingId, debtId, true);
    if (input.status !== 'open' && !input.reason) {
      throw new AppError('debt.reason_required', 'Say why the debt is disputed or under a payment plan', { field: 'reason' });
    }
    const at = deps.clock.now();
    await repo.setDebtStatus(tx, ctx.organizationId, debtId, input.status, input.reason ?? null, at);
    await audit(tx, ctx, at, 'debt.status_changed', { type: 'debt', id: debtId }, { buildingId, from: c.row.status, to: input.status });
  });
  return debtHistory(deps, ctx, buildingId, debtId);
}

/**
 * Drafts a reminder at `level` by hand, on today's date. The ladder is checked at approval, so a
 * draft that skips a level is kept for review and refused there (422 with the expected level).
 */
export async function draftByHand(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, debtId: string, level: Level) {
  const id = await inTx(deps, async (tx) => {
    const c = await debtContext(tx, ctx, buildingId, debtId, true);
    const today = deps.clock.today();
    const channel = await predictedChannel(tx, ctx, c.row.personId, today, level);
    const at = deps.clock.now();
    const created = await repo.insertDraft(tx, ctx.organizationId, {
      buildingId, debtId, personId: c.row.personId, runId: null, level, channel, draftedOn: today,
      amounts: amountsFor(level, today, c.debt, c.history, channel, c.ladder), registeredMail: isRegisteredMail(level),
    }, at);
    if (!created) throw new AppError('reminder.duplicate', `This debt already has a ${level} reminder`, { field: 'level', level });
    await audit(tx, ctx, at, 'reminder.drafted', { type: 'reminder', id: created }, { buildingId, debtId, level, by: 'hand' });
    return created;
  });
  return reminderOf(deps.sql, ctx, buildingId, id);
}
