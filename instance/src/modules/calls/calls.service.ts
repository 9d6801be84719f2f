import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { resolvePage, type PageRequest } from '../../platform/pagination.ts';
import { postEntry } from '../accounting/posting.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { distributeOverKey } from '../distribution/distribution.service.ts';
import { settingsOf } from '../funds/funds.service.ts';
import type { FundSettings } from '../funds/funds.repo.ts';
import { epcQrPayload } from '../money/epc-qr.domain.ts';
import { formatStructuredCommunication, structuredCommunication } from '../money/structured-communication.domain.ts';
import { checkCents } from './amount.domain.ts';
import {
  callEntryLines, communicationBase, defaultChargeKind, FUND_ACCOUNTS, planOwnerCalls, type ChargeKind, type Fund,
} from './calls.domain.ts';
import * as repo from './calls.repo.ts';

/**
 * Use cases of calls for funds: create a draft, send it (split over the owners as of the due date,
 * one structured communication per owner, the VEN entry), read it, and render an owner's PDF.
 */

const ENTITY = 'call';

export interface CallView extends repo.CallRow { owners: repo.OwnerCallRow[] }

export const digitsOf = (formatted: string) => formatted.replace(/\D/g, '');

async function callOf(sql: Db, ctx: ActorCtx, buildingId: string, callId: string, lock = false): Promise<repo.CallRow> {
  const c = await repo.findCall(sql, ctx.organizationId, buildingId, callId, lock);
  if (!c) throw notFound(ENTITY, callId);
  return c;
}

async function view(sql: Db, ctx: ActorCtx, c: repo.CallRow): Promise<CallView> {
  return { ...c, owners: await repo.ownerCalls(sql, ctx.organizationId, c.id) };
}

export async function createCall(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: {
  fund: Fund; periodLabel: string; dueDate: string; totalCents: number; distributionKeyId: string | null; chargeKind?: ChargeKind | undefined;
}): Promise<CallView> {
  return inTx(deps, async (tx) => {
    await settingsOf(tx, ctx, buildingId);
    checkCents('call.invalid_amount', 'totalCents', input.totalCents);
    if (input.distributionKeyId !== null && !(await repo.keyExists(tx, ctx.organizationId, buildingId, input.distributionKeyId))) {
      throw new AppError('distribution_key.not_found', 'Distribution key not found', { field: 'distributionKeyId', id: input.distributionKeyId });
    }
    const at = deps.clock.now();
    const chargeKind = input.chargeKind ?? defaultChargeKind(input.fund);
    // Ordinary provisions (701) are settled against ordinary charges in the décompte: charging them
    // to the holders of extraordinary charges (bare owners) would credit the wrong person there.
    if (input.fund === 'ordinary' && chargeKind !== 'ordinary') {
      throw new AppError('call.charge_kind_mismatch', 'Provisions for ordinary charges are called from those who pay ordinary charges',
        { field: 'chargeKind' });
    }
    const id = await repo.insertCall(tx, ctx.organizationId, buildingId, { ...input, chargeKind }, at);
    await audit(tx, ctx, at, 'call.created', { type: ENTITY, id }, {
      buildingId, fund: input.fund, chargeKind, dueDate: input.dueDate, totalCents: input.totalCents, distributionKeyId: input.distributionKeyId,
    });
    return view(tx, ctx, (await repo.findCall(tx, ctx.organizationId, buildingId, id))!);
  });
}

export async function getCall(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, callId: string): Promise<CallView> {
  return view(deps.sql, ctx, await callOf(deps.sql, ctx, buildingId, callId));
}

export async function listCalls(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: PageRequest & repo.CallFilter) {
  const page = resolvePage(repo.CALL_SORTS, input, '-dueDate');
  await settingsOf(deps.sql, ctx, buildingId);
  return repo.listCalls(deps.sql, ctx.organizationId, buildingId, { status: input.status, fund: input.fund }, page);
}

/** The IBAN the owners pay a fund into; sending and printing need it. */
export function ibanFor(settings: FundSettings, fund: Fund): string {
  const bank = FUND_ACCOUNTS[fund].bank;
  const iban = bank === 'reserve' ? settings.reserveAccountIban : settings.currentAccountIban;
  if (!iban) {
    const field = bank === 'reserve' ? 'reserveAccountIban' : 'currentAccountIban';
    throw new AppError('call.bank_account_missing', `The building has no ${bank} account IBAN: set it in the fund settings first`, { field });
  }
  return iban;
}

