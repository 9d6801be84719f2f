import type { PgBoss } from 'pg-boss';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { FUND_ACCOUNTS } from '../calls/calls.domain.ts';
import { queueDelivery } from '../delivery/delivery.service.ts';
import { formatStructuredCommunication } from '../money/structured-communication.domain.ts';
import { publishEvent } from '../notifications/notifications.service.ts';
import type { Breakdown } from './breakdown.domain.ts';
import { letterMail, type LetterData } from './letter.domain.ts';
import * as repo from './reminders.repo.ts';
import { debtContext, recheckedToday, reminderOf } from './reminders.service.ts';

/**
 * Sending an approved reminder, in ONE transaction: the amounts recomputed to today, the letter
 * (PDF in the owner's language) rendered, handed to delivery (archived with its SHA-256, linked to
 * the debt; e-mail job or print batch), the reminder marked sent and the `reminder.sent` event
 * published. The reminder row is locked first, so a concurrent or repeated send waits and then
 * finds it sent (409 `reminder.already_sent`); a crash before commit leaves nothing behind, a
 * crash after it leaves a sent reminder that is never sent again.
 */

export interface SendDeps extends RegisterDeps { config: Config; boss: PgBoss | null; logger?: { warn(o: object, m: string): void } }

/** The letter's data for reminder `r` with the given amounts. */
export async function letterDataOf(sql: Db, ctx: ActorCtx, r: repo.ReminderRow, amounts: Breakdown, consumerSafe: boolean): Promise<LetterData> {
  const b = (await repo.findBuilding(sql, ctx.organizationId, r.buildingId))!;
  const iban = FUND_ACCOUNTS[r.fund].bank === 'reserve' ? b.reserveAccountIban : b.currentAccountIban;
  return {
    language: r.language, level: r.level, date: amounts.date, associationName: b.name, enterpriseNumber: b.enterpriseNumber,
    ownerName: r.personName, periodLabel: r.periodLabel, dueDate: r.dueDate, iban,
    structuredCommunication: formatStructuredCommunication(r.communication), amounts, registeredMail: r.registeredMail,
    trackingNumber: r.trackingNumber, consumerSafe,
  };
}

export async function renderLetter(data: LetterData): Promise<Uint8Array> {
  // pdf-lib weighs some MB once loaded: only instances that send reminders pay for it.
  const { renderReminderLetter } = await import('./reminder-letter.ts');
  return renderReminderLetter(data);
}

export const letterFileName = (r: { level: string; dueDate: string; communication: string }, date: string) =>
  `reminder-${r.level}-${date}-${r.communication}.pdf`;

export async function sendReminder(deps: SendDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<repo.ReminderRow> {
  const outcome = await inTx(deps, async (tx) => {
    const checked = await recheckedToday(tx, deps.clock, ctx, buildingId, id, 'approved');
    if (checked instanceof AppError) return checked;
    const { r, c, today, at, channel, amounts } = checked;
    const data = await letterDataOf(tx, ctx, r, amounts, c.ladder.consumerSafe);
    const pdf = await renderLetter(data);
    const mail = letterMail(data);
    const delivery = await queueDelivery(tx, deps, {
      organizationId: ctx.organizationId, buildingId, personId: r.personId, purpose: 'reminder', subject: mail.subject, text: mail.text, postOnly: channel === 'post',
      attachments: [{ filename: letterFileName(r, today), contentType: 'application/pdf', content: Buffer.from(pdf) }],
      related: { type: 'debt', id: r.debtId },
    }, ctx);
    const letterDocumentId = await repo.letterDocumentOf(tx, ctx.organizationId, delivery.id);
    if (!letterDocumentId) throw new AppError('reminder.letter_missing', 'The delivery archived no letter', { id });
    await repo.updateAmounts(tx, ctx.organizationId, id, channel, amounts, at);
    await repo.markSent(tx, ctx.organizationId, id, { sentOn: today, deliveryId: delivery.id, deliveryChannel: delivery.channel, letterDocumentId }, at);
    await audit(tx, ctx, at, 'reminder.sent', { type: 'reminder', id }, {
      buildingId, debtId: r.debtId, level: r.level, deliveryId: delivery.id, channel: delivery.channel, totalCents: amounts.totalCents,
    });
    await publishEvent(tx, deps, {
      organizationId: ctx.organizationId, type: 'reminder.sent',
      payload: { reminderId: id, debtId: r.debtId, buildingId, personId: r.personId, level: r.level, totalCents: amounts.totalCents,
        deliveryId: delivery.id, channel: delivery.channel },
      recipients: await repo.recipientsOf(tx, ctx.organizationId, buildingId, r.level === 'Formal'),
    }, ctx);
    return reminderOf(tx, ctx, buildingId, id);
  });
  if (outcome instanceof AppError) throw outcome;
  return outcome;
}

/** The letter: the archived bytes once sent, else a preview rendered as of its amounts' day. */
export async function reminderLetter(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<{ pdf: Buffer; fileName: string }> {
  const r = await reminderOf(deps.sql, ctx, buildingId, id);
  if (r.letterDocumentId) {
    const doc = await repo.letterBytes(deps.sql, ctx.organizationId, r.letterDocumentId);
    if (doc) return { pdf: doc.content, fileName: doc.filename };
  }
  const settings = await debtContext(deps.sql, ctx, buildingId, r.debtId);
  const amounts: Breakdown = {
    level: r.level, date: r.amountsOn, principalCents: r.principalCents, feeCents: r.feeCents, postageCents: r.postageCents,
    indemnityCents: r.indemnityCents, announcedIndemnityCents: r.announcedIndemnityCents, interestCents: r.interestCents,
    earlierChargesCents: r.earlierChargesCents, totalCents: r.totalCents, t1: r.t1, interestFrom: r.interestFrom,
    interestSegments: r.breakdown.interestSegments ?? [],
  };
  const pdf = await renderLetter(await letterDataOf(deps.sql, ctx, r, amounts, settings.ladder.consumerSafe));
  return { pdf: Buffer.from(pdf), fileName: letterFileName(r, r.amountsOn) };
}
