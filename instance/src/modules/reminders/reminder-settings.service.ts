import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { checkSettings, type LadderSettings } from './plan.domain.ts';
import * as repo from './reminders.repo.ts';

/**
 * Reminder settings of a building: automatic sending of Gentle reminders (opt-in), consumer-safe
 * mode (on by default; off only with a recorded reason, reference and date, audit-logged), the fee
 * per later level (checked against the pack's caps), postage and the contractual interest rate.
 */

export type SettingsPatch = {
  autoSendGentle?: boolean | undefined; consumerSafe?: boolean | undefined;
  consumerSafeOff?: { reason: string; reference: string; decidedOn: string } | undefined;
  formalFeeCents?: number | undefined; finalNoticeFeeCents?: number | undefined; legalActionFeeCents?: number | undefined;
  postageCents?: number | undefined; registeredPostageCents?: number | undefined; clauseRateBp?: number | null | undefined;
};

/** The settings of a building (defaults when never set); 404 for an unknown building. */
export async function settingsRowOf(sql: Db, ctx: ActorCtx, buildingId: string, lock = false): Promise<repo.SettingsRow> {
  if (!(await repo.findBuilding(sql, ctx.organizationId, buildingId))) throw notFound('building', buildingId);
  return (await repo.findSettings(sql, ctx.organizationId, buildingId, lock)) ?? repo.DEFAULT_SETTINGS;
}

export const ladderSettings = (s: repo.SettingsRow): LadderSettings => ({
  consumerSafe: s.consumerSafe,
  fees: { Formal: s.formalFeeCents, FinalNotice: s.finalNoticeFeeCents, LegalAction: s.legalActionFeeCents },
  postageCents: s.postageCents, registeredPostageCents: s.registeredPostageCents, clauseRateBp: s.clauseRateBp,
});

export async function getSettings(deps: RegisterDeps, ctx: ActorCtx, buildingId: string): Promise<repo.SettingsRow> {
  return settingsRowOf(deps.sql, ctx, buildingId);
}

const CENT_FIELDS = ['formalFeeCents', 'finalNoticeFeeCents', 'legalActionFeeCents', 'postageCents', 'registeredPostageCents'] as const;

function checkWhole(field: string, value: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new AppError('reminder.invalid_amount', `${field} must be a whole number between 0 and ${max}`, { field });
  }
}

export async function updateSettings(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, patch: SettingsPatch): Promise<repo.SettingsRow> {
  return inTx(deps, async (tx) => {
    const before = await settingsRowOf(tx, ctx, buildingId, true);
    const next: repo.SettingsRow = { ...before };
    if (patch.autoSendGentle !== undefined) next.autoSendGentle = patch.autoSendGentle;
    for (const f of CENT_FIELDS) {
      const v = patch[f];
      if (v !== undefined) { checkWhole(f, v, 100_000); next[f] = v; }
    }
    if (patch.clauseRateBp !== undefined) {
      if (patch.clauseRateBp !== null) checkWhole('clauseRateBp', patch.clauseRateBp, 100_000);
      next.clauseRateBp = patch.clauseRateBp;
    }
    if (patch.consumerSafe === true) {
      Object.assign(next, { consumerSafe: true, offReason: null, offReference: null, offDecidedOn: null });
    } else if (patch.consumerSafe === false && before.consumerSafe) {
      // Book XIX is applied as a safe harbour unless the ACP recorded why not (rules doc §7).
      if (!patch.consumerSafeOff) {
        throw new AppError('reminder.consumer_safe_reason_required',
          'Switching consumer-safe mode off needs a recorded legal basis: reason, reference (ROI clause or AG decision) and date',
          { field: 'consumerSafeOff' });
      }
      Object.assign(next, { consumerSafe: false, offReason: patch.consumerSafeOff.reason, offReference: patch.consumerSafeOff.reference,
        offDecidedOn: patch.consumerSafeOff.decidedOn });
    }
    checkSettings(ladderSettings(next));
    const at = deps.clock.now();
    await repo.saveSettings(tx, ctx.organizationId, buildingId, next, at);
    const changed = (Object.keys(next) as (keyof repo.SettingsRow)[]).filter((k) => next[k] !== before[k]);
    await audit(tx, ctx, at, 'reminder_settings.updated', { type: 'building', id: buildingId }, {
      changed, consumerSafe: next.consumerSafe,
      ...(before.consumerSafe !== next.consumerSafe ? { consumerSafeReason: next.offReason, consumerSafeReference: next.offReference } : {}),
    });
    return next;
  });
}
