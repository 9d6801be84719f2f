import type { Db } from '../../platform/db.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';
import type { Breakdown } from './breakdown.domain.ts';
import type { Payment } from './interest.domain.ts';
import type { Channel, DebtStatus, Level, SentReminder } from './ladder.domain.ts';

/** SQL of the reminder ladder: debts, runs, reminders (settings: reminder-settings.repo.ts). Every statement filters by organization. */

export * from './reminder-settings.repo.ts';

export type ReminderState = 'draft' | 'approved' | 'sent' | 'cancelled';

// ── Debts ────────────────────────────────────────────────────────────────────
export interface DebtRow {
  id: string; buildingId: string; ownerCallId: string; callId: string; personId: string; personName: string;
  language: 'fr' | 'nl' | 'de' | 'en'; fund: 'ordinary' | 'working_capital' | 'reserve'; periodLabel: string; dueDate: string;
  communication: string; amountCents: number; paidCents: number; status: DebtStatus; statusReason: string | null;
  lastLevelSent: Level | null; createdAt: Date;
}

const DEBT_SELECT = `select d.id, d.building_id as "buildingId", d.owner_call_id as "ownerCallId", o.call_id as "callId",
    d.person_id as "personId", pe.display_name as "personName", pe.language, c.fund, c.period_label as "periodLabel",
    c.due_date::text as "dueDate", o.communication, o.amount_cents as "amountCents",
    coalesce((select sum(a.cents) from payment_allocations a where a.owner_call_id = o.id), 0)::bigint as "paidCents",
    d.status, d.status_reason as "statusReason", d.created_at as "createdAt",
    (select r.level from reminders r where r.debt_id = d.id and r.state = 'sent'
      order by array_position(array['Gentle','Formal','FinalNotice','LegalAction'], r.level) desc limit 1) as "lastLevelSent"
  from debts d
  join owner_calls o on o.organization_id = d.organization_id and o.id = d.owner_call_id
  join calls c on c.organization_id = o.organization_id and c.id = o.call_id
  join persons pe on pe.organization_id = d.organization_id and pe.id = d.person_id`;

export const DEBT_SORTS: SortFields<'createdAt'> = { createdAt: { expr: 'f."createdAt"', type: 'timestamptz' } };

export async function findDebt(sql: Db, org: string, buildingId: string, id: string, lock = false): Promise<DebtRow | null> {
  if (lock) await sql`select 1 from debts where organization_id = ${org} and id = ${id} for update`;
  const [row] = await sql<DebtRow[]>`${sql.unsafe(DEBT_SELECT)}
    where d.organization_id = ${org} and d.building_id = ${buildingId} and d.id = ${id}`;
  return row ?? null;
}

export async function listDebts(sql: Db, org: string, buildingId: string, f: { status?: DebtStatus | undefined; personId?: string | undefined },
  page: ResolvedPage) {
  const filtered = sql`${sql.unsafe(DEBT_SELECT)} where d.organization_id = ${org} and d.building_id = ${buildingId}
    ${f.status ? sql`and d.status = ${f.status}` : sql``} ${f.personId ? sql`and d.person_id = ${f.personId}` : sql``}`;
  return keysetPage<DebtRow>(sql, filtered, page);
}

/** Payments applied to an owner call, dated by the payment (what the interest and the balance read). */
export async function paymentsOf(sql: Db, org: string, ownerCallId: string): Promise<Payment[]> {
  return sql<Payment[]>`select p.paid_on::text as date, a.cents::int as cents
    from payment_allocations a join payments p on p.organization_id = a.organization_id and p.id = a.payment_id
    where a.organization_id = ${org} and a.owner_call_id = ${ownerCallId} order by p.paid_on, a.id`;
}

/**
 * Owner calls of the building that fell due before `asOf` (call sent by then) and are still unpaid
 * on `asOf`, plus those whose debt still has reminders waiting (so a run cancels them once settled).
 */
