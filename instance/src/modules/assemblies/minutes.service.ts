import type { TallyDto } from '@koprogo/protocols';
import { legalValue } from '../../jurisdictions/be.ts';
import type { Deps } from '../../platform/deps.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { archiveDocument, sha256Hex } from '../delivery/delivery.repo.ts';
import { queueDelivery, type QueueDeps } from '../delivery/delivery.service.ts';
import { publishEvent } from '../notifications/notifications.service.ts';
import { addDays } from '../reminders/working-days.domain.ts';
import { minutesText, wordsOf, type DocLanguage } from './assembly-texts.domain.ts';
import type { Majority } from './majority.domain.ts';
import { assertStatus } from './meetings.domain.ts';
import * as repo from './meetings.repo.ts';
import { buildingOf, meetingOf } from './meetings.service.ts';
import { fraction, sum, toText, type Fraction } from './rational.domain.ts';
import * as voting from './voting.repo.ts';

/**
 * Minutes (PV, 3.87 §10, §12): rendered in the building's language from the meeting record,
 * signed at the end of the meeting, sent to every owner within 30 days. A daily job flags minutes
 * not sent by the deadline. The decisions register reads the closed votes of closed meetings.
 */

export interface Signature { name: string; role: string; signedAt: string }
export interface MinutesView { meetingId: string; language: DocLanguage; dueOn: string; signatures: Signature[]; sentOn: string | null;
  documentId: string | null; sha256: string | null; recipients: number }

const wire = (f: { numerator: string; denominator: string }) => (f.denominator === '1' ? f.numerator : `${f.numerator}/${f.denominator}`);
const text = (f: Fraction) => toText(f);

async function minutesRow(db: Db, ctx: ActorCtx, m: repo.MeetingRow, language: DocLanguage, at: Date) {
  assertStatus(m.status, ['closed', 'no_quorum'], 'write the minutes of');
  const dueOn = addDays(m.meetingDate, legalValue('ag.minutes.sendWithinDays'));
  await db`insert into minutes (organization_id, meeting_id, language, due_on, created_at) values (${ctx.organizationId}, ${m.id}, ${language}, ${dueOn}, ${at})
    on conflict (organization_id, meeting_id) do nothing`;
  const [r] = await db<{ language: DocLanguage; dueOn: string; signatures: Signature[]; sentOn: string | null; documentId: string | null; sha256: string | null;
    recipients: number }[]>`
    select mi.language, mi.due_on::text as "dueOn", mi.signatures, mi.sent_on::text as "sentOn", mi.document_id as "documentId", d.sha256,
      (select count(*)::int from deliveries x where x.organization_id = mi.organization_id and x.related_type = 'minutes' and x.related_id = mi.meeting_id) as recipients
    from minutes mi left join archived_documents d on d.organization_id = mi.organization_id and d.id = mi.document_id
    where mi.organization_id = ${ctx.organizationId} and mi.meeting_id = ${m.id}`;
  return { meetingId: m.id, ...r! };
}

export async function getMinutes(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string): Promise<MinutesView> {
  return inTx(deps, async (tx) => {
    const b = await buildingOf(tx, ctx, buildingId);
    return minutesRow(tx, ctx, await meetingOf(tx, ctx, buildingId, meetingId), b.language, deps.clock.now());
  });
}

export async function sign(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string,
  input: { signatures: { name: string; role: string }[] }): Promise<MinutesView> {
  return inTx(deps, async (tx) => {
    const b = await buildingOf(tx, ctx, buildingId);
    const m = await meetingOf(tx, ctx, buildingId, meetingId, true);
    const at = deps.clock.now();
    const current = await minutesRow(tx, ctx, m, b.language, at);
    if (current.sentOn) throw new AppError('minutes.already_sent', 'The minutes were sent: signatures can no longer change', {});
    const added = input.signatures.map((s) => ({ ...s, signedAt: at.toISOString() }));
    await tx`update minutes set signatures = signatures || ${tx.json(added as never)}::jsonb where organization_id = ${ctx.organizationId} and meeting_id = ${m.id}`;
    await audit(tx, ctx, at, 'minutes.signed', { type: 'meeting', id: m.id }, { signatures: added.length });
    return minutesRow(tx, ctx, m, b.language, at);
  });
}

