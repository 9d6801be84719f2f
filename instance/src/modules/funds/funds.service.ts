import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { legalParam } from '../../jurisdictions/be.ts';
import { standardFiscalYear } from '../accounting/posting.domain.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { checkCents } from '../calls/amount.domain.ts';
import { normalizeIban } from '../money/iban.domain.ts';
import { addDays, checkOptOut, reserveMinimum, type ReserveMinimum, type ReserveRule } from './funds.domain.ts';
import * as repo from './funds.repo.ts';

/**
 * Use cases of budgets and funds: the building's fund settings (bank accounts, réception
 * provisoire), budgets per fiscal year with the reserve-fund minimum (R23), and fund balances.
 */

const BUDGET = 'budget';

/** R23's parameters from the jurisdiction pack, as valid on the fiscal year's first day. */
export function reserveRule(onDate: string): ReserveRule {
  const rate = legalParam('funds.reserve.minAnnualRate', onDate);
  const after = legalParam('funds.reserve.mandatoryAfterYears', onDate);
  return { minAnnualRateBp: rate.value, mandatoryAfterYears: after.value, legalRef: `${rate.legalRef} (rules doc §4.1, R23)` };
}

export async function settingsOf(sql: Db, ctx: ActorCtx, buildingId: string, lock = false): Promise<repo.FundSettings> {
  const s = await repo.findSettings(sql, ctx.organizationId, buildingId, lock);
  if (!s) throw notFound('building', buildingId);
  return s;
}

export async function getSettings(deps: RegisterDeps, ctx: ActorCtx, buildingId: string) {
  return settingsOf(deps.sql, ctx, buildingId);
}

const ibanOrNull = (text: string | null, field: string): string | null => (text === null ? null : normalizeIban(text, field));

/** R24: the two funds' accounts are valid IBANs and distinct. */
export async function updateSettings(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: {
  currentAccountIban?: string | null | undefined; reserveAccountIban?: string | null | undefined; provisionalAcceptanceDate?: string | null | undefined;
}) {
  return inTx(deps, async (tx) => {
    const s = await settingsOf(tx, ctx, buildingId, true);
    const next: repo.FundSettings = {
      ...s,
      currentAccountIban: input.currentAccountIban === undefined ? s.currentAccountIban : ibanOrNull(input.currentAccountIban, 'currentAccountIban'),
      reserveAccountIban: input.reserveAccountIban === undefined ? s.reserveAccountIban : ibanOrNull(input.reserveAccountIban, 'reserveAccountIban'),
      provisionalAcceptanceDate: input.provisionalAcceptanceDate === undefined ? s.provisionalAcceptanceDate : input.provisionalAcceptanceDate,
    };
    if (next.currentAccountIban !== null && next.currentAccountIban === next.reserveAccountIban) {
      throw new AppError('funds.accounts_not_distinct', 'The working capital and the reserve fund need two distinct bank accounts (C. civ. art. 3.86 §3)',
        { field: 'reserveAccountIban' });
    }
    const at = deps.clock.now();
    await repo.updateSettings(tx, ctx.organizationId, next, at);
    const fields = (['currentAccountIban', 'reserveAccountIban', 'provisionalAcceptanceDate'] as const).filter((k) => next[k] !== s[k]);
    await audit(tx, ctx, at, 'funds.settings_updated', { type: 'building', id: buildingId }, { fields });
    return next;
  });
}

export interface BudgetView extends repo.BudgetRow {
  previousOrdinaryCharges: { cents: number | null; source: 'journal' | 'input' | 'unknown' };
  rule: ReserveRule;
  reserve: ReserveMinimum;
}

/** The budget with last year's ordinary charges (journal first, else the input) and the reserve-minimum flag. */
async function view(sql: Db, ctx: ActorCtx, b: repo.BudgetRow): Promise<BudgetView> {
  const settings = await settingsOf(sql, ctx, b.buildingId);
  const fromJournal = await repo.ordinaryChargesOfYearContaining(sql, ctx.organizationId, b.buildingId, addDays(b.startsOn, -1));
  const previousOrdinaryCharges = fromJournal ? { cents: fromJournal.cents, source: 'journal' as const }
    : b.previousOrdinaryChargesCents !== null ? { cents: b.previousOrdinaryChargesCents, source: 'input' as const }
      : { cents: null, source: 'unknown' as const };
  const rule = reserveRule(b.startsOn);
  const reserve = reserveMinimum({
    startsOn: b.startsOn, acceptanceDate: settings.provisionalAcceptanceDate, previousOrdinaryChargesCents: previousOrdinaryCharges.cents,
    reserveCents: b.reserveCents, optedOut: b.optOutDecisionDate !== null,
  }, rule);
  return { ...b, previousOrdinaryCharges, rule, reserve };
}

function checkAmounts(input: { ordinaryCents?: number | undefined; extraordinaryCents?: number | undefined; reserveCents?: number | undefined;
  previousOrdinaryChargesCents?: number | null | undefined }) {
  for (const field of ['ordinaryCents', 'extraordinaryCents', 'reserveCents', 'previousOrdinaryChargesCents'] as const) {
    const v = input[field];
    if (v !== undefined && v !== null) checkCents('budget.invalid_amount', field, v, { allowZero: true });
  }
}

