import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { brusselsToUtc, invitationIcs } from './invitation.ts';
import { checkWrittenProcedure, writtenOutcome } from './written.domain.ts';

describe('written procedure outcome (R18)', () => {
  const owners = ['a', 'b', 'c'];
  it('adopts only when every owner agreed; one refusal rejects; a missing answer keeps it open, or rejects it on closing', () => {
    expect(writtenOutcome(owners, new Map([['a', true], ['b', true], ['c', true]]))).toBe('adopted');
    expect(writtenOutcome(owners, new Map([['a', true], ['b', true]]))).toBe('open');
    expect(writtenOutcome(owners, new Map([['a', true], ['b', true]]), true)).toBe('rejected');
    expect(writtenOutcome(owners, new Map([['a', false]]))).toBe('rejected');
    expect(writtenOutcome([], new Map())).toBe('open');
  });
  it('refuses a decision that needs an authentic act', () => {
    expect(() => checkWrittenProcedure({ needsAuthenticAct: true })).toThrow(AppError);
    expect(() => checkWrittenProcedure({ needsAuthenticAct: false })).not.toThrow();
  });
});

describe('calendar invitation', () => {
  it('turns Brussels wall-clock time into UTC across daylight saving time', () => {
    expect(brusselsToUtc('2030-06-20', '18:30').toISOString()).toBe('2030-06-20T16:30:00.000Z');
    expect(brusselsToUtc('2030-01-15', '18:30').toISOString()).toBe('2030-01-15T17:30:00.000Z');
    expect(brusselsToUtc('2030-03-31', '03:30').toISOString()).toBe('2030-03-31T01:30:00.000Z'); // the day clocks go forward
  });
  it('writes an event with the place, the link and a stable uid', () => {
    const ics = invitationIcs({ uid: 'm-1@koprogo', title: 'AG', date: '2030-06-20', time: '18:30', place: 'Salle', remoteLink: 'https://meet.example/x', description: '1. Comptes' });
    expect(ics).toContain('UID:m-1@koprogo');
    expect(ics).toContain('DTSTART:20300620T163000Z');
    expect(ics).toMatch(/LOCATION:Salle \/ https:\/\/meet\.example\/x/);
  });
});
