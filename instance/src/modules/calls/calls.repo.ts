import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';
import type { CallStatus, ChargeKind, Fund, OwnerCallPlan } from './calls.domain.ts';

/** All SQL of calls for funds and owner calls. Every statement filters by organization. */

export interface CallRow {
  id: string; buildingId: string; fund: Fund; chargeKind: ChargeKind; periodLabel: string; dueDate: string; totalCents: number;
  distributionKeyId: string | null; status: CallStatus; sentOn: string | null; entryId: string | null; createdAt: Date; updatedAt: Date;
}

const CALL_COLUMNS = `c.id, c.building_id as "buildingId", c.fund, c.charge_kind as "chargeKind", c.period_label as "periodLabel",
  c.due_date::text as "dueDate", c.total_cents as "totalCents", c.distribution_key_id as "distributionKeyId", c.status,
  c.sent_on::text as "sentOn", c.entry_id as "entryId", c.created_at as "createdAt", c.updated_at as "updatedAt"`;

export const CALL_SORTS: SortFields<'dueDate' | 'createdAt'> = {
  dueDate: { expr: 'f.due_date', type: 'date' },
  createdAt: { expr: 'f.created_at', type: 'timestamptz' },
};

export async function findCall(sql: Db, organizationId: string, buildingId: string, id: string, lock = false): Promise<CallRow | null> {
  const [row] = await sql<CallRow[]>`select ${sql.unsafe(CALL_COLUMNS)} from calls c
    where c.organization_id = ${organizationId} and c.building_id = ${buildingId} and c.id = ${id}
    ${lock ? sql`for update` : sql``}`;
  return row ?? null;
}

export async function keyExists(sql: Db, organizationId: string, buildingId: string, keyId: string): Promise<boolean> {
  const rows = await sql`select 1 from distribution_keys where organization_id = ${organizationId} and building_id = ${buildingId} and id = ${keyId}`;
  return rows.length > 0;
}

export interface NewCall {
  fund: Fund; chargeKind: ChargeKind; periodLabel: string; dueDate: string; totalCents: number; distributionKeyId: string | null;
}

export async function insertCall(tx: Db, organizationId: string, buildingId: string, c: NewCall, at: Date): Promise<string> {
  const [row] = await tx<{ id: string }[]>`insert into calls (organization_id, building_id, fund, charge_kind, period_label, due_date,
      total_cents, distribution_key_id, status, created_at, updated_at)
    values (${organizationId}, ${buildingId}, ${c.fund}, ${c.chargeKind}, ${c.periodLabel}, ${c.dueDate}, ${c.totalCents},
      ${c.distributionKeyId}, 'draft', ${at}, ${at})
    returning id`;
  return row!.id;
}

export async function markSent(tx: Db, organizationId: string, id: string, s: { sentOn: string; entryId: string }, at: Date): Promise<void> {
  await tx`update calls set status = 'sent', sent_on = ${s.sentOn}, sent_at = ${at}, entry_id = ${s.entryId}, updated_at = ${at}
    where organization_id = ${organizationId} and id = ${id}`;
}

export async function deleteDraft(tx: Db, organizationId: string, id: string): Promise<void> {
  await tx`delete from calls where organization_id = ${organizationId} and id = ${id} and status = 'draft'`;
}

export interface CallFilter { status?: CallStatus | undefined; fund?: Fund | undefined }

export async function listCalls(sql: Db, organizationId: string, buildingId: string, filter: CallFilter, page: ResolvedPage) {
  const filtered = sql`select ${sql.unsafe(CALL_COLUMNS)}, c.due_date, c.created_at,
      (select count(*)::int from owner_calls o where o.call_id = c.id) as "ownerCount"
    from calls c where c.organization_id = ${organizationId} and c.building_id = ${buildingId}
      ${filter.status ? sql`and c.status = ${filter.status}` : sql``} ${filter.fund ? sql`and c.fund = ${filter.fund}` : sql``}`;
  const result = await keysetPage<CallRow & { ownerCount: number; due_date?: unknown; created_at?: unknown }>(sql, filtered, page);
  for (const r of result.rows) {
    delete r.due_date;
    delete r.created_at;
  }
  return { items: result.rows as (CallRow & { ownerCount: number })[], total: result.total, nextCursor: result.nextCursor };
}

/** Takes `count` consecutive values of the building's gapless counter; returns the first. */
export async function takeCounterValues(tx: Db, organizationId: string, buildingId: string, count: number): Promise<number> {
  const [row] = await tx<{ last: number }[]>`insert into structured_communication_counters (organization_id, building_id, last_value)
    values (${organizationId}, ${buildingId}, ${count})
    on conflict (organization_id, building_id) do update set last_value = structured_communication_counters.last_value + ${count}
    returning last_value as last`;
  return row!.last - count + 1;
}

/** Writes the owner calls and their lots in a few multi-row statements (a 1 000-lot building stays quick). */
export async function insertOwnerCalls(tx: Db, organizationId: string, buildingId: string, callId: string,
  plans: readonly (OwnerCallPlan & { communication: string })[], at: Date): Promise<void> {
  const owners = plans.map((p) => ({
    id: randomUUID(), organization_id: organizationId, building_id: buildingId, call_id: callId, person_id: p.personId,
    amount_cents: p.amountCents, communication: p.communication, created_at: at,
  }));
  const lots = plans.flatMap((p, i) => p.lots.map((l) => ({
    organization_id: organizationId, owner_call_id: owners[i]!.id, lot_id: l.lotId, cents: l.cents,
  })));
  for (let i = 0; i < owners.length; i += CHUNK) await tx`insert into owner_calls ${tx(owners.slice(i, i + CHUNK))}`;
  for (let i = 0; i < lots.length; i += CHUNK) await tx`insert into owner_call_lots ${tx(lots.slice(i, i + CHUNK))}`;
}

const CHUNK = 5_000; // at most 8 parameters a row: under PostgreSQL's 65 535 bind parameters

export interface OwnerCallRow {
  id: string; callId: string; personId: string; personName: string; language: 'fr' | 'nl' | 'de' | 'en';
  amountCents: number; paidCents: number; communication: string; lots: { lotId: string; lotNumber: string; cents: number }[];
}

/** The owner calls of a call (or one person's), with what was paid on them so far. */
export async function ownerCalls(sql: Db, organizationId: string, callId: string, personId?: string): Promise<OwnerCallRow[]> {
  return sql<OwnerCallRow[]>`
    select o.id, o.call_id as "callId", o.person_id as "personId", p.display_name as "personName", p.language,
      o.amount_cents as "amountCents", o.communication,
      coalesce((select sum(a.cents) from payment_allocations a where a.owner_call_id = o.id), 0)::bigint as "paidCents",
      (select coalesce(json_agg(json_build_object('lotId', l.id, 'lotNumber', l.number, 'cents', ol.cents) order by l.number), '[]')
         from owner_call_lots ol join lots l on l.id = ol.lot_id where ol.owner_call_id = o.id) as lots
    from owner_calls o join persons p on p.organization_id = o.organization_id and p.id = o.person_id
    where o.organization_id = ${organizationId} and o.call_id = ${callId}
      ${personId ? sql`and o.person_id = ${personId}` : sql``}
    order by p.sort_name, o.id`;
}