export async function ownerCallsToReview(sql: Db, org: string, buildingId: string, asOf: string) {
  return sql<{ ownerCallId: string; personId: string }[]>`
    select o.id as "ownerCallId", o.person_id as "personId" from owner_calls o
    join calls c on c.organization_id = o.organization_id and c.id = o.call_id
    where o.organization_id = ${org} and o.building_id = ${buildingId} and c.due_date < ${asOf}::date and c.sent_on <= ${asOf}::date
      and (o.amount_cents > coalesce((select sum(a.cents) from payment_allocations a join payments p on p.id = a.payment_id
             where a.owner_call_id = o.id and p.paid_on <= ${asOf}::date), 0)
        or exists (select 1 from debts d join reminders r on r.debt_id = d.id
             where d.owner_call_id = o.id and r.state in ('draft', 'approved')))
    order by c.due_date, o.id`;
}

/** The debt of an owner call, created on first sight (the unique key makes concurrent runs agree). */
export async function ensureDebt(tx: Db, org: string, buildingId: string, ownerCallId: string, personId: string, at: Date): Promise<string> {
  await tx`insert into debts (organization_id, building_id, owner_call_id, person_id, created_at, updated_at)
    values (${org}, ${buildingId}, ${ownerCallId}, ${personId}, ${at}, ${at}) on conflict (owner_call_id) do nothing`;
  const [row] = await tx<{ id: string }[]>`select id from debts where organization_id = ${org} and owner_call_id = ${ownerCallId} for update`;
  return row!.id;
}

export async function setDebtStatus(tx: Db, org: string, id: string, status: DebtStatus, reason: string | null, at: Date): Promise<void> {
  await tx`update debts set status = ${status}, status_reason = ${reason}, status_changed_at = ${at}, updated_at = ${at}
    where organization_id = ${org} and id = ${id}`;
}

// ── Reminders ────────────────────────────────────────────────────────────────
export interface ReminderRow {
  id: string; buildingId: string; debtId: string; personId: string; personName: string; language: 'fr' | 'nl' | 'de' | 'en';
  runId: string | null; level: Level; state: ReminderState; channel: Channel; draftedOn: string; amountsOn: string;
  dueDate: string; periodLabel: string; communication: string; fund: 'ordinary' | 'working_capital' | 'reserve'; ownerCallId: string;
  principalCents: number; feeCents: number; postageCents: number; indemnityCents: number; announcedIndemnityCents: number;
  interestCents: number; earlierChargesCents: number; totalCents: number; t1: string | null; interestFrom: string | null;
  breakdown: { interestSegments?: Breakdown['interestSegments'] }; registeredMail: boolean; trackingNumber: string | null;
  approvedOn: string | null; sentOn: string | null; deliveryId: string | null; deliveryChannel: 'email' | 'post' | null;
  letterDocumentId: string | null; letterSha256: string | null; cancelReason: string | null; createdAt: Date; updatedAt: Date;
}

const REMINDER_SELECT = `select r.id, r.building_id as "buildingId", r.debt_id as "debtId", r.person_id as "personId",
    pe.display_name as "personName", pe.language, r.run_id as "runId", r.level, r.state, r.channel,
    r.drafted_on::text as "draftedOn", r.amounts_on::text as "amountsOn", c.due_date::text as "dueDate",
    c.period_label as "periodLabel", o.communication, c.fund, o.id as "ownerCallId",
    r.principal_cents as "principalCents", r.fee_cents as "feeCents", r.postage_cents as "postageCents",
    r.indemnity_cents as "indemnityCents", r.announced_indemnity_cents as "announcedIndemnityCents",
    r.interest_cents as "interestCents", r.earlier_charges_cents as "earlierChargesCents", r.total_cents as "totalCents",
    r.t1::text as t1, r.interest_from::text as "interestFrom", r.breakdown, r.registered_mail as "registeredMail",
    r.tracking_number as "trackingNumber", r.approved_on::text as "approvedOn", r.sent_on::text as "sentOn",
    r.delivery_id as "deliveryId", r.delivery_channel as "deliveryChannel", r.letter_document_id as "letterDocumentId",
    ad.sha256 as "letterSha256", r.cancel_reason as "cancelReason", r.created_at as "createdAt", r.updated_at as "updatedAt"
  from reminders r
  join debts d on d.organization_id = r.organization_id and d.id = r.debt_id
  join owner_calls o on o.organization_id = d.organization_id and o.id = d.owner_call_id
  join calls c on c.organization_id = o.organization_id and c.id = o.call_id
  join persons pe on pe.organization_id = r.organization_id and pe.id = r.person_id
  left join archived_documents ad on ad.organization_id = r.organization_id and ad.id = r.letter_document_id`;