async function renderMinutes(db: Db, ctx: ActorCtx, b: repo.BuildingInfo, m: repo.MeetingRow, signatures: { name: string; role: string }[]) {
  const org = ctx.organizationId;
  const voters = new Map((await voting.votersOf(db, org, m.id)).map((v) => [v.personId, v]));
  const attendance = await voting.attendanceOf(db, org, m.id);
  const names = new Map((await voting.personsByIds(db, org, attendance.map((a) => a.holderPersonId))).map((p) => [p.id, p.name]));
  const q = m.quorum as { reached: boolean; ownersPresent: number; ownersTotal: number; sharesPresent: { numerator: string; denominator: string };
    sharesTotal: { numerator: string; denominator: string } } | null;
  const items = await repo.agendaOf(db, org, m.id);
  const { renderAssemblyPdf } = await import('./assembly-pdf.ts');
  return renderAssemblyPdf(minutesText({
    language: b.language, buildingName: b.name, kind: m.kind, meetingDate: m.meetingDate, startTime: m.startTime, place: m.place,
    attendance: attendance.map((a) => ({ name: a.personName, mode: a.mode, holderName: names.get(a.holderPersonId) ?? '', votes: text(voters.get(a.personId)?.votes ?? fraction(0)) })),
    quorum: q ? { reached: q.reached, ownersPresent: q.ownersPresent, ownersTotal: q.ownersTotal, sharesPresent: wire(q.sharesPresent), sharesTotal: wire(q.sharesTotal) } : null,
    items: items.map((i) => {
      const r = i.result as TallyDto | null;
      return { position: i.position, title: i.title, draftResolution: i.draftResolution, majority: i.majority,
        result: r ? { for: wire(r.for), against: wire(r.against), abstention: abstained(r),
          cast: wire(r.cast), adopted: r.adopted, againstNames: r.againstNames, abstainedNames: r.abstainedNames } : null };
    }),
    signatures,
  }));
}

/** Abstentions, blank and null votes together, as the PV shows them. */
function abstained(r: TallyDto): string {
  const f = (x: { numerator: string; denominator: string }) => fraction(BigInt(x.numerator), BigInt(x.denominator));
  return toText(sum([f(r.abstention), f(r.blank), f(r.null)]));
}

export async function minutesPdf(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string) {
  const b = await buildingOf(deps.sql, ctx, buildingId);
  const m = await meetingOf(deps.sql, ctx, buildingId, meetingId);
  const current = await inTx(deps, (tx) => minutesRow(tx, ctx, m, b.language, deps.clock.now()));
  return { pdf: await renderMinutes(deps.sql, ctx, b, m, current.signatures), fileName: `minutes-${m.meetingDate}.pdf` };
}

/** Archives the signed minutes and sends them to every owner of the meeting (e-mail with acceptance, else post). Once. */
export async function sendMinutes(deps: RegisterDeps & QueueDeps, ctx: ActorCtx, buildingId: string, meetingId: string): Promise<MinutesView> {
  return inTx(deps, async (tx) => {
    const org = ctx.organizationId;
    const b = await buildingOf(tx, ctx, buildingId);
    const m = await meetingOf(tx, ctx, buildingId, meetingId, true);
    const at = deps.clock.now();
    const current = await minutesRow(tx, ctx, m, b.language, at);
    if (current.sentOn) throw new AppError('minutes.already_sent', 'The minutes were already sent', { sentOn: current.sentOn });
    if (current.signatures.length === 0) throw new AppError('minutes.unsigned', 'The minutes are signed at the end of the meeting before they are sent (C. civ. art. 3.87 §10)', {});
    const pdf = Buffer.from(await renderMinutes(tx, ctx, b, m, current.signatures));
    const filename = `minutes-${m.meetingDate}.pdf`;
    const doc = await archiveDocument(tx, { organizationId: org, buildingId, personId: null, kind: 'attachment', filename, contentType: 'application/pdf',
      content: pdf, related: { type: 'minutes', id: m.id } }, at);
    const w = wordsOf(b.language);
    for (const v of await voting.votersOf(tx, org, m.id)) {
      await queueDelivery(tx, deps, { organizationId: org, buildingId, personId: v.personId, purpose: 'minutes',
        subject: `${w.minutes} – ${w.kind[m.kind]} – ${b.name} – ${m.meetingDate}`, text: `${w.minutes}: ${w.kind[m.kind]} ${m.meetingDate}\n`,
        attachments: [{ filename, contentType: 'application/pdf', content: pdf }], related: { type: 'minutes', id: m.id } }, ctx);
    }
    await tx`update minutes set document_id = ${doc.id}, sent_on = ${deps.clock.today()} where organization_id = ${org} and meeting_id = ${m.id}`;
    await audit(tx, ctx, at, 'minutes.sent', { type: 'meeting', id: m.id }, { documentId: doc.id, sha256: sha256Hex(pdf) });
    return minutesRow(tx, ctx, m, b.language, at);
  });
}

