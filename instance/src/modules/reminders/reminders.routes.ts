import {
  BuildingParamsSchema, DebtHistorySchema, DebtListQuerySchema, DebtPageSchema, DebtParamsSchema, DebtReminderCreateSchema,
  DebtStatusChangeSchema, errorResponses, ReminderCancelSchema, ReminderListQuerySchema, ReminderPageSchema, ReminderParamsSchema,
  ReminderPatchSchema, ReminderRunQuerySchema, ReminderRunSchema, ReminderRunListSchema, ReminderSchema, ReminderSettingsPatchSchema,
  ReminderSettingsSchema, type ReminderDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf } from '../buildings/use-case.ts';
import { formatStructuredCommunication } from '../money/structured-communication.domain.ts';
import * as runs from './reminder-run.service.ts';
import * as send from './reminder-send.service.ts';
import * as settings from './reminder-settings.service.ts';
import type { DebtRow, ReminderRow, RunRow, SettingsRow } from './reminders.repo.ts';
import * as service from './reminders.service.ts';

const tags = ['reminders'];
const READ = 'reminder.read';
const WRITE = 'reminder.write';

export const toReminderDto = (r: ReminderRow): ReminderDto => ({
  id: r.id, buildingId: r.buildingId, debtId: r.debtId, personId: r.personId, personName: r.personName, language: r.language,
  runId: r.runId, level: r.level, state: r.state, channel: r.channel, draftedOn: r.draftedOn, amountsOn: r.amountsOn,
  dueDate: r.dueDate, periodLabel: r.periodLabel, structuredCommunication: formatStructuredCommunication(r.communication),
  principalCents: r.principalCents, feeCents: r.feeCents, postageCents: r.postageCents, indemnityCents: r.indemnityCents,
  announcedIndemnityCents: r.announcedIndemnityCents, interestCents: r.interestCents, earlierChargesCents: r.earlierChargesCents,
  totalCents: r.totalCents, t1: r.t1, interestFrom: r.interestFrom, interestSegments: r.breakdown.interestSegments ?? [],
  registeredMail: r.registeredMail, trackingNumber: r.trackingNumber, approvedOn: r.approvedOn, sentOn: r.sentOn,
  deliveryId: r.deliveryId, deliveryChannel: r.deliveryChannel, letterDocumentId: r.letterDocumentId, letterSha256: r.letterSha256,
  cancelReason: r.cancelReason, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
});

const toDebtDto = (d: DebtRow) => ({
  id: d.id, buildingId: d.buildingId, ownerCallId: d.ownerCallId, callId: d.callId, personId: d.personId, personName: d.personName,
  periodLabel: d.periodLabel, dueDate: d.dueDate, structuredCommunication: formatStructuredCommunication(d.communication),
  amountCents: d.amountCents, paidCents: d.paidCents, openCents: d.amountCents - d.paidCents, status: d.status,
  statusReason: d.statusReason, lastLevelSent: d.lastLevelSent, createdAt: d.createdAt.toISOString(),
});

const toRunDto = (r: RunRow) => ({ ...r, startedAt: r.startedAt.toISOString(), completedAt: r.completedAt?.toISOString() ?? null });

const toSettingsDto = (buildingId: string, s: SettingsRow) => ({
  buildingId, autoSendGentle: s.autoSendGentle, consumerSafe: s.consumerSafe,
  consumerSafeOff: s.consumerSafe ? null : { reason: s.offReason!, reference: s.offReference!, decidedOn: s.offDecidedOn! },
  formalFeeCents: s.formalFeeCents, finalNoticeFeeCents: s.finalNoticeFeeCents, legalActionFeeCents: s.legalActionFeeCents,
  postageCents: s.postageCents, registeredPostageCents: s.registeredPostageCents, clauseRateBp: s.clauseRateBp,
});

