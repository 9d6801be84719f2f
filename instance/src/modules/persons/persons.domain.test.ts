import { describe, expect, it } from 'vitest';
import { applyPersonPatch, changedPersonFields, emailConsentActive, validatePerson, type PersonInput } from './persons.domain.ts';
import { errorOf } from '../../../test/support/errors.ts';

const today = '2024-06-01';
const natural: PersonInput = { kind: 'natural', firstName: 'Sophie', lastName: 'Dubois', language: 'fr' };
const legal: PersonInput = { kind: 'legal', companyName: 'Brasserie du Parc SRL', enterpriseNumber: 'BE0456789034', language: 'fr' };


describe('validatePerson', () => {
  it('accepts natural and legal persons and normalises the BCE number', () => {
    expect(validatePerson(natural, today)).toMatchObject({ kind: 'natural', lastName: 'Dubois', companyName: null });
    expect(validatePerson(legal, today).enterpriseNumber).toBe('0456789034');
  });

  it('needs the right name for the kind', () => {
    expect(errorOf(() => validatePerson({ ...natural, lastName: null }, today)).details).toEqual({ field: 'lastName' });
    expect(errorOf(() => validatePerson({ ...legal, companyName: undefined }, today)).details).toEqual({ field: 'companyName' });
    expect(errorOf(() => validatePerson({ ...natural, companyName: 'X SRL' }, today)).code).toBe('person.field_not_allowed');
    expect(errorOf(() => validatePerson({ ...legal, lastName: 'Doe' }, today)).code).toBe('person.field_not_allowed');
    expect(errorOf(() => validatePerson({ ...legal, enterpriseNumber: '0456789035' }, today)).code).toBe('person.enterprise_number_invalid');
  });

  it('checks the e-mail consent dates', () => {
    const consent = { givenOn: '2024-01-10', proof: 'signed form' };
    expect(validatePerson({ ...natural, emailConsent: consent }, today).emailConsent).toEqual({ ...consent, revokedOn: null });
    expect(errorOf(() => validatePerson({ ...natural, emailConsent: { ...consent, revokedOn: '2024-01-09' } }, today)).details)
      .toEqual({ field: 'emailConsent.revokedOn' });
    expect(errorOf(() => validatePerson({ ...natural, emailConsent: { ...consent, givenOn: '2024-06-02' } }, today)).details)
      .toEqual({ field: 'emailConsent.givenOn' });
  });
});

describe('patching', () => {
  it('keeps what is left out, clears nulls, and names changed fields only', () => {
    const before = validatePerson({ ...natural, email: 'a@example.be', phone: '+32 2 000 00 00' }, today);
    const after = applyPersonPatch(before, { phone: null, language: 'nl' }, today);
    expect(after).toMatchObject({ email: 'a@example.be', phone: null, language: 'nl', firstName: 'Sophie' });
    expect(changedPersonFields(before, after)).toEqual(['phone', 'language']);
  });

  it('compares addresses field by field', () => {
    const a = { street: 'Rue 1', postalCode: '1000', city: 'Bruxelles', country: 'BE' };
    const before = validatePerson({ ...natural, address: a }, today);
    const after = applyPersonPatch(before, { address: { country: 'BE', city: 'Bruxelles', postalCode: '1000', street: 'Rue 1' } }, today);
    expect(changedPersonFields(before, after)).toEqual([]);
  });
});

describe('helpers', () => {
  it('knows when the e-mail consent is active', () => {
    const c = { givenOn: '2022-01-01', proof: 'x', revokedOn: '2023-01-01' };
    expect(emailConsentActive(c, '2021-12-31')).toBe(false);
    expect(emailConsentActive(c, '2022-06-01')).toBe(true);
    expect(emailConsentActive(c, '2023-01-01')).toBe(false);
    expect(emailConsentActive(null, '2022-06-01')).toBe(false);
  });
});
