import { z } from 'zod';
import type { BankStatementReportSchema } from '@koprogo/protocols';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { parseCoda, type CodaMovement } from '../banking/coda.domain.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import type { BankAccountKind } from '../calls/calls.domain.ts';
import { settingsOf } from '../funds/funds.service.ts';
import { normalizeIban } from '../money/iban.domain.ts';
import { findStructuredCommunication, formatStructuredCommunication } from '../money/structured-communication.domain.ts';
import * as repo from './payments.repo.ts';
import { receivePayment } from './payments.service.ts';

/**
 * CODA import: every movement of the statement is recorded once (unique key: account, statement
 * year and number, movement sequence), so importing a statement again changes nothing. Incoming
 * movements become owner payments, matched by structured communication (the structured field, or
 * one written in the free text); the others wait on 4990 for manual allocation. Outgoing
 * movements are recorded but not posted here (supplier payments are posted by the expenses).
 */

type Report = z.infer<typeof BankStatementReportSchema>;
type ReportLine = Report['matched'][number];
type Outcome = { kind: 'matched' | 'unmatched' | 'alreadyImported' | 'outgoing'; line: ReportLine };

export async function importStatement(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, text: string): Promise<Report> {
  return inTx(deps, async (tx) => {
    const settings = await settingsOf(tx, ctx, buildingId);
    const statement = parseCoda(text, { field: 'body' });
    const iban = statementIban(statement.accountIban);
    const account: BankAccountKind | null = iban === settings.currentAccountIban ? 'current'
      : iban === settings.reserveAccountIban ? 'reserve' : null;
    if (!account) throw unknownAccount(iban);
    const at = deps.clock.now();
    const statementNumber = String(statement.statementNumber);
    const report: Report = { accountIban: iban, account, statementNumber, date: statement.date, matched: [], unmatched: [], alreadyImported: [], outgoing: [] };
    const head = { iban, account, statementNumber, statementDate: statement.date };
    for (const m of statement.movements) {
      const o = await importMovement(tx, ctx, buildingId, head, m, at);
      report[o.kind].push(o.line);
    }
    const added = report.matched.length + report.unmatched.length + report.outgoing.length;
    if (added > 0) {
      await audit(tx, ctx, at, 'bank_statement.imported', { type: 'building', id: buildingId }, {
        accountIban: iban, statementNumber, date: statement.date, matched: report.matched.length, unmatched: report.unmatched.length,
        alreadyImported: report.alreadyImported.length, outgoing: report.outgoing.length,
      });
    }
    return report;
  });
}

/** One movement: recorded once; money in becomes a payment, matched by its communication when it names an owner call. */
async function importMovement(tx: Db, ctx: ActorCtx, buildingId: string,
  head: { iban: string; account: BankAccountKind; statementNumber: string; statementDate: string }, m: CodaMovement, at: Date): Promise<Outcome> {
  const communication = m.structuredCommunication ?? (m.freeCommunication ? findStructuredCommunication(m.freeCommunication) : null);
  const line: repo.StatementLine = {
    accountIban: head.iban, statementYear: Number(head.statementDate.slice(0, 4)), statementNumber: head.statementNumber,
    sequence: m.sequence, detail: m.detail, statementDate: head.statementDate, entryDate: m.date, valueDate: m.valueDate,
    amountCents: m.amountCents, counterpartyName: m.counterpartyName, counterpartyIban: m.counterpartyIban ?? m.counterpartyAccount,
    structuredCommunication: communication, freeCommunication: m.freeCommunication, bankReference: m.bankReference || null,
  };
  const out: ReportLine = {
    sequence: m.sequence, detail: m.detail, amountCents: m.amountCents, paymentId: null, ownerCallId: null,
    structuredCommunication: communication ? formatStructuredCommunication(communication) : null,
  };
  const lineId = await repo.insertStatementLine(tx, ctx.organizationId, buildingId, line, at);
  if (!lineId) return { kind: 'alreadyImported', line: { ...out, ...(await repo.paymentOfLine(tx, ctx.organizationId, line)) } };
  if (m.amountCents <= 0) return { kind: 'outgoing', line: out };
  const ownerCall = communication ? await repo.ownerCallByCommunication(tx, ctx.organizationId, buildingId, communication) : null;
  const paymentId = await receivePayment(tx, ctx, buildingId, {
    amountCents: m.amountCents, paidOn: m.date, account: head.account, communication, freeCommunication: m.freeCommunication?.slice(0, 500) ?? null,
    counterpartyName: m.counterpartyName?.slice(0, 200) ?? null, ownerCall, source: 'coda', bankStatementLineId: lineId,
  }, at);
  return { kind: ownerCall ? 'matched' : 'unmatched', line: { ...out, paymentId, ownerCallId: ownerCall?.id ?? null } };
}

function statementIban(text: string): string {
  try {
    return normalizeIban(text);
  } catch {
    throw unknownAccount(text);
  }
}

function unknownAccount(iban: string): AppError {
  return new AppError('bank_statement.unknown_account', 'This statement is not of the building\'s current or reserve account',
    { field: 'accountIban', accountIban: iban });
}
