import type { Db } from '../../platform/db.ts';

/** SQL of AI drafts and their attempts; always scoped by organization_id (and building for the syndic's routes). */

export type DraftStatus = 'queued' | 'generating' | 'ready' | 'approved' | 'unavailable' | 'cancelled';
export interface DraftRow {
  id: string; organizationId: string; buildingId: string; documentType: 'reminder' | 'convocation'; ownerCallId: string | null;
  level: 'Gentle' | 'Formal' | 'FinalNotice' | 'LegalAction' | null; meetingId: string | null; agendaCount: number | null; locale: 'fr' | 'nl' | 'de' | 'en'; tone: 'neutral' | 'friendly' | 'firm';
  templateVersion: string; status: DraftStatus; source: 'grid' | 'template' | 'syndic' | null; subjectTemplate: string | null;
  bodyTemplate: string | null; flags: string[]; peerId: string | null; modelSha256: string | null; attempts: number; lastFault: string | null;
  approvedAt: Date | null; subjectFinal: string | null; bodyFinal: string | null; createdAt: Date; updatedAt: Date;
}
const DRAFT = `id, organization_id as "organizationId", building_id as "buildingId", document_type as "documentType",
  owner_call_id as "ownerCallId", level, meeting_id as "meetingId", agenda_count as "agendaCount", locale, tone, template_version as "templateVersion", status, source,
  subject_template as "subjectTemplate", body_template as "bodyTemplate", flags, peer_id as "peerId", model_sha256 as "modelSha256",
  attempts, last_fault as "lastFault", approved_at as "approvedAt", subject_final as "subjectFinal", body_final as "bodyFinal",
  created_at as "createdAt", updated_at as "updatedAt"`;

export async function insertDraft(tx: Db, d: Pick<DraftRow, 'id' | 'organizationId' | 'buildingId' | 'documentType' | 'ownerCallId' | 'level'
  | 'locale' | 'tone' | 'templateVersion'> & Partial<Pick<DraftRow, 'meetingId' | 'agendaCount'>> & { requestedBy: string | null }, at: Date): Promise<DraftRow> {
  const [row] = await tx<DraftRow[]>`insert into grid_drafts (id, organization_id, building_id, document_type, owner_call_id, level, meeting_id,
    agenda_count, locale, tone, template_version, status, requested_by, created_at, updated_at)
    values (${d.id}, ${d.organizationId}, ${d.buildingId}, ${d.documentType}, ${d.ownerCallId}, ${d.level}, ${d.meetingId ?? null},
      ${d.agendaCount ?? null}, ${d.locale}, ${d.tone},
      ${d.templateVersion}, 'queued', ${d.requestedBy}, ${at}, ${at}) returning ${tx.unsafe(DRAFT)}`;
  return row!;
}

export async function findDraft(sql: Db, orgId: string, id: string, forUpdate = false): Promise<DraftRow | null> {
  const [row] = forUpdate
    ? await sql<DraftRow[]>`select ${sql.unsafe(DRAFT)} from grid_drafts where organization_id = ${orgId} and id = ${id} for update`
    : await sql<DraftRow[]>`select ${sql.unsafe(DRAFT)} from grid_drafts where organization_id = ${orgId} and id = ${id}`;
  return row ?? null;
}

export async function buildingExists(sql: Db, orgId: string, buildingId: string): Promise<boolean> {
  const [row] = await sql`select 1 from buildings where organization_id = ${orgId} and id = ${buildingId}`;
  return Boolean(row);
}

/** For the dispatcher, which knows only the job id (= draft id). */
export async function findDraftById(sql: Db, id: string): Promise<DraftRow | null> {
  const [row] = await sql<DraftRow[]>`select ${sql.unsafe(DRAFT)} from grid_drafts where id = ${id}`;
  return row ?? null;
}

/** The drafts of the given document types (those the caller may read). */
export async function listDrafts(sql: Db, orgId: string, buildingId: string, types: readonly string[], limit: number): Promise<DraftRow[]> {
  return sql<DraftRow[]>`select ${sql.unsafe(DRAFT)} from grid_drafts where organization_id = ${orgId} and building_id = ${buildingId}
    and document_type = any(${types as string[]}) order by created_at desc, id desc limit ${limit}`;
}

export async function queuedDrafts(sql: Db): Promise<Array<{ id: string; documentType: string }>> {
  return sql`select id, document_type as "documentType" from grid_drafts where status in ('queued', 'generating')`;
}

export async function setDraftText(tx: Db, orgId: string, id: string, t: { source: 'grid' | 'template' | 'syndic'; subject: string; body: string;
  flags: string[]; peerId?: string | null; modelSha256?: string | null }, at: Date): Promise<DraftRow | null> {
  const [row] = await tx<DraftRow[]>`update grid_drafts set status = 'ready', source = ${t.source}, subject_template = ${t.subject},
    body_template = ${t.body}, flags = ${tx.json(t.flags)}, peer_id = ${t.peerId ?? null}, model_sha256 = ${t.modelSha256 ?? null}, updated_at = ${at}
    where organization_id = ${orgId} and id = ${id} and status <> 'approved' returning ${tx.unsafe(DRAFT)}`;
  return row ?? null;
}

export async function setDraftStatus(sql: Db, id: string, status: DraftStatus, p: { attempts?: number; lastFault?: string | null }, at: Date): Promise<void> {
  await sql`update grid_drafts set status = ${status}, attempts = coalesce(${p.attempts ?? null}, attempts),
    last_fault = coalesce(${p.lastFault ?? null}, last_fault), updated_at = ${at}
    where id = ${id} and status in ('queued', 'generating', 'unavailable')`;
}

