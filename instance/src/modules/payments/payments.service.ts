import { randomUUID } from 'node:crypto';
import type { PaymentDto } from '@koprogo/protocols';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { resolvePage, type PageRequest } from '../../platform/pagination.ts';
import { postEntry } from '../accounting/posting.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { checkCents } from '../calls/amount.domain.ts';
import { FUND_ACCOUNTS, type BankAccountKind } from '../calls/calls.domain.ts';
import { settingsOf } from '../funds/funds.service.ts';
import { formatStructuredCommunication, parseStructuredCommunication } from '../money/structured-communication.domain.ts';
import { allocationLines, canonicalRequest, paymentLines, settle } from './payments.domain.ts';
import * as repo from './payments.repo.ts';

/**
 * Use cases of owner payments: record one (idempotent by key), match it by structured
 * communication or by person and call, allocate an unmatched one by hand. Shared with the CODA
 * import (bank-statements.service.ts) through `receivePayment`.
 */

const ENTITY = 'payment';

export function toPaymentDto(p: repo.PaymentRow): PaymentDto {
  const allocated = p.allocations.reduce((a, x) => a + x.cents, 0);
  return {
    id: p.id, buildingId: p.buildingId, amountCents: p.amountCents, date: p.date, account: p.account,
    structuredCommunication: p.communication ? formatStructuredCommunication(p.communication) : null,
    freeCommunication: p.freeCommunication, counterpartyName: p.counterpartyName, status: p.status, personId: p.personId, source: p.source,
    allocations: p.allocations, creditCents: p.status === 'matched' ? p.amountCents - allocated : 0,
    entryId: p.entryId, allocationEntryId: p.allocationEntryId, createdAt: new Date(p.createdAt).toISOString(),
  };
}

export interface Receipt {
  amountCents: number; paidOn: string; account: BankAccountKind; communication: string | null; freeCommunication: string | null;
  counterpartyName: string | null; ownerCall: repo.OwnerCallRef | null; source: 'manual' | 'coda'; bankStatementLineId: string | null;
}

/**
 * Writes a received payment: the FIN entry (bank / owner account, or 4990 when unmatched), the
 * payment, and its allocation to the owner call up to what is still open; the rest stays a credit.
 */
export async function receivePayment(tx: Db, ctx: ActorCtx, buildingId: string, r: Receipt, at: Date): Promise<string> {
  const id = randomUUID();
  const oc = r.ownerCall;
  const receivable = oc ? FUND_ACCOUNTS[oc.fund].receivable : null;
  const posted = await postEntry(tx, {
    organizationId: ctx.organizationId, buildingId, journal: 'FIN', date: r.paidOn,
    description: (oc ? 'Paiement copropriétaire' : 'Paiement à identifier (compte d\'attente)')
      + (r.communication ? ` ${formatStructuredCommunication(r.communication)}` : ''),
    source: { type: 'payment', id },
    lines: paymentLines({ amountCents: r.amountCents, bank: r.account, owner: oc ? { personId: oc.personId, receivable: receivable! } : null,
      label: r.counterpartyName?.slice(0, 300) ?? 'Paiement' }),
  }, { actorUserId: ctx.actorUserId, requestId: ctx.requestId, at });
  await repo.insertPayment(tx, ctx.organizationId, buildingId, {
    id, amountCents: r.amountCents, paidOn: r.paidOn, account: r.account, communication: r.communication,
    freeCommunication: r.freeCommunication, counterpartyName: r.counterpartyName, personId: oc?.personId ?? null,
    receivableAccount: receivable, source: r.source, bankStatementLineId: r.bankStatementLineId, entryId: posted.entryId,
  }, at);
  const s = oc ? settle(r.amountCents, oc.amountCents - oc.paidCents) : null;
  if (oc && s && s.allocatedCents > 0) await repo.insertAllocation(tx, ctx.organizationId, id, oc.id, s.allocatedCents, at);
  await audit(tx, ctx, at, 'payment.recorded', { type: ENTITY, id }, {
    buildingId, source: r.source, amountCents: r.amountCents, date: r.paidOn, matched: oc !== null, ownerCallId: oc?.id ?? null,
    allocatedCents: s?.allocatedCents ?? 0, creditCents: s?.creditCents ?? 0, entryId: posted.entryId,
  });
  return id;
}

export interface PaymentInput {
  amountCents: number; date: string; structuredCommunication?: string | undefined; personId?: string | undefined;
  callId?: string | undefined; account?: BankAccountKind | undefined; counterpartyName?: string | undefined;
}

function checkInput(input: PaymentInput, key: string | undefined, today: string): { key: string; communication: string | null } {
  if (key === undefined || !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new AppError('payment.idempotency_key_required', 'Send an Idempotency-Key header (1 to 200 visible ASCII characters)',
      { field: 'idempotency-key' });
  }
  checkCents('payment.invalid_amount', 'amountCents', input.amountCents);
  if (input.date > today) throw new AppError('payment.date_in_future', 'A payment is recorded once received: its date cannot be after today', { field: 'date', today });
  let communication: string | null = null;
  if (input.structuredCommunication !== undefined) {
    communication = parseStructuredCommunication(input.structuredCommunication);
    if (!communication) {
      throw new AppError('payment.invalid_communication', 'Not a valid Belgian structured communication (+++ddd/dddd/ddddd+++)',
        { field: 'structuredCommunication' });
    }
    if (input.personId !== undefined || input.callId !== undefined) {
      throw new AppError('payment.ambiguous_reference', 'Give either a structured communication, or a person and a call, not both',
        { field: input.personId !== undefined ? 'personId' : 'callId' });
    }
  } else if ((input.personId === undefined) !== (input.callId === undefined)) {
    throw new AppError('payment.person_and_call_required', 'A payment designated by hand names both the person and the call',
      { field: input.personId === undefined ? 'personId' : 'callId' });
  }
  return { key, communication };
}