export const REMINDER_SORTS: SortFields<'createdAt'> = { createdAt: { expr: 'f."createdAt"', type: 'timestamptz' } };

export async function findReminder(sql: Db, org: string, buildingId: string, id: string, lock = false): Promise<ReminderRow | null> {
  if (lock) await sql`select 1 from reminders where organization_id = ${org} and id = ${id} for update`;
  const [row] = await sql<ReminderRow[]>`${sql.unsafe(REMINDER_SELECT)}
    where r.organization_id = ${org} and r.building_id = ${buildingId} and r.id = ${id}`;
  return row ?? null;
}

export interface ReminderFilter { state?: ReminderState | undefined; level?: Level | undefined; debtId?: string | undefined; personId?: string | undefined }

export async function listReminders(sql: Db, org: string, buildingId: string, f: ReminderFilter, page: ResolvedPage) {
  const filtered = sql`${sql.unsafe(REMINDER_SELECT)} where r.organization_id = ${org} and r.building_id = ${buildingId}
    ${f.state ? sql`and r.state = ${f.state}` : sql``} ${f.level ? sql`and r.level = ${f.level}` : sql``}
    ${f.debtId ? sql`and r.debt_id = ${f.debtId}` : sql``} ${f.personId ? sql`and r.person_id = ${f.personId}` : sql``}`;
  return keysetPage<ReminderRow>(sql, filtered, page);
}

export async function remindersOfDebt(sql: Db, org: string, debtId: string): Promise<ReminderRow[]> {
  return sql<ReminderRow[]>`${sql.unsafe(REMINDER_SELECT)} where r.organization_id = ${org} and r.debt_id = ${debtId}
    order by r.created_at, r.id`;
}

/** The sent reminders of a debt, as the ladder reads its history. */
export async function sentHistory(sql: Db, org: string, debtId: string): Promise<(SentReminder & { level: Level })[]> {
  return sql<(SentReminder & { level: Level })[]>`select level, sent_on::text as "sentOn", channel, fee_cents::int as "feeCents",
      postage_cents::int as "postageCents", indemnity_cents::int as "indemnityCents"
    from reminders where organization_id = ${org} and debt_id = ${debtId} and state = 'sent'`;
}

/** Reminders waiting on a debt (draft or approved). */
export async function pendingOf(sql: Db, org: string, debtId: string): Promise<{ id: string; level: Level; state: ReminderState }[]> {
  return sql`select id, level, state from reminders where organization_id = ${org} and debt_id = ${debtId}
    and state in ('draft', 'approved') order by created_at`;
}

export interface NewDraft {
  buildingId: string; debtId: string; personId: string; runId: string | null; level: Level; channel: Channel; draftedOn: string; amounts: Breakdown;
  registeredMail: boolean;
}

const amountColumns = (a: Breakdown) => ({
  amounts_on: a.date, principal_cents: a.principalCents, fee_cents: a.feeCents, postage_cents: a.postageCents,
  indemnity_cents: a.indemnityCents, announced_indemnity_cents: a.announcedIndemnityCents, interest_cents: a.interestCents,
  earlier_charges_cents: a.earlierChargesCents, total_cents: a.totalCents, t1: a.t1, interest_from: a.interestFrom,
});

