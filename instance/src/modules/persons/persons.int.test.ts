import { describe, expect, it } from 'vitest';
import { createBuilding, createLot, createPerson, registerHarness, UNKNOWN_ID } from '../../../test/support/register.ts';

const h = await registerHarness();
const { api } = h;
const full = (personId: string) => ({ personId, right: 'full', part: { numerator: 1, denominator: 1 } });

describe('persons CRUD', () => {
  it('creates natural and legal persons with contact details and e-mail consent', async () => {
    const res = await api.post('/persons', {
      kind: 'natural', firstName: 'Sophie', lastName: 'Dubois', language: 'fr', email: 'sophie.dubois@example.be',
      phone: '+32 470 12 34 56', address: { street: 'Rue Royale 120', postalCode: '1000', city: 'Bruxelles' },
      emailConsent: { givenOn: '2022-03-01', proof: 'Formulaire signé CONV-2022-004' },
    });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({
      kind: 'natural', displayName: 'Sophie Dubois', companyName: null, email: 'sophie.dubois@example.be',
      address: { country: 'BE', city: 'Bruxelles' },
      emailConsent: { givenOn: '2022-03-01', proof: 'Formulaire signé CONV-2022-004', revokedOn: null, active: true },
    });
    expect((await api.get(`/persons/${p.id}`)).json()).toEqual(p);

    const legal = await api.post('/persons', { kind: 'legal', companyName: 'Bakkerij Van Damme BV', enterpriseNumber: 'BE0123456749', language: 'nl' });
    expect(legal.json()).toMatchObject({ displayName: 'Bakkerij Van Damme BV', enterpriseNumber: '0123456749', firstName: null });

    const revoked = await api.patch(`/persons/${p.id}`, { emailConsent: { givenOn: '2022-03-01', proof: 'x', revokedOn: '2023-01-31' }, phone: null });
    expect(revoked.json()).toMatchObject({ phone: null, emailConsent: { revokedOn: '2023-01-31', active: false }, email: 'sophie.dubois@example.be' });

    const audit = await h.t.deps.sql<{ action: string; details: unknown }[]>`select action, details from audit_log where entity_id = ${p.id} order by id`;
    expect(audit.map((a) => a.action)).toEqual(['person.created', 'person.updated']);
    expect(audit[1]!.details).toEqual({ fields: ['phone', 'emailConsent'] });
    expect(JSON.stringify(audit)).not.toMatch(/sophie|470|Royale/i); // no personal data in the audit log

    expect((await api.del(`/persons/${legal.json().id}`)).statusCode).toBe(204);
    expect((await api.get(`/persons/${legal.json().id}`)).statusCode).toBe(404);
  });

  it('answers 400 for malformed input and 422 for rules, naming the field', async () => {
    const bad = await api.post('/persons', { kind: 'natural', lastName: 'X', email: 'not-an-email' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].field).toBe('body.email');
    expect((await api.post('/persons', { kind: 'robot', lastName: 'X' })).statusCode).toBe(400);
    for (const [body, code, field] of [
      [{ kind: 'natural', firstName: 'Only' }, 'person.name_required', 'lastName'],
      [{ kind: 'legal', lastName: 'X' }, 'person.name_required', 'companyName'],
      [{ kind: 'natural', lastName: 'X', companyName: 'Y' }, 'person.field_not_allowed', 'companyName'],
      [{ kind: 'legal', companyName: 'Y', enterpriseNumber: '0123456748' }, 'person.enterprise_number_invalid', 'enterpriseNumber'],
      [{ kind: 'natural', lastName: 'X', emailConsent: { givenOn: '2022-01-02', proof: 'p', revokedOn: '2022-01-01' } }, 'person.consent_invalid', 'emailConsent.revokedOn'],
    ] as const) {
      const res = await api.post('/persons', body);
      expect(res.statusCode, code).toBe(422);
      expect(res.json().error).toMatchObject({ code, details: { field } });
    }
  });

  it('refuses to delete a person with history (409), even past history', async () => {
    const b = await createBuilding(api);
    const lot = await createLot(api, b.id, { number: '1', shares: 10 });
    const seller = await createPerson(api, { lastName: 'Martin' });
    const buyer = await createPerson(api, { lastName: 'Dupont' });
    await api.post(`/buildings/${b.id}/lots/${lot.id}/transfers`, { date: '2012-02-01', holdings: [full(seller.id)] });
    await api.post(`/buildings/${b.id}/lots/${lot.id}/transfers`, { date: '2021-06-15', holdings: [full(buyer.id)] });
    const res = await api.del(`/persons/${seller.id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('person.has_history');

    const hist = (await api.get(`/persons/${seller.id}/holdings`)).json();
    expect(hist.items).toHaveLength(1);
    expect(hist.items[0]).toMatchObject({ lotId: lot.id, lotNumber: '1', buildingId: b.id, validFrom: '2012-02-01', validTo: '2021-06-15', name: 'Martin' });
  });
});

describe('person lists', () => {
  it('paginates, filters by q and kind, sorts by name', async () => {
    const o = await h.otherOrg();
    for (const lastName of ['Peeters', 'Janssens', 'Maes', 'Claes']) await createPerson(o.api, { lastName, firstName: 'Jan', language: 'nl' });
    await createPerson(o.api, { kind: 'legal', companyName: 'Acme SRL' });
    const p1 = (await o.api.get('/persons?limit=3')).json();
    expect(p1.total).toBe(5);
    expect(p1.items.map((p: { displayName: string }) => p.displayName)).toEqual(['Acme SRL', 'Jan Claes', 'Jan Janssens']);
    const p2 = (await o.api.get(`/persons?limit=3&cursor=${p1.nextCursor}`)).json();
    expect(p2.items.map((p: { displayName: string }) => p.displayName)).toEqual(['Jan Maes', 'Jan Peeters']);
    expect((await o.api.get('/persons?kind=legal')).json().total).toBe(1);
    expect((await o.api.get('/persons?q=ee')).json().items.map((p: { lastName: string }) => p.lastName)).toEqual(['Peeters']);
    expect((await o.api.get('/persons?sort=-name&limit=1')).json().items[0].displayName).toBe('Jan Peeters');
  });
});

describe('persons across tenants and grants', () => {
  it('answers 404 for another organization\'s person and changes nothing', async () => {
    const o = await h.otherOrg();
    const theirs = await createPerson(o.api, { lastName: 'Theirs' });
    for (const res of [
      await api.get(`/persons/${theirs.id}`), await api.patch(`/persons/${theirs.id}`, { lastName: 'Hijacked' }),
      await api.del(`/persons/${theirs.id}`), await api.get(`/persons/${theirs.id}/holdings`), await api.get(`/persons/${UNKNOWN_ID}`),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('person.not_found');
    }
    expect((await o.api.get(`/persons/${theirs.id}`)).json().lastName).toBe('Theirs');
  });

  it('refuses another organization\'s person as a holder (422)', async () => {
    const o = await h.otherOrg();
    const theirs = await createPerson(o.api, { lastName: 'Theirs' });
    const b = await createBuilding(api);
    const lot = await createLot(api, b.id, { number: '1', shares: 10 });
    const res = await api.post(`/buildings/${b.id}/lots/${lot.id}/transfers`, { date: '2020-01-01', holdings: [full(theirs.id)] });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'holding.unknown_person', details: { field: 'holdings.0.personId' } });
  });

  it('keeps contact details from owners (403) and limits a scoped council member to the building\'s holders', async () => {
    const o = await h.otherOrg();
    const a = await createBuilding(o.api, { name: 'A' });
    const b = await createBuilding(o.api, { name: 'B' });
    const lotA = await createLot(o.api, a.id, { number: '1', shares: 10 });
    const lotB = await createLot(o.api, b.id, { number: '1', shares: 10 });
    const inA = await createPerson(o.api, { lastName: 'InA' });
    const inB = await createPerson(o.api, { lastName: 'InB' });
    await o.api.post(`/buildings/${a.id}/lots/${lotA.id}/transfers`, { date: '2020-01-01', holdings: [full(inA.id)] });
    await o.api.post(`/buildings/${b.id}/lots/${lotB.id}/transfers`, { date: '2020-01-01', holdings: [full(inB.id)] });

    const owner = await h.actor([{ role: 'owner', buildingId: a.id }], o.orgId);
    expect((await owner.get('/persons')).statusCode).toBe(403);
    expect((await owner.get(`/persons/${inA.id}`)).statusCode).toBe(403);
    expect((await owner.post('/persons', { kind: 'natural', lastName: 'X' })).statusCode).toBe(403);

    const council = await h.actor([{ role: 'council_member', buildingId: a.id }], o.orgId);
    const list = (await council.get('/persons')).json();
    expect(list.items.map((p: { id: string }) => p.id)).toEqual([inA.id]);
    expect((await council.get(`/persons/${inB.id}`)).statusCode).toBe(404);
    expect((await council.get(`/persons/${inA.id}/holdings`)).json().items).toHaveLength(1);
    expect((await council.patch(`/persons/${inA.id}`, { lastName: 'Y' })).statusCode).toBe(403);
  });
});
