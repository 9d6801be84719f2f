import { describe, expect, it } from 'vitest';
import { classifySmtpFailure } from './delivery.domain.ts';
import { parseDsn, permanentFailureFor } from './delivery.dsn.ts';

const ID = '3b0c3c52-6a3e-4a8e-9c1f-0b8f5e1d2a44';
const report = (status: string[], returned: string[] = [], encoding = '') => [
  'From: MAILER-DAEMON@mx.example.test', 'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type="delivery-status"; boundary="=_b"', '', 'preamble', '',
  '--=_b', 'Content-Type: text/plain; charset=us-ascii', '', 'The message could not be delivered.', '',
  '--=_b', 'Content-Type: message/delivery-status', ...(encoding ? [`Content-Transfer-Encoding: ${encoding}`] : []), '',
  ...(encoding === 'base64' ? [Buffer.from(status.join('\r\n')).toString('base64')] : status), '',
  '--=_b', 'Content-Type: text/rfc822-headers', '', ...returned, '', '--=_b--', ''].join('\r\n');

describe('DSN reader (RFC 3464)', () => {
  it('reads the envelope id and every recipient block, with folded fields', () => {
    const dsn = parseDsn(report(['Reporting-MTA: dns; mx.example.test', `Original-Envelope-Id: ${ID}`, '',
      'Final-Recipient: rfc822; Alice@Example.test', 'Action: failed', 'Status: 5.1.1 (unknown user)',
      'Diagnostic-Code: smtp; 550 5.1.1 User unknown', '  in virtual table', '',
      'Final-Recipient: rfc822;bob@example.test', 'Action: delayed', 'Status: 4.4.7']));
    expect(dsn.deliveryId).toBe(ID);
    expect(dsn.recipients).toEqual([
      { finalRecipient: 'alice@example.test', originalRecipient: null, action: 'failed', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 User unknown in virtual table' },
      { finalRecipient: 'bob@example.test', originalRecipient: null, action: 'delayed', status: '4.4.7', diagnostic: null },
    ]);
    expect(permanentFailureFor(dsn, 'ALICE@example.test')?.status).toBe('5.1.1');
    expect(permanentFailureFor(dsn, 'bob@example.test')).toBeNull();
    expect(permanentFailureFor(dsn, 'carol@example.test')).toBeNull();
  });

  it('falls back on our headers in the returned message, and reads a base64 status part', () => {
    const block = ['Reporting-MTA: dns; mx', '', 'Final-Recipient: rfc822; a@b.test', 'Action: failed', 'Status: 5.2.2'];
    expect(parseDsn(report(block, ['Subject: x', `X-KoproGo-Delivery: ${ID}`])).deliveryId).toBe(ID);
    expect(parseDsn(report(block, [`Message-ID: <${ID}@koprogo>`], 'base64'))).toMatchObject({ deliveryId: ID, recipients: [{ status: '5.2.2' }] });
    expect(parseDsn(report(block, ['Message-ID: <abc@elsewhere>'])).deliveryId).toBeNull();
  });

  it('refuses what is not a delivery status notification', () => {
    const code = (raw: string) => { try { parseDsn(raw); return 'parsed'; } catch (e) { return (e as { code: string }).code; } };
    expect(code('Subject: hi\r\n\r\nhello')).toBe('delivery.dsn_invalid');
    expect(code(report(['Reporting-MTA: dns; mx']))).toBe('delivery.dsn_invalid'); // no recipient block
    expect(code(report(['R: x', '', 'Final-Recipient: rfc822; a@b.test', 'Action: exploded', 'Status: 5.1.1']))).toBe('delivery.dsn_invalid');
    expect(code(report(['R: x', '', 'Final-Recipient: rfc822; a@b.test', 'Action: failed', 'Status: 9.9.9']))).toBe('delivery.dsn_invalid');
    expect(code(report(['R: x', '', 'Action: failed', 'Status: 5.1.1']))).toBe('delivery.dsn_invalid');
    expect(code(report(['R: x', '', 'Final-Recipient: rfc822; a@b.test', 'Action: failed', 'Status: 5.1.1'], [], 'quoted-printable'))).toBe('delivery.dsn_invalid');
  });
});

describe('SMTP failure classes', () => {
  const err = (responseCode: number | undefined, command: string) => Object.assign(new Error('x'), { responseCode, command });
  it('bounces a 5xx at RCPT TO or DATA, fails a 5xx elsewhere, retries the rest until the last attempt', () => {
    expect(classifySmtpFailure(err(550, 'RCPT TO'), false)).toBe('bounced');
    expect(classifySmtpFailure(err(554, 'DATA'), false)).toBe('bounced');
    expect(classifySmtpFailure(err(530, 'MAIL FROM'), false)).toBe('failed');
    expect(classifySmtpFailure(err(535, 'AUTH PLAIN'), false)).toBe('failed');
    expect(classifySmtpFailure(err(451, 'RCPT TO'), false)).toBe('retry');
    expect(classifySmtpFailure(err(451, 'RCPT TO'), true)).toBe('failed');
    expect(classifySmtpFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET', command: 'CONN' }), false)).toBe('retry');
  });
});
