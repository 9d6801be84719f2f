import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { chooseChannel } from '../delivery/delivery.domain.ts';
import { findRecipient } from '../delivery/delivery.repo.ts';
import { queueDelivery, type Attachment, type QueueDeps } from '../delivery/delivery.service.ts';
import { approvedConvocationCovers, cancelOpenConvocationDrafts, personalised } from '../grid/convocation-drafts.service.ts';
import { convocationText, wordsOf, type DocLanguage } from './assembly-texts.domain.ts';
import { invitationIcs } from './invitation.ts';
import { assertStatus, checkConvocationTiming } from './meetings.domain.ts';
import * as repo from './meetings.repo.ts';
import { buildingOf, meetingOf } from './meetings.service.ts';
import { personsByIds, registerLots } from './voting.repo.ts';
import { votersFromRegister } from './voting-rights.domain.ts';

/**
 * Sending the convocations of a meeting: the delay is checked on the day of sending against the
 * clock (15 days, or the building's longer delay), recipients are the voting holders as of that
 * day, each gets a PDF in their language (agenda, place and time, how to consult the documents,
 * proxy form) and, by e-mail, an .ics invitation; delivery goes through `queueDelivery` (e-mail
 * only with written acceptance, else post). An approved AI convocation draft in a recipient's language
 * (`aiDraftIds`) replaces the standard message text; the PDF, the legal document, stays the same.
 */

export type ConvocationDeps = RegisterDeps & QueueDeps;

async function convocationPdf(db: Db, org: string, b: repo.BuildingInfo, m: repo.MeetingRow, person: { name: string; language: DocLanguage }) {
  const agenda = await repo.agendaOf(db, org, m.id);
  const { renderAssemblyPdf } = await import('./assembly-pdf.ts'); // pdf-lib is loaded only by instances that print
  return renderAssemblyPdf(convocationText({
    language: person.language, buildingName: b.name, ownerName: person.name, kind: m.kind, meetingDate: m.meetingDate, startTime: m.startTime,
    place: m.place, remoteLink: m.remoteLink, documentsInfo: m.documentsInfo,
    agenda: agenda.map((i) => ({ position: i.position, title: i.title, draftResolution: i.draftResolution, majority: i.majority })),
  }));
}

export interface ConvocationResult {
  meetingId: string; sentOn: string; days: number; warnings: string[];
  recipients: { personId: string; language: DocLanguage; channel: 'email' | 'post'; deliveryId: string }[];
}

