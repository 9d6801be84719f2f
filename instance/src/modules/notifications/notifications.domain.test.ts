import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEvent, isDelivered, parseAuthMessage, parseEventMessage, signatureHeader, signedText, subscribes, willRetry,
  type EventInput } from './notifications.domain.ts';

const ORG = '11111111-1111-4111-8111-111111111111';
const ev = (over: Partial<EventInput> = {}): EventInput => ({ organizationId: ORG, type: 'reminder.approved', payload: { debtCents: 12_300 },
  recipients: 'organization-admins', ...over });
const codeOf = (f: () => void) => { try { f(); return null; } catch (e) { return (e as { code: string; details: { field: string } }); } };

describe('checkEvent', () => {
  it('accepts ids and figures', () => {
    expect(codeOf(() => checkEvent(ev()))).toBeNull();
    expect(codeOf(() => checkEvent(ev({ recipients: [ORG], payload: { ids: [ORG], nested: { amountCents: 1 } } })))).toBeNull();
  });

  it('refuses a bad type, a non-object payload, bad recipients, naming the field', () => {
    expect(codeOf(() => checkEvent(ev({ type: 'Reminder' })))).toMatchObject({ code: 'notification.invalid_event', details: { field: 'type' } });
    expect(codeOf(() => checkEvent(ev({ type: 'reminder' })))).toMatchObject({ details: { field: 'type' } });
    expect(codeOf(() => checkEvent(ev({ payload: [] as never })))).toMatchObject({ details: { field: 'payload' } });
    expect(codeOf(() => checkEvent(ev({ recipients: ['bob'] })))).toMatchObject({ details: { field: 'recipients' } });
    expect(codeOf(() => checkEvent(ev({ organizationId: 'x' })))).toMatchObject({ details: { field: 'organizationId' } });
  });

  it('refuses contact data anywhere in the payload, whatever the case or separator', () => {
    expect(codeOf(() => checkEvent(ev({ payload: { owner: { id: ORG, E_Mail: 'a@b.c' } } })))).toMatchObject({ details: { field: 'payload.E_Mail' } });
    expect(codeOf(() => checkEvent(ev({ payload: { list: [{ postal_code: '1000' }] } })))).toMatchObject({ details: { field: 'payload.postal_code' } });
  });

  it('refuses a payload too large for pg_notify', () => {
    // 6001 characters of "x" plus {"s":""} (8 bytes) is over the 6000-byte cap; 5990 + 8 = 5998 is under it.
    expect(codeOf(() => checkEvent(ev({ payload: { s: 'x'.repeat(6001) } })))).toMatchObject({ details: { field: 'payload' } });
    expect(codeOf(() => checkEvent(ev({ payload: { s: 'x'.repeat(5990) } })))).toBeNull();
  });
});

describe('webhook rules', () => {
  it('subscribes by exact type or *', () => {
    expect(subscribes(['reminder.approved'], 'reminder.approved')).toBe(true);
    expect(subscribes(['reminder.sent'], 'reminder.approved')).toBe(false);
    expect(subscribes(['*'], 'anything.at_all')).toBe(true);
  });

  it('signs "<t>.<body>" and formats the header', () => {
    expect(signedText(1700000000, '{"a":1}')).toBe('1700000000.{"a":1}');
    expect(signatureHeader(1700000000, 'abc')).toBe('t=1700000000,v1=abc');
  });

  it('counts only 2xx as delivered, and retries up to the limit', () => {
    expect([200, 204, 299].map(isDelivered)).toEqual([true, true, true]);
    expect([null, 199, 301, 404, 500].map(isDelivered)).toEqual([false, false, false, false, false]);
    // retryLimit 6: attempts 1..6 are followed by a retry, the 7th (the 6th retry) is the last.
    expect([1, 6, 7].map((a) => willRetry(a, 6))).toEqual([true, true, false]);
  });
});

describe('messages', () => {
  it('parses the auth message and nothing else', () => {
    expect(parseAuthMessage('{"type":"auth","token":"t"}')).toBe('t');
    expect(parseAuthMessage('{"type":"auth"}')).toBeNull();
    expect(parseAuthMessage('{"type":"hello","token":"t"}')).toBeNull();
    expect(parseAuthMessage('not json')).toBeNull();
  });

  it('never throws on any notification text, and keeps a well-formed event', () => {
    fc.assert(fc.property(fc.string(), (s) => { parseEventMessage(s); }));
    const e = { id: ORG, type: 'a.b', organizationId: ORG, occurredAt: '2026-01-01T00:00:00.000Z', payload: { n: 1 } };
    expect(parseEventMessage(JSON.stringify(e))).toEqual(e);
    expect(parseEventMessage(JSON.stringify({ ...e, payload: null }))).toBeNull();
  });
});
