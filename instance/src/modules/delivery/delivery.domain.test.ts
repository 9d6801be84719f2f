import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressLines, canRetry, chooseChannel, isPermanentSmtpFailure } from './delivery.domain.ts';

const consent = (givenOn: string, revokedOn: string | null = null) => ({ givenOn, proof: 'signed form', revokedOn });

describe('chooseChannel', () => {
  it('e-mails only with an address and a consent active on the date', () => {
    expect(chooseChannel({ email: 'a@b.be', consent: consent('2024-01-01') }, '2024-01-01')).toBe('email');
    expect(chooseChannel({ email: 'a@b.be', consent: consent('2024-01-02') }, '2024-01-01')).toBe('post'); // not yet given
    expect(chooseChannel({ email: 'a@b.be', consent: consent('2024-01-01', '2024-06-01') }, '2024-06-01')).toBe('post'); // revoked that day
    expect(chooseChannel({ email: 'a@b.be', consent: consent('2024-01-01', '2024-06-01') }, '2024-05-31')).toBe('email');
    expect(chooseChannel({ email: 'a@b.be', consent: null }, '2024-01-01')).toBe('post');
    expect(chooseChannel({ email: null, consent: consent('2024-01-01') }, '2024-01-01')).toBe('post');
  });
});

describe('SMTP failures and retry', () => {
  it('treats 5xx replies as permanent, 4xx and network errors as transient', () => {
    expect(isPermanentSmtpFailure({ responseCode: 550 })).toBe(true);
    expect(isPermanentSmtpFailure({ responseCode: 451 })).toBe(false);
    expect(isPermanentSmtpFailure(new Error('ECONNREFUSED'))).toBe(false);
    expect(isPermanentSmtpFailure(null)).toBe(false);
  });
  it('retries only failed e-mails', () => {
    expect(canRetry('failed', 'email')).toBe(true);
    expect(canRetry('sent', 'email')).toBe(false);
    expect(canRetry('failed', 'post')).toBe(false);
  });
});

describe('window address block', () => {
  it('prints the country only outside Belgium', () => {
    const a = { name: 'Jean Dupont', street: 'Rue Haute 5', postalCode: '1000', city: 'Bruxelles', country: 'BE' };
    expect(addressLines(a)).toEqual(['Jean Dupont', 'Rue Haute 5', '1000 Bruxelles']);
    expect(addressLines({ ...a, country: 'NL' })).toHaveLength(4);
  });
});
