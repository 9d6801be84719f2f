import { createEvent } from 'ics';
import { LEGAL_TIME_ZONE } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * The iCalendar invitation attached to an e-mailed convocation (RFC 5545, `ics` package). Meeting
 * times are Belgian wall-clock times; the event is written in UTC so every calendar shows it right.
 */

/** The UTC instant of a Brussels wall-clock time (DST-aware, through Intl). */
export function brusselsToUtc(date: string, time: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const offsetAt = (t: number) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: LEGAL_TIME_ZONE, hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(t).map((p) => [p.type, p.value]));
    return Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!) - t;
  };
  const first = guess - offsetAt(guess);
  return new Date(guess - offsetAt(first));
}

export interface InvitationData { uid: string; title: string; date: string; time: string; place: string; remoteLink: string | null; description: string }

export function invitationIcs(i: InvitationData): string {
  const start = brusselsToUtc(i.date, i.time);
  const { error, value } = createEvent({
    uid: i.uid, productId: 'koprogo/assemblies', method: 'PUBLISH', title: i.title, description: i.description,
    location: i.remoteLink ? `${i.place} / ${i.remoteLink}` : i.place, ...(i.remoteLink ? { url: i.remoteLink } : {}),
    start: start.getTime(), startInputType: 'utc', startOutputType: 'utc', duration: { hours: 3 },
  });
  if (error || !value) throw new AppError('meeting.invitation_failed', `The calendar invitation could not be written: ${error?.message ?? 'empty'}`);
  return value;
}
