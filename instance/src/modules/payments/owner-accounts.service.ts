import type { Db } from '../../platform/db.ts';
import { notFound } from '../../platform/errors.ts';
import { ownerMovements } from '../accounting/ledger.repo.ts';
import type { ActorCtx, RegisterDeps } from '../buildings/use-case.ts';
import { settingsOf } from '../funds/funds.service.ts';
import { formatStructuredCommunication } from '../money/structured-communication.domain.ts';
import { findPerson } from '../persons/persons.repo.ts';
import type { StatementLine } from './owner-account.domain.ts';
import { daysBetween } from './payments.domain.ts';

/** Owner accounts: the statement (every movement with its running balance) and overdue receivables. */

export interface OwnerStatement {
  buildingId: string; personId: string; personName: string; asOf: string; items: StatementLine[]; balanceCents: number;
}

/** Every movement on the owner's accounts (410, 4100, 4101, 415) up to `asOf`, from the journal. */
export async function ownerStatement(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, personId: string,
  asOf: string | undefined): Promise<OwnerStatement> {
  await settingsOf(deps.sql, ctx, buildingId);
  // Only a person who holds or held a lot of this building has an account here (and is visible).
  const person = await findPerson(deps.sql, ctx.organizationId, personId, [buildingId]);
  if (!person) throw notFound('person', personId);
  const day = asOf ?? deps.clock.today();
  const movements = await ownerMovements(deps.sql, { organizationId: ctx.organizationId, buildingId, personId, asOf: day });
  const items = movements.map((m) => ({
    date: m.date, entryId: m.entryId, entryNumber: m.number, journal: m.journal, account: m.account,
    description: m.label && !m.description.includes(m.label) ? `${m.description} – ${m.label}` : m.description,
    debitCents: m.debitCents, creditCents: m.creditCents, balanceCents: m.runningBalanceCents,
  }));
  return { buildingId, personId, personName: person.displayName, asOf: day, items, balanceCents: items.at(-1)?.balanceCents ?? 0 };
}

interface OverdueRow {
  ownerCallId: string; callId: string; personId: string; personName: string; fund: 'ordinary' | 'working_capital' | 'reserve';
  periodLabel: string; dueDate: string; communication: string; amountCents: number; paidCents: number;
}

/**
 * Owner calls still open on `asOf` whose due date is before it, with the days late. "Paid" counts
 * the allocations of payments dated on or before `asOf`. Oldest due date first.
 */
async function overdueRows(sql: Db, organizationId: string, buildingId: string, asOf: string): Promise<OverdueRow[]> {
  return sql<OverdueRow[]>`
    select * from (
      select o.id as "ownerCallId", o.call_id as "callId", o.person_id as "personId", pe.display_name as "personName", c.fund,
        c.period_label as "periodLabel", c.due_date::text as "dueDate", o.communication, o.amount_cents as "amountCents",
        coalesce((select sum(a.cents) from payment_allocations a join payments p on p.id = a.payment_id
          where a.owner_call_id = o.id and p.paid_on <= ${asOf}::date), 0)::bigint as "paidCents"
      from owner_calls o
      join calls c on c.organization_id = o.organization_id and c.id = o.call_id
      join persons pe on pe.organization_id = o.organization_id and pe.id = o.person_id
      where o.organization_id = ${organizationId} and o.building_id = ${buildingId} and c.due_date < ${asOf}::date
        and c.sent_on <= ${asOf}::date
    ) x where x."paidCents" < x."amountCents"
    order by x."dueDate", x."personName", x."periodLabel", x."ownerCallId"`;
}

export async function overdueReceivables(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, asOf: string | undefined) {
  await settingsOf(deps.sql, ctx, buildingId);
  const day = asOf ?? deps.clock.today();
  const rows = await overdueRows(deps.sql, ctx.organizationId, buildingId, day);
  const items = rows.map(({ communication, ...r }) => ({
    ...r, structuredCommunication: formatStructuredCommunication(communication), openCents: r.amountCents - r.paidCents,
    daysLate: daysBetween(r.dueDate, day),
  }));
  return { buildingId, asOf: day, items, totalOpenCents: items.reduce((a, i) => a + i.openCents, 0) };
}
