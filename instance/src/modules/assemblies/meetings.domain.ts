import { legalParam, legalValue } from '../../jurisdictions/be.ts';
import { meetsRatio } from '../../jurisdictions/threshold.ts';
import { AppError } from '../../platform/errors.ts';
import { addDays, daysBetween } from '../reminders/working-days.domain.ts';
import { toText, type Fraction } from './rational.domain.ts';

/**
 * Meetings and their convocation (C. civ. art. 3.87 §2, §3, §5), pure rules:
 * the convocation delay checked on the day it is SENT, the agenda-request cut-off, the delay of a
 * second session after a failed first one, an owners' request for an assembly, and which
 * transitions a meeting allows.
 */

export const MEETING_KINDS = ['ordinary', 'extraordinary', 'second_session'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_STATUSES = ['draft', 'convened', 'open', 'no_quorum', 'closed'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export interface ConvocationTiming { ok: true; days: number; warnings: string[] }

/**
 * Sending today for a meeting on `meetingDate`: at least the statutory 15 days (or the building's
 * longer delay), counted in calendar days. Too late → `meeting.convocation_too_late` with the
 * earliest meeting date a convocation sent today allows. When only the calendar reading holds
 * (exactly the minimum), warn: the "jours francs" reading would need one more day (R01, to verify).
 */
export function checkConvocationTiming(today: string, meetingDate: string, buildingMinDays: number): ConvocationTiming {
  const legalMin = legalValue('ag.convocation.minDays');
  const minDays = Math.max(legalMin, buildingMinDays);
  const days = daysBetween(today, meetingDate);
  if (days < minDays) {
    throw new AppError('meeting.convocation_too_late',
      `A convocation must be sent at least ${minDays} days before the meeting (C. civ. art. 3.87 §3${minDays > legalMin ? ' and the building\'s statutes' : ''}); sent today, the meeting can be on ${addDays(today, minDays)} at the earliest`,
      { field: 'meetingDate', minDays, days, earliestMeetingDate: addDays(today, minDays), legalRef: legalParam('ag.convocation.minDays').legalRef });
  }
  const warnings = days === minDays
    ? ['The delay is met in calendar days only; under the "15 jours francs" reading (to verify) one more day would be needed']
    : [];
  return { ok: true, days, warnings };
}

/** A second session is dated at least 15 days after the failed first meeting (3.87 §5, R06). */
export function checkSecondSessionDate(first: { status: MeetingStatus; meetingDate: string }, date: string): void {
  if (first.status !== 'no_quorum') {
    throw new AppError('meeting.second_session_not_allowed', 'A second session follows a first meeting that failed for lack of quorum',
      { field: 'firstMeetingId', status: first.status });
  }
  const min = legalValue('ag.secondAg.minDelayDays');
  if (daysBetween(first.meetingDate, date) < min) {
    throw new AppError('meeting.second_session_too_early', `A second session is held at least ${min} days after the first meeting (C. civ. art. 3.87 §5)`,
      { field: 'meetingDate', earliestMeetingDate: addDays(first.meetingDate, min) });
  }
}

/**
 * An owner's agenda request (3.87 §2, R03): received at least 21 days before the first day of the
 * statutory window (or, for a meeting without a window, before the meeting date) it goes on this
 * meeting's agenda; later, or once convocations are sent, it goes to the next assembly.
 */
export function agendaRequestOutcome(m: { status: MeetingStatus; meetingDate: string; windowStart: string | null }, receivedOn: string): 'added' | 'deferred' {
  if (m.status !== 'draft') return 'deferred';
  const lead = legalValue('ag.agendaRequest.leadDays');
  return daysBetween(receivedOn, m.windowStart ?? m.meetingDate) >= lead ? 'added' : 'deferred';
}

export interface AssemblyRequestCheck { requesterVotes: Fraction; totalVotes: Fraction; receivedOn: string }

/** Owners holding at least 1/5 of the quote-parts may ask for an assembly; the syndic has 30 days (R04). */
export function checkAssemblyRequest(c: AssemblyRequestCheck): { syndicDeadline: string } {
  const param = legalParam('ag.ownerRequest.sharesMin');
  const r = c.requesterVotes;
  const ok = c.totalVotes.num > 0n && meetsRatio(r.num * c.totalVotes.den, r.den * c.totalVotes.num, param);
  if (!ok) {
    throw new AppError('assembly_request.insufficient_shares',
      `The requesters hold ${toText(r)} of ${toText(c.totalVotes)} quote-parts; at least ${param.value.num}/${param.value.den} are needed (C. civ. art. 3.87 §2)`,
      { field: 'requesterPersonIds', requesterVotes: toText(r), totalVotes: toText(c.totalVotes) });
  }
  return { syndicDeadline: addDays(c.receivedOn, legalValue('ag.ownerRequest.syndicDelayDays')) };
}

/** After the syndic's deadline without a convocation, the requesters may convene themselves. */
export const requestersMayConvene = (syndicDeadline: string, today: string, convened: boolean) => !convened && today > syndicDeadline;

/** Agenda items change only before the convocation: no decision on an item not on the agenda (3.87 §2). */
export function assertAgendaEditable(status: MeetingStatus): void {
  if (status !== 'draft') {
    throw new AppError('meeting.agenda_frozen', 'The agenda is fixed once the convocations are sent: no decision on an item that was not on it (C. civ. art. 3.87 §2)',
      { status });
  }
}

export function assertStatus(status: MeetingStatus, expected: readonly MeetingStatus[], action: string): void {
  if (!expected.includes(status)) {
    throw new AppError('meeting.illegal_transition', `Cannot ${action} a meeting that is ${status}`, { status, expected });
  }
}

/** Remote attendance counts only if the convocation offered it (3.87 §1, R19). */
export function checkAttendanceMode(mode: 'present' | 'remote' | 'represented', remoteLink: string | null): void {
  if (mode === 'remote' && !remoteLink) {
    throw new AppError('attendance.remote_not_offered', 'The convocation did not provide for remote participation: a remote attendee is not counted (C. civ. art. 3.87 §1)',
      { field: 'mode' });
  }
}

/** A meeting opens on its date, not before: the quorum is the attendance of the day (3.87 §5). */
export function checkOpeningDay(meetingDate: string, today: string): void {
  if (today < meetingDate) {
    throw new AppError('meeting.not_yet', `The meeting is convened for ${meetingDate}: it cannot be opened before that day`, { meetingDate, today });
  }
}