export async function createBudget(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: {
  fiscalYear: number; ordinaryCents: number; extraordinaryCents: number; reserveCents: number; previousOrdinaryChargesCents?: number | null | undefined;
}): Promise<BudgetView> {
  return inTx(deps, async (tx) => {
    const s = await settingsOf(tx, ctx, buildingId);
    checkAmounts(input);
    const period = standardFiscalYear(`${input.fiscalYear}-12-31`, s.fiscalYearStart);
    const at = deps.clock.now();
    const id = await repo.insertBudget(tx, ctx.organizationId, buildingId, {
      fiscalYear: input.fiscalYear, startsOn: period.start, endsOn: period.end, ordinaryCents: input.ordinaryCents,
      extraordinaryCents: input.extraordinaryCents, reserveCents: input.reserveCents,
      previousOrdinaryChargesCents: input.previousOrdinaryChargesCents ?? null,
    }, at);
    if (!id) {
      throw new AppError('budget.already_exists', `The building already has a budget for the fiscal year ${input.fiscalYear}`, { field: 'fiscalYear' });
    }
    await audit(tx, ctx, at, 'budget.created', { type: BUDGET, id }, {
      buildingId, fiscalYear: input.fiscalYear, ordinaryCents: input.ordinaryCents, extraordinaryCents: input.extraordinaryCents,
      reserveCents: input.reserveCents,
    });
    return view(tx, ctx, (await repo.findBudget(tx, ctx.organizationId, buildingId, id))!);
  });
}

async function budgetOf(sql: Db, ctx: ActorCtx, buildingId: string, id: string, lock = false): Promise<repo.BudgetRow> {
  const b = await repo.findBudget(sql, ctx.organizationId, buildingId, id, lock);
  if (!b) throw notFound(BUDGET, id);
  return b;
}

export async function getBudget(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<BudgetView> {
  return view(deps.sql, ctx, await budgetOf(deps.sql, ctx, buildingId, id));
}

export async function listBudgets(deps: RegisterDeps, ctx: ActorCtx, buildingId: string): Promise<BudgetView[]> {
  await settingsOf(deps.sql, ctx, buildingId);
  const rows = await repo.listBudgets(deps.sql, ctx.organizationId, buildingId);
  return Promise.all(rows.map((b) => view(deps.sql, ctx, b)));
}

export async function updateBudget(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string, input: {
  ordinaryCents?: number | undefined; extraordinaryCents?: number | undefined; reserveCents?: number | undefined;
  previousOrdinaryChargesCents?: number | null | undefined;
}): Promise<BudgetView> {
  return inTx(deps, async (tx) => {
    const b = await budgetOf(tx, ctx, buildingId, id, true);
    checkAmounts(input);
    const next = {
      ...b,
      ordinaryCents: input.ordinaryCents ?? b.ordinaryCents,
      extraordinaryCents: input.extraordinaryCents ?? b.extraordinaryCents,
      reserveCents: input.reserveCents ?? b.reserveCents,
      previousOrdinaryChargesCents: input.previousOrdinaryChargesCents === undefined ? b.previousOrdinaryChargesCents : input.previousOrdinaryChargesCents,
    };
    const at = deps.clock.now();
    await repo.updateBudgetAmounts(tx, ctx.organizationId, next, at);
    const changed = (['ordinaryCents', 'extraordinaryCents', 'reserveCents', 'previousOrdinaryChargesCents'] as const)
      .filter((k) => next[k] !== b[k]);
    await audit(tx, ctx, at, 'budget.updated', { type: BUDGET, id }, {
      buildingId, changes: Object.fromEntries(changed.map((k) => [k, { from: b[k], to: next[k] }])),
    });
    return view(tx, ctx, (await repo.findBudget(tx, ctx.organizationId, buildingId, id))!);
  });
}

/** Records the assembly decision not to constitute the reserve fund (4/5, 3.86 §3): it clears the flag. */
export async function optOutOfReserve(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string,
  input: { decisionDate: string; reference: string }): Promise<BudgetView> {
  return inTx(deps, async (tx) => {
    const b = await budgetOf(tx, ctx, buildingId, id, true);
    checkOptOut(input, deps.clock.today());
    if (b.optOutDecisionDate !== null) {
      throw new AppError('budget.already_opted_out', 'An assembly decision is already recorded for this budget',
        { decisionDate: b.optOutDecisionDate, reference: b.optOutReference });
    }
    const at = deps.clock.now();
    await repo.setOptOut(tx, ctx.organizationId, id, input, at);
    await audit(tx, ctx, at, 'budget.reserve_opt_out', { type: BUDGET, id }, {
      buildingId, fiscalYear: b.fiscalYear, decisionDate: input.decisionDate, reference: input.reference,
      majority: legalParam('funds.reserve.waiverMajority').value,
    });
    return view(tx, ctx, (await repo.findBudget(tx, ctx.organizationId, buildingId, id))!);
  });
}

/** Balances of the working capital (100) and the reserve fund (160*) in the journal, as of a date. */
export async function fundBalances(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, asOf: string | undefined) {
  const s = await settingsOf(deps.sql, ctx, buildingId);
  const day = asOf ?? deps.clock.today();
  const b = await repo.fundBalances(deps.sql, ctx.organizationId, buildingId, day);
  return {
    buildingId, asOf: day,
    workingCapital: { account: '100', balanceCents: b.workingCapitalCents, iban: s.currentAccountIban },
    reserve: { account: '160', balanceCents: b.reserveCents, iban: s.reserveAccountIban },
  };
}