/** Inserts a draft unless the debt already has a live reminder at that level; returns its id or null. */
export async function insertDraft(tx: Db, org: string, d: NewDraft, at: Date): Promise<string | null> {
  const a = d.amounts;
  const [r] = await tx<{ id: string }[]>`insert into reminders (organization_id, building_id, debt_id, person_id, run_id, level, state,
      channel, drafted_on, amounts_on, principal_cents, fee_cents, postage_cents, indemnity_cents, announced_indemnity_cents,
      interest_cents, earlier_charges_cents, total_cents, t1, interest_from, breakdown, registered_mail, created_at, updated_at)
    values (${org}, ${d.buildingId}, ${d.debtId}, ${d.personId}, ${d.runId}, ${d.level}, 'draft', ${d.channel}, ${d.draftedOn},
      ${a.date}, ${a.principalCents}, ${a.feeCents}, ${a.postageCents}, ${a.indemnityCents}, ${a.announcedIndemnityCents},
      ${a.interestCents}, ${a.earlierChargesCents}, ${a.totalCents}, ${a.t1}, ${a.interestFrom},
      ${tx.json({ interestSegments: a.interestSegments } as never)}, ${d.registeredMail}, ${at}, ${at})
    on conflict (debt_id, level) where state <> 'cancelled' do nothing returning id`;
  return r?.id ?? null;
}

/** Rewrites a waiting reminder's amounts (at approval and at sending: interest runs to that day). */
export async function updateAmounts(tx: Db, org: string, id: string, channel: Channel, a: Breakdown, at: Date): Promise<void> {
  await tx`update reminders set channel = ${channel}, amounts_on = ${a.date}, principal_cents = ${a.principalCents},
      fee_cents = ${a.feeCents}, postage_cents = ${a.postageCents}, indemnity_cents = ${a.indemnityCents},
      announced_indemnity_cents = ${a.announcedIndemnityCents}, interest_cents = ${a.interestCents},
      earlier_charges_cents = ${a.earlierChargesCents}, total_cents = ${a.totalCents}, t1 = ${a.t1}, interest_from = ${a.interestFrom},
      breakdown = ${tx.json({ interestSegments: a.interestSegments } as never)}, updated_at = ${at}
    where organization_id = ${org} and id = ${id} and state in ('draft', 'approved')`;
}

export async function markApproved(tx: Db, org: string, id: string, on: string, by: string | null, at: Date): Promise<void> {
  await tx`update reminders set state = 'approved', approved_on = ${on}, approved_at = ${at}, approved_by = ${by}, updated_at = ${at}
    where organization_id = ${org} and id = ${id} and state = 'draft'`;
}

export async function markSent(tx: Db, org: string, id: string, s: { sentOn: string; deliveryId: string; deliveryChannel: 'email' | 'post';
  letterDocumentId: string }, at: Date): Promise<void> {
  await tx`update reminders set state = 'sent', sent_on = ${s.sentOn}, sent_at = ${at}, delivery_id = ${s.deliveryId},
      delivery_channel = ${s.deliveryChannel}, letter_document_id = ${s.letterDocumentId}, updated_at = ${at}
    where organization_id = ${org} and id = ${id} and state = 'approved'`;
}

export async function markCancelled(tx: Db, org: string, ids: readonly string[], reason: string, at: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await tx`update reminders set state = 'cancelled', cancelled_at = ${at}, cancel_reason = ${reason}, updated_at = ${at}
    where organization_id = ${org} and id = any(${ids as string[]}::uuid[]) and state in ('draft', 'approved') returning id`;
  return rows.length;
}

export async function setTracking(tx: Db, org: string, id: string, trackingNumber: string | null, at: Date): Promise<void> {
  await tx`update reminders set tracking_number = ${trackingNumber}, updated_at = ${at} where organization_id = ${org} and id = ${id}`;
}