/** The reminder ladder of a building: runs, reminders and their letters, debts, settings. */
export async function reminderRoutes(app: App, deps: Deps): Promise<void> {
  app.post('/buildings/:buildingId/reminders/run', {
    schema: {
      tags, summary: 'Work out who is due for which reminder level as of a date (default today) and create the drafts; idempotent',
      params: BuildingParamsSchema, querystring: ReminderRunQuerySchema, response: { 200: ReminderRunSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    const asOf = req.query.asOf ?? deps.clock.today();
    return toRunDto(await runs.runReminders(deps, actorOf(req), req.params.buildingId, asOf, 'api'));
  });

  app.get('/buildings/:buildingId/reminder-runs', {
    schema: {
      tags, summary: 'The latest reminder runs of the building (100 at most), newest date first',
      params: BuildingParamsSchema, response: { 200: ReminderRunListSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    return { items: (await runs.listRuns(deps, actorOf(req), req.params.buildingId)).map(toRunDto) };
  });

  app.get('/buildings/:buildingId/reminders', {
    schema: {
      tags, summary: 'Reminders (filter state, level, debt, person), newest first', params: BuildingParamsSchema,
      querystring: ReminderListQuerySchema, response: { 200: ReminderPageSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    const page = await service.listReminders(deps, actorOf(req), req.params.buildingId, req.query);
    return { ...page, items: page.items.map(toReminderDto) };
  });

  app.get('/buildings/:buildingId/reminders/:reminderId', {
    schema: { tags, summary: 'A reminder with its amounts and breakdown', params: ReminderParamsSchema, response: { 200: ReminderSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    return toReminderDto(await service.getReminder(deps, actorOf(req), req.params.buildingId, req.params.reminderId));
  });

  app.post('/buildings/:buildingId/reminders/:reminderId/approve', {
    schema: {
      tags, summary: 'Approve a draft today: refused (422) when it skips a level or comes too early (details.earliestDate)',
      params: ReminderParamsSchema, response: { 200: ReminderSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return toReminderDto(await service.approveReminder(deps, actorOf(req), req.params.buildingId, req.params.reminderId));
  });

  app.post('/buildings/:buildingId/reminders/:reminderId/send', {
    schema: {
      tags, summary: 'Send an approved reminder: letter PDF, delivery (e-mail or post), event. A second send is refused (409)',
      params: ReminderParamsSchema, response: { 200: ReminderSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return toReminderDto(await send.sendReminder(deps, actorOf(req), req.params.buildingId, req.params.reminderId));
  });

  app.post('/buildings/:buildingId/reminders/:reminderId/cancel', {
    schema: { tags, summary: 'Cancel a draft or approved reminder', params: ReminderParamsSchema, body: ReminderCancelSchema.optional(),
      response: { 200: ReminderSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return toReminderDto(await service.cancelReminder(deps, actorOf(req), req.params.buildingId, req.params.reminderId, req.body?.reason));
  });

  app.patch('/buildings/:buildingId/reminders/:reminderId', {
    schema: { tags, summary: 'Record the registered-mail tracking number of a FinalNotice', params: ReminderParamsSchema,
      body: ReminderPatchSchema, response: { 200: ReminderSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return toReminderDto(await service.setTrackingNumber(deps, actorOf(req), req.params.buildingId, req.params.reminderId, req.body.trackingNumber));
  });

  app.get('/buildings/:buildingId/reminders/:reminderId/letter', {
    schema: {
      tags, summary: 'The reminder letter as a PDF: the archived bytes once sent, a preview before', params: ReminderParamsSchema,
      produces: ['application/pdf'], response: { 200: z.any().describe('application/pdf'), ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    const { pdf, fileName } = await send.reminderLetter(deps, actorOf(req), req.params.buildingId, req.params.reminderId);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${fileName}"`).send(pdf);
  });

  app.get('/buildings/:buildingId/debts', {
    schema: { tags, summary: 'Debts in the ladder (owners\' overdue receivables), filter status, person', params: BuildingParamsSchema,
      querystring: DebtListQuerySchema, response: { 200: DebtPageSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    const page = await service.listDebts(deps, actorOf(req), req.params.buildingId, req.query);
    return { ...page, items: page.items.map(toDebtDto) };
  });

  app.get('/buildings/:buildingId/debts/:debtId', {
    schema: { tags, summary: 'A debt with every reminder and letter sent for it (the owner\'s history)', params: DebtParamsSchema,
      response: { 200: DebtHistorySchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    const d = await service.debtHistory(deps, actorOf(req), req.params.buildingId, req.params.debtId);
    return { ...toDebtDto(d), reminders: d.reminders.map(toReminderDto) };
  });

  app.post('/buildings/:buildingId/debts/:debtId/status', {
    schema: { tags, summary: 'Dispute or payment plan (pauses the ladder, reason required), or open (resumes it)', params: DebtParamsSchema,
      body: DebtStatusChangeSchema, response: { 200: DebtHistorySchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    const d = await service.setDebtStatus(deps, actorOf(req), req.params.buildingId, req.params.debtId, req.body);
    return { ...toDebtDto(d), reminders: d.reminders.map(toReminderDto) };
  });

  app.post('/buildings/:buildingId/debts/:debtId/reminders', {
    schema: { tags, summary: 'Draft a reminder at a level by hand (checked against the ladder when approved)', params: DebtParamsSchema,
      body: DebtReminderCreateSchema, response: { 201: ReminderSchema, ...errorResponses } },
  }, async (req, reply) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    const r = await service.draftByHand(deps, actorOf(req), req.params.buildingId, req.params.debtId, req.body.level);
    return reply.status(201).send(toReminderDto(r));
  });

  app.get('/buildings/:buildingId/reminder-settings', {
    schema: { tags, summary: 'Reminder settings of the building', params: BuildingParamsSchema, response: { 200: ReminderSettingsSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, READ, req.params.buildingId);
    return toSettingsDto(req.params.buildingId, await settings.getSettings(deps, actorOf(req), req.params.buildingId));
  });

  app.patch('/buildings/:buildingId/reminder-settings', {
    schema: {
      tags, summary: 'Change reminder settings; switching consumer-safe mode off needs consumerSafeOff (reason, reference, date)',
      params: BuildingParamsSchema, body: ReminderSettingsPatchSchema, response: { 200: ReminderSettingsSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, WRITE, req.params.buildingId);
    return toSettingsDto(req.params.buildingId, await settings.updateSettings(deps, actorOf(req), req.params.buildingId, req.body));
  });
}