async function designatedOwnerCall(tx: Db, ctx: ActorCtx, buildingId: string, callId: string, personId: string): Promise<repo.OwnerCallRef> {
  const status = await repo.callStatus(tx, ctx.organizationId, buildingId, callId);
  if (status === null) throw new AppError('call.not_found', 'Call not found', { field: 'callId', id: callId });
  if (status === 'draft') throw new AppError('call.not_sent', 'This call for funds is not sent: nothing is due on it yet', { field: 'callId', id: callId });
  const oc = await repo.ownerCallOf(tx, ctx.organizationId, buildingId, callId, personId);
  if (!oc) throw new AppError('owner_call.not_found', 'This person has no share in this call for funds', { field: 'personId', id: personId });
  return oc;
}

/**
 * Records an owner payment once per Idempotency-Key: the same key again returns the first answer
 * (also when both requests run at the same time); the same key with another body is a conflict.
 * Matched by structured communication (an unknown one leaves it unmatched, on 4990) or by person and call.
 */
export async function recordPayment(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, input: PaymentInput,
  idempotencyKey: string | undefined): Promise<PaymentDto> {
  return inTx(deps, async (tx) => {
    await settingsOf(tx, ctx, buildingId);
    const { key, communication } = checkInput(input, idempotencyKey, deps.clock.today());
    const request = canonicalRequest({ buildingId, ...input });
    const at = deps.clock.now();
    const claim = await repo.claimKey(tx, ctx.organizationId, key, buildingId, request, at);
    if (!claim.claimed) {
      if (claim.request !== request) {
        throw new AppError('payment.idempotency_conflict', 'This Idempotency-Key was used for a different request', { field: 'idempotency-key' });
      }
      return claim.response as PaymentDto;
    }
    const ownerCall = communication
      ? await repo.ownerCallByCommunication(tx, ctx.organizationId, buildingId, communication)
      : input.callId && input.personId ? await designatedOwnerCall(tx, ctx, buildingId, input.callId, input.personId) : null;
    const id = await receivePayment(tx, ctx, buildingId, {
      amountCents: input.amountCents, paidOn: input.date, account: input.account ?? (ownerCall ? FUND_ACCOUNTS[ownerCall.fund].bank : 'current'),
      communication, freeCommunication: null, counterpartyName: input.counterpartyName ?? null, ownerCall, source: 'manual',
      bankStatementLineId: null,
    }, at);
    const dto = toPaymentDto((await repo.findPayment(tx, ctx.organizationId, buildingId, id))!);
    await repo.saveResponse(tx, ctx.organizationId, key, id, dto);
    return dto;
  });
}

export async function getPayment(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string): Promise<PaymentDto> {
  const p = await repo.findPayment(deps.sql, ctx.organizationId, buildingId, id);
  if (!p) throw notFound(ENTITY, id);
  return toPaymentDto(p);
}

export async function listPayments(deps: RegisterDeps, ctx: ActorCtx, buildingId: string,
  input: PageRequest & { status?: 'matched' | 'unmatched' | undefined }) {
  const page = resolvePage(repo.PAYMENT_SORTS, input, '-date');
  await settingsOf(deps.sql, ctx, buildingId);
  const r = await repo.listPayments(deps.sql, ctx.organizationId, buildingId, input.status, page);
  return { ...r, items: r.items.map(toPaymentDto) };
}

/**
 * Allocates an unmatched payment to a person's share of a call: an OD entry moves it out of the
 * compte d'attente (4990) onto the owner's account, dated on the payment's date; the amount
 * settles the owner call up to what is open, the rest is a credit.
 */
export async function allocatePayment(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, id: string,
  input: { personId: string; callId: string }): Promise<PaymentDto> {
  return inTx(deps, async (tx) => {
    const p = await repo.findPayment(tx, ctx.organizationId, buildingId, id, true);
    if (!p) throw notFound(ENTITY, id);
    if (p.status === 'matched') {
      throw new AppError('payment.already_matched', 'This payment is already attributed to an owner', { id, personId: p.personId });
    }
    const oc = await designatedOwnerCall(tx, ctx, buildingId, input.callId, input.personId);
    const receivable = FUND_ACCOUNTS[oc.fund].receivable;
    const at = deps.clock.now();
    // Dated the day the payment is identified (never earlier than the payment itself): the money may
    // have arrived in a fiscal year that is closed since, and a closed year takes no new entry.
    const posted = await postEntry(tx, {
      organizationId: ctx.organizationId, buildingId, journal: 'OD', date: deps.clock.today() > p.date ? deps.clock.today() : p.date,
      description: 'Affectation d\'un paiement en compte d\'attente', source: { type: 'payment_allocation', id },
      lines: allocationLines({ amountCents: p.amountCents, personId: oc.personId, receivable, label: 'Affectation' }),
    }, { actorUserId: ctx.actorUserId, requestId: ctx.requestId, at });
    await repo.markMatched(tx, ctx.organizationId, id, { personId: oc.personId, receivableAccount: receivable, allocationEntryId: posted.entryId }, at);
    const s = settle(p.amountCents, oc.amountCents - oc.paidCents);
    if (s.allocatedCents > 0) await repo.insertAllocation(tx, ctx.organizationId, id, oc.id, s.allocatedCents, at);
    await audit(tx, ctx, at, 'payment.allocated', { type: ENTITY, id }, {
      buildingId, ownerCallId: oc.id, personId: oc.personId, allocatedCents: s.allocatedCents, creditCents: s.creditCents, entryId: posted.entryId,
    });
    return toPaymentDto((await repo.findPayment(tx, ctx.organizationId, buildingId, id))!);
  });
}