/** The archived letter (exact bytes sent) of a reminder. */
export async function letterBytes(sql: Db, org: string, documentId: string): Promise<{ filename: string; content: Buffer } | null> {
  const [row] = await sql<{ filename: string; content: Buffer }[]>`select filename, content from archived_documents
    where organization_id = ${org} and id = ${documentId}`;
  return row ?? null;
}

/** The archived attachment of a delivery (the letter), as queueDelivery stored it. */
export async function letterDocumentOf(tx: Db, org: string, deliveryId: string): Promise<string | null> {
  const [row] = await tx<{ id: string }[]>`select document_id as id from delivery_attachments
    where organization_id = ${org} and delivery_id = ${deliveryId} order by position limit 1`;
  return row?.id ?? null;
}

// ── Runs ─────────────────────────────────────────────────────────────────────
/** A debt a rule refused during a run (e.g. no legal interest rate in the pack for the date). */
export interface SkippedDebt { ownerCallId: string; code: string }

export interface RunRow {
  id: string; buildingId: string; asOf: string; state: 'running' | 'completed' | 'failed'; trigger: 'job' | 'api' | 'cli';
  debtsSeen: number; drafted: number; autoSent: number; skipped: SkippedDebt[]; errorCode: string | null; startedAt: Date; completedAt: Date | null;
}
const RUN_COLUMNS = `id, building_id as "buildingId", as_of::text as "asOf", state, trigger, debts_seen as "debtsSeen", drafted,
  auto_sent as "autoSent", skipped, error_code as "errorCode", started_at as "startedAt", completed_at as "completedAt"`;

/** The run of (building, asOf), started or restarted: a repeated run resumes the same row. */
export async function startRun(sql: Db, org: string, buildingId: string, asOf: string, trigger: RunRow['trigger'], at: Date): Promise<RunRow> {
  const [row] = await sql<RunRow[]>`insert into reminder_runs (organization_id, building_id, as_of, state, trigger, started_at)
    values (${org}, ${buildingId}, ${asOf}, 'running', ${trigger}, ${at})
    on conflict (building_id, as_of) do update set state = 'running', trigger = excluded.trigger, completed_at = null,
      error_code = null, started_at = excluded.started_at
    returning ${sql.unsafe(RUN_COLUMNS)}`;
  return row!;
}

export async function finishRun(sql: Db, org: string, id: string, c: { debtsSeen: number; drafted: number; autoSent: number; skipped: SkippedDebt[] }, at: Date): Promise<RunRow> {
  const [row] = await sql<RunRow[]>`update reminder_runs set state = 'completed', completed_at = ${at}, debts_seen = ${c.debtsSeen},
      drafted = ${c.drafted}, auto_sent = ${c.autoSent}, skipped = ${sql.json(c.skipped as never)}
    where organization_id = ${org} and id = ${id} returning ${sql.unsafe(RUN_COLUMNS)}`;
  return row!;
}

/** A run stopped by a rule (an AppError): recorded, so the start-up sweep does not retry it forever. */
export async function failRun(sql: Db, org: string, id: string, errorCode: string, at: Date): Promise<void> {
  await sql`update reminder_runs set state = 'failed', error_code = ${errorCode.slice(0, 100)}, completed_at = ${at}
    where organization_id = ${org} and id = ${id}`;
}

export async function listRuns(sql: Db, org: string, buildingId: string): Promise<RunRow[]> {
  return sql<RunRow[]>`select ${sql.unsafe(RUN_COLUMNS)} from reminder_runs where organization_id = ${org} and building_id = ${buildingId}
    order by as_of desc, started_at desc limit 100`;
}

/** Runs left unfinished (the instance stopped or crashed during them): the start-up sweep resumes them. */
export async function unfinishedRuns(sql: Db): Promise<{ organizationId: string; buildingId: string; asOf: string; trigger: RunRow['trigger'] }[]> {
  return sql`select organization_id as "organizationId", building_id as "buildingId", as_of::text as "asOf", trigger
    from reminder_runs where state = 'running' order by started_at`;
}