export async function approveDraft(tx: Db, orgId: string, id: string, f: { subject: string; body: string; by: string | null }, at: Date): Promise<DraftRow> {
  const [row] = await tx<DraftRow[]>`update grid_drafts set status = 'approved', subject_final = ${f.subject}, body_final = ${f.body},
    approved_by = ${f.by}, approved_at = ${at}, updated_at = ${at}
    where organization_id = ${orgId} and id = ${id} and status = 'ready' returning ${tx.unsafe(DRAFT)}`;
  return row!;
}

/** The debt a reminder is about, with every fact its placeholders need (values stay on the instance). */
export interface DebtFacts {
  ownerCallId: string; buildingId: string; personName: string; street: string | null; postalCode: string | null; city: string | null;
  lots: string[]; buildingName: string; enterpriseNumber: string | null; iban: string | null; fund: 'ordinary' | 'working_capital' | 'reserve';
  periodLabel: string; dueDate: string; communication: string; amountCents: number; paidCents: number;
}

export async function debtFacts(sql: Db, orgId: string, buildingId: string, ownerCallId: string, asOf: string): Promise<DebtFacts | null> {
  const [row] = await sql<DebtFacts[]>`
    select o.id as "ownerCallId", o.building_id as "buildingId", pe.display_name as "personName", pe.street, pe.postal_code as "postalCode",
      pe.city, coalesce((select array_agg(l.number order by l.number) from owner_call_lots ol join lots l on l.id = ol.lot_id
        where ol.owner_call_id = o.id), '{}') as lots,
      b.name as "buildingName", b.enterprise_number as "enterpriseNumber", b.current_account_iban as iban, c.fund,
      c.period_label as "periodLabel", c.due_date::text as "dueDate", o.communication, o.amount_cents::int as "amountCents",
      coalesce((select sum(a.cents) from payment_allocations a join payments p on p.id = a.payment_id
        where a.owner_call_id = o.id and p.paid_on <= ${asOf}::date), 0)::int as "paidCents"
    from owner_calls o
    join calls c on c.organization_id = o.organization_id and c.id = o.call_id
    join persons pe on pe.organization_id = o.organization_id and pe.id = o.person_id
    join buildings b on b.organization_id = o.organization_id and b.id = o.building_id
    where o.organization_id = ${orgId} and o.building_id = ${buildingId} and o.id = ${ownerCallId}`;
  return row ?? null;
}

// ── Attempts ─────────────────────────────────────────────────────────────────
export interface AttemptRow {
  jobId: string; attempt: number; peerId: string; nonce: string; state: 'running' | 'succeeded' | 'failed'; fault: string | null;
  nodeFault: boolean; stopReason: string | null; busyMs: number | null; promptSha256: string | null; startedAt: Date; endedAt: Date | null;
}
const ATTEMPT = `job_id as "jobId", attempt, peer_id as "peerId", nonce, state, fault, node_fault as "nodeFault", stop_reason as "stopReason",
  busy_ms as "busyMs", prompt_sha256 as "promptSha256", started_at as "startedAt", ended_at as "endedAt"`;

export async function attemptsOf(sql: Db, jobId: string): Promise<AttemptRow[]> {
  return sql<AttemptRow[]>`select ${sql.unsafe(ATTEMPT)} from grid_attempts where job_id = ${jobId} order by attempt`;
}

export async function insertAttempt(sql: Db, a: { organizationId: string; jobId: string; attempt: number; peerId: string; nonce: string;
  promptSha256: string }, at: Date): Promise<void> {
  await sql`insert into grid_attempts (organization_id, job_id, attempt, peer_id, nonce, state, prompt_sha256, started_at)
    values (${a.organizationId}, ${a.jobId}, ${a.attempt}, ${a.peerId}, ${a.nonce}, 'running', ${a.promptSha256}, ${at})`;
}

/** Ends the attempt if it is still running (a late result finds it ended and changes nothing). */
export async function endAttempt(sql: Db, jobId: string, attempt: number, e: { state: 'succeeded' | 'failed'; fault: string | null;
  nodeFault: boolean; stopReason: string | null; busyMs: number }, at: Date): Promise<boolean> {
  const rows = await sql`update grid_attempts set state = ${e.state}, fault = ${e.fault}, node_fault = ${e.nodeFault},
    stop_reason = ${e.stopReason}, busy_ms = ${e.busyMs}, ended_at = ${at}
    where job_id = ${jobId} and attempt = ${attempt} and state = 'running' returning attempt`;
  return rows.length === 1;
}

/** Attempts left running by a crashed instance are failed (not the node's fault) before dispatching resumes. */
export async function failOrphanAttempts(sql: Db, at: Date): Promise<number> {
  const rows = await sql`update grid_attempts set state = 'failed', fault = 'instance_restarted', ended_at = ${at}
    where state = 'running' returning job_id`;
  return rows.length;
}

export async function insertEnergy(sql: Db, e: { jobId: string; attempt: number; peerId: string; busyMs: number; loadMw: number; idleMw: number;
  source: string; totalMwh: number; marginalMwh: number; declaredMwh: number | null }): Promise<void> {
  await sql`insert into grid_energy (job_id, attempt, peer_id, busy_ms, load_mw, idle_mw, source, total_mwh, marginal_mwh, declared_mwh)
    values (${e.jobId}, ${e.attempt}, ${e.peerId}, ${e.busyMs}, ${e.loadMw}, ${e.idleMw}, ${e.source}, ${e.totalMwh}, ${e.marginalMwh}, ${e.declaredMwh})
    on conflict do nothing`;
}