export async function sendConvocations(deps: ConvocationDeps, ctx: ActorCtx, buildingId: string, meetingId: string,
  opts: { aiDraftIds?: readonly string[] | undefined } = {}): Promise<ConvocationResult> {
  return inTx(deps, async (tx) => {
    const org = ctx.organizationId;
    const b = await buildingOf(tx, ctx, buildingId);
    const m = await meetingOf(tx, ctx, buildingId, meetingId, true);
    assertStatus(m.status, ['draft'], 'convene');
    const agenda = await repo.agendaOf(tx, org, m.id);
    if (agenda.length === 0) throw new AppError('meeting.agenda_empty', 'A convocation carries an agenda: add at least one item', { field: 'agenda' });
    const today = deps.clock.today();
    const settings = await repo.settings(tx, org, buildingId);
    const timing = checkConvocationTiming(today, m.meetingDate, settings.convocationMinDays);
    const covers = opts.aiDraftIds?.length ? await approvedConvocationCovers(tx, ctx, buildingId, b.name, m, opts.aiDraftIds, today) : new Map();
    const voters = votersFromRegister(await registerLots(tx, org, buildingId, today));
    if (voters.length === 0) throw new AppError('meeting.no_recipients', 'No one holds a vote in this building today', {});
    const persons = new Map((await personsByIds(tx, org, voters.map((v) => v.personId))).map((p) => [p.id, p]));
    const contacts = new Map(await Promise.all(voters.map(async (v) => [v.personId, await findRecipient(tx, org, v.personId)] as const)));
    const unreachable = voters.filter((v) => { const c = contacts.get(v.personId); return !c || (chooseChannel(c, today) === 'post' && !c.address); });
    if (unreachable.length > 0) {
      throw new AppError('meeting.recipients_unreachable',
        `${unreachable.length} owner(s) can be convened neither by e-mail (no written acceptance) nor by post (no address): ${unreachable.map((v) => v.personName).join(', ')}`,
        { personIds: unreachable.map((v) => v.personId) });
    }
    const recipients: ConvocationResult['recipients'] = [];
    for (const v of voters) {
      const person = persons.get(v.personId)!;
      const pdf = Buffer.from(await convocationPdf(tx, org, b, m, person));
      const attachments: Attachment[] = [{ filename: `convocation-${m.meetingDate}.pdf`, contentType: 'application/pdf', content: pdf }];
      if (chooseChannel(contacts.get(v.personId)!, today) === 'email') {
        const ics = invitationIcs({ uid: `${m.id}-${v.personId}@koprogo`, title: `${wordsOf(person.language).kind[m.kind]} – ${b.name}`,
          date: m.meetingDate, time: m.startTime, place: m.place, remoteLink: m.remoteLink,
          description: agenda.map((i) => `${i.position}. ${i.title}`).join('\n') });
        attachments.push({ filename: 'invitation.ics', contentType: 'text/calendar', content: Buffer.from(ics, 'utf8') });
      }
      const pw = wordsOf(person.language);
      const cover = covers.get(person.language);
      const d = await queueDelivery(tx, deps, {
        organizationId: org, buildingId, personId: v.personId, purpose: 'convocation',
        subject: cover ? personalised(cover.subject, person.name) : `${pw.convocation} – ${pw.kind[m.kind]} – ${b.name} – ${m.meetingDate}`,
        text: cover ? personalised(cover.body, person.name)
          : `${pw.convocation}: ${pw.kind[m.kind]}\n${pw.date}: ${m.meetingDate} ${m.startTime}\n${pw.place}: ${m.place}\n`
          + `${m.remoteLink ? `${pw.remote}: ${m.remoteLink}\n` : ''}\n${pw.agenda}:\n${agenda.map((i) => `${i.position}. ${i.title}`).join('\n')}\n`,
        attachments, related: { type: 'meeting', id: m.id },
      }, ctx);
      await tx`insert into convocations (organization_id, meeting_id, person_id, language, delivery_id, sent_on)
        values (${org}, ${m.id}, ${v.personId}, ${person.language}, ${d.id}, ${today})`;
      recipients.push({ personId: v.personId, language: person.language, channel: d.channel, deliveryId: d.id });
    }
    const at = deps.clock.now();
    await repo.setStatus(tx, org, m.id, 'convened', at, { convenedOn: today });
    await cancelOpenConvocationDrafts(tx, org, m.id, at);
    await audit(tx, ctx, at, 'meeting.convened', { type: 'meeting', id: m.id }, { recipients: recipients.length, days: timing.days,
      ...(covers.size ? { aiDraftIds: [...covers.values()].map((c) => c.draftId) } : {}) });
    return { meetingId: m.id, sentOn: today, days: timing.days, warnings: timing.warnings, recipients };
  });
}

/** The convocation PDF of one recipient, as sent (rendered again from the meeting record). */
export async function convocationPdfOf(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, meetingId: string, personId: string) {
  const b = await buildingOf(deps.sql, ctx, buildingId);
  const m = await meetingOf(deps.sql, ctx, buildingId, meetingId);
  const [c] = await deps.sql<{ language: DocLanguage; name: string }[]>`select c.language, p.display_name as name from convocations c
    join persons p on p.organization_id = c.organization_id and p.id = c.person_id
    where c.organization_id = ${ctx.organizationId} and c.meeting_id = ${m.id} and c.person_id = ${personId}`;
  if (!c) throw new AppError('convocation.not_found', 'No convocation was sent to this person for this meeting', { id: personId });
  return { pdf: await convocationPdf(deps.sql, ctx.organizationId, b, m, c), fileName: `convocation-${m.meetingDate}.pdf` };
}
