import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import {
  agendaRequestOutcome, assertAgendaEditable, checkAssemblyRequest, checkAttendanceMode, checkConvocationTiming, checkOpeningDay,
  checkSecondSessionDate, requestersMayConvene,
} from './meetings.domain.ts';
import { fraction } from './rational.domain.ts';

const errorOf = (fn: () => unknown) => {
  try { fn(); } catch (e) { return e instanceof AppError ? e : null; }
  return null;
};

describe('convocation delay, checked on the sending day (R01)', () => {
  it('AG on 30 June: sent 16 June refused, 15 June accepted with a clear-days warning, 14 June without', () => {
    const e = errorOf(() => checkConvocationTiming('2026-06-16', '2026-06-30', 15));
    expect(e?.code).toBe('meeting.convocation_too_late');
    expect(e?.details).toMatchObject({ minDays: 15, days: 14, earliestMeetingDate: '2026-07-01' });
    const ok = checkConvocationTiming('2026-06-15', '2026-06-30', 15);
    expect(ok.days).toBe(15);
    expect(ok.warnings).toHaveLength(1);
    expect(checkConvocationTiming('2026-06-14', '2026-06-30', 15).warnings).toEqual([]);
  });

  it('applies a longer delay of the statutes, never a shorter one', () => {
    expect(errorOf(() => checkConvocationTiming('2026-06-15', '2026-06-30', 20))?.details).toMatchObject({ minDays: 20, earliestMeetingDate: '2026-07-05' });
    expect(checkConvocationTiming('2026-06-15', '2026-06-30', 10).days).toBe(15);
  });
});

describe('second session (R06)', () => {
  it('needs a failed first meeting and 15 days', () => {
    expect(errorOf(() => checkSecondSessionDate({ status: 'closed', meetingDate: '2026-06-01' }, '2026-07-01'))?.code).toBe('meeting.second_session_not_allowed');
    expect(errorOf(() => checkSecondSessionDate({ status: 'no_quorum', meetingDate: '2026-06-01' }, '2026-06-15'))?.details)
      .toMatchObject({ earliestMeetingDate: '2026-06-16' });
    expect(errorOf(() => checkSecondSessionDate({ status: 'no_quorum', meetingDate: '2026-06-01' }, '2026-06-16'))).toBeNull();
  });
});

describe('owners\' agenda requests (R03)', () => {
  const m = { status: 'draft' as const, meetingDate: '2026-10-10', windowStart: '2026-10-01' };
  it('window 1–15 Oct: received 10 Sep → this AG, 11 Sep → next AG', () => {
    expect(agendaRequestOutcome(m, '2026-09-10')).toBe('added');
    expect(agendaRequestOutcome(m, '2026-09-11')).toBe('deferred');
  });
  it('measures from the meeting date without a window, and defers once convened', () => {
    expect(agendaRequestOutcome({ ...m, windowStart: null }, '2026-09-19')).toBe('added');
    expect(agendaRequestOutcome({ ...m, windowStart: null }, '2026-09-20')).toBe('deferred');
    expect(agendaRequestOutcome({ ...m, status: 'convened' }, '2026-01-01')).toBe('deferred');
  });
  it('freezes the agenda once convened (R07)', () => {
    expect(errorOf(() => assertAgendaEditable('convened'))?.code).toBe('meeting.agenda_frozen');
    expect(errorOf(() => assertAgendaEditable('draft'))).toBeNull();
  });
});

describe('owners asking for an assembly (R04)', () => {
  it('210/1000 → syndic deadline in 30 days; 190/1000 → refused; exactly 1/5 accepted', () => {
    expect(checkAssemblyRequest({ requesterVotes: fraction(210), totalVotes: fraction(1000), receivedOn: '2026-03-01' }).syndicDeadline).toBe('2026-03-31');
    expect(errorOf(() => checkAssemblyRequest({ requesterVotes: fraction(190), totalVotes: fraction(1000), receivedOn: '2026-03-01' }))?.code)
      .toBe('assembly_request.insufficient_shares');
    expect(checkAssemblyRequest({ requesterVotes: fraction(200), totalVotes: fraction(1000), receivedOn: '2026-03-01' })).toBeTruthy();
    expect(errorOf(() => checkAssemblyRequest({ requesterVotes: fraction(1999, 10), totalVotes: fraction(1000), receivedOn: '2026-03-01' }))).not.toBeNull();
  });
  it('lets the requesters convene from day 31 if nothing was sent', () => {
    expect(requestersMayConvene('2026-03-31', '2026-03-31', false)).toBe(false);
    expect(requestersMayConvene('2026-03-31', '2026-04-01', false)).toBe(true);
    expect(requestersMayConvene('2026-03-31', '2026-04-01', true)).toBe(false);
  });
});

describe('remote attendance (R19)', () => {
  it('counts only if the convocation offered it', () => {
    expect(errorOf(() => checkAttendanceMode('remote', null))?.code).toBe('attendance.remote_not_offered');
    expect(errorOf(() => checkAttendanceMode('remote', 'https://meet.example/x'))).toBeNull();
  });
});

describe('opening day', () => {
  it('opens on the meeting date or later, never before', () => {
    expect(errorOf(() => checkOpeningDay('2030-06-20', '2030-06-19'))?.code).toBe('meeting.not_yet');
    expect(errorOf(() => checkOpeningDay('2030-06-20', '2030-06-20'))).toBeNull();
    expect(errorOf(() => checkOpeningDay('2030-06-20', '2030-06-21'))).toBeNull();
  });
});