/**
 * Sends a draft call: distributes its total over the key's lots and holders as of the due date,
 * creates one owner call per person with the next structured communications of the building,
 * posts the VEN entry (receivables per owner and lot / fund account) and marks it sent.
 * Sending a sent call again changes nothing and returns the same call.
 */
export async function sendCall(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, callId: string): Promise<{ call: CallView; changed: boolean }> {
  return inTx(deps, async (tx) => {
    const c = await callOf(tx, ctx, buildingId, callId, true);
    if (c.status === 'sent') return { call: await view(tx, ctx, c), changed: false };
    ibanFor(await settingsOf(tx, ctx, buildingId), c.fund);
    const shares = await distributeOverKey(tx, {
      organizationId: ctx.organizationId, buildingId, keyId: c.distributionKeyId, amountCents: c.totalCents, asOf: c.dueDate,
      chargeKind: c.chargeKind,
    });
    const plans = planOwnerCalls(shares, c.totalCents);
    const first = await repo.takeCounterValues(tx, ctx.organizationId, buildingId, plans.length);
    const withCommunications = plans.map((p, i) => ({ ...p, communication: digitsOf(structuredCommunication(communicationBase(first + i))) }));
    const at = deps.clock.now();
    await repo.insertOwnerCalls(tx, ctx.organizationId, buildingId, c.id, withCommunications, at);
    const sentOn = deps.clock.today();
    const label = c.periodLabel.slice(0, 300);
    const posted = await postEntry(tx, {
      organizationId: ctx.organizationId, buildingId, journal: 'VEN', date: sentOn,
      description: `Appel de fonds ${c.periodLabel}`.slice(0, 500),
      source: { type: 'call', id: c.id, reference: c.periodLabel },
      lines: callEntryLines(c.fund, c.totalCents, plans, label),
    }, { actorUserId: ctx.actorUserId, requestId: ctx.requestId, at });
    await repo.markSent(tx, ctx.organizationId, c.id, { sentOn, entryId: posted.entryId }, at);
    await audit(tx, ctx, at, 'call.sent', { type: ENTITY, id: c.id }, {
      buildingId, entryId: posted.entryId, entryNumber: posted.number, owners: plans.length, totalCents: c.totalCents,
    });
    return { call: await view(tx, ctx, (await repo.findCall(tx, ctx.organizationId, buildingId, c.id))!), changed: true };
  });
}

/** One owner's call for funds as a PDF, in the owner's language, with the EPC QR code. */
export async function ownerCallPdf(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, callId: string, personId: string):
  Promise<{ pdf: Uint8Array; fileName: string }> {
  const c = await callOf(deps.sql, ctx, buildingId, callId);
  if (c.status !== 'sent') throw new AppError('call.not_sent', 'A call for funds has owner documents once it is sent', { id: callId, status: c.status });
  const [owner] = await repo.ownerCalls(deps.sql, ctx.organizationId, c.id, personId);
  if (!owner) throw notFound('owner_call', personId);
  const settings = await settingsOf(deps.sql, ctx, buildingId);
  const iban = ibanFor(settings, c.fund);
  const communication = formatStructuredCommunication(owner.communication);
  // pdf-lib and qrcode weigh about 35 MB once loaded: only instances that print calls pay for them.
  const { renderCallPdf } = await import('./call-pdf.ts');
  const pdf = await renderCallPdf({
    language: owner.language, associationName: settings.name, ownerName: owner.personName, periodLabel: c.periodLabel, fund: c.fund,
    lots: owner.lots.map((l) => ({ number: l.lotNumber, cents: l.cents })), amountCents: owner.amountCents, dueDate: c.dueDate,
    iban, structuredCommunication: communication,
    qrPayload: epcQrPayload({ name: [...settings.name].slice(0, 70).join('').trim(), iban, amountCents: owner.amountCents, structuredCommunication: communication }),
  });
  return { pdf, fileName: `call-${c.dueDate}-${owner.communication}.pdf` };
}