/** Flags every minutes not sent by its deadline (R17: alert on day 31), once, as an in-app notification to the organization's admins. */
export async function flagOverdueMinutes(deps: Pick<Deps, 'sql' | 'clock' | 'boss' | 'logger'>): Promise<number> {
  const today = deps.clock.today();
  const due = await deps.sql<{ organizationId: string; meetingId: string; buildingId: string; dueOn: string }[]>`
    select mi.organization_id as "organizationId", mi.meeting_id as "meetingId", m.building_id as "buildingId", mi.due_on::text as "dueOn"
    from minutes mi join meetings m on m.organization_id = mi.organization_id and m.id = mi.meeting_id
    where mi.sent_on is null and mi.overdue_flagged_at is null and mi.due_on < ${today}
    union all
    select m.organization_id, m.id, m.building_id, (m.meeting_date + ${legalValue('ag.minutes.sendWithinDays')}::int)::text from meetings m
    where m.status in ('closed', 'no_quorum') and m.meeting_date + ${legalValue('ag.minutes.sendWithinDays')}::int < ${today}::date
      and not exists (select 1 from minutes mi where mi.organization_id = m.organization_id and mi.meeting_id = m.id)`;
  for (const d of due) {
    await deps.sql.begin(async (tx) => {
      const ctx = { organizationId: d.organizationId, actorUserId: null, requestId: null };
      await tx`insert into minutes (organization_id, meeting_id, language, due_on, created_at)
        select ${d.organizationId}, ${d.meetingId}, b.language, ${d.dueOn}, ${deps.clock.now()} from buildings b
        where b.organization_id = ${d.organizationId} and b.id = ${d.buildingId} on conflict do nothing`;
      await tx`update minutes set overdue_flagged_at = ${deps.clock.now()} where organization_id = ${d.organizationId} and meeting_id = ${d.meetingId}`;
      await publishEvent(tx, deps, { organizationId: d.organizationId, type: 'assembly.minutes_overdue', recipients: 'organization-admins',
        payload: { meetingId: d.meetingId, buildingId: d.buildingId, dueOn: d.dueOn } }, ctx);
    });
  }
  return due.length;
}

export interface DecisionView { meetingId: string; meetingDate: string; itemId: string; title: string; resolution: string | null;
  majority: Majority; adopted: boolean; for: { numerator: string; denominator: string }; against: { numerator: string; denominator: string }; contestableUntil: string }

/** The register of decisions (3.87 §12): every closed vote of a closed meeting, searchable by words of the title or resolution. */
export async function decisions(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, q: { q?: string | undefined; adopted?: 'true' | 'false' | undefined }): Promise<DecisionView[]> {
  await buildingOf(deps.sql, ctx, buildingId);
  const like = q.q ? `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await deps.sql<{ meetingId: string; meetingDate: string; itemId: string; title: string; resolution: string | null; majority: Majority; result: TallyDto }[]>`
    select m.id as "meetingId", m.meeting_date::text as "meetingDate", i.id as "itemId", i.title, i.draft_resolution as resolution, i.majority, i.result
    from agenda_items i join meetings m on m.organization_id = i.organization_id and m.id = i.meeting_id
    where i.organization_id = ${ctx.organizationId} and m.building_id = ${buildingId} and m.status = 'closed' and i.vote_status = 'closed'
      ${like ? deps.sql`and (i.title ilike ${like} or i.draft_resolution ilike ${like})` : deps.sql``}
      ${q.adopted ? deps.sql`and (i.result->>'adopted')::boolean = ${q.adopted === 'true'}` : deps.sql``}
    order by m.meeting_date desc, i.position limit 500`;
  const months = legalValue('ag.contest.windowMonths');
  return rows.map((r) => ({ meetingId: r.meetingId, meetingDate: r.meetingDate, itemId: r.itemId, title: r.title, resolution: r.resolution,
    majority: r.majority, adopted: r.result.adopted, for: r.result.for, against: r.result.against, contestableUntil: addMonths(r.meetingDate, months) }));
}

/** Same day `months` later (the last day of the month when it has fewer days). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}
