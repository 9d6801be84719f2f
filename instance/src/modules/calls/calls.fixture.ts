import { createBuilding, createLot, createPerson, type Client } from '../../../test/support/register.ts';

/**
 * Test fixtures of calls, funds and payments (not used by the instance): a small building made
 * through the API, whose figures the int tests work out by hand.
 *
 *   lot  shares  holders (from 2020-01-01)
 *   A1   500     Dupont Jean (fr), full 1/1
 *   A2   300     Janssens Piet (nl) 1/2, Müller Anna (de) 1/2, both full
 *   P1   200     Smith John (en), full 1/1
 *   total 1000 shares; current account BE68 5390 0754 7034, reserve account BE62 5100 0754 7061.
 */

export const CURRENT_IBAN = 'BE68539007547034';
export const RESERVE_IBAN = 'BE62510007547061';

export interface MoneyBuilding {
  buildingId: string;
  lots: { A1: string; A2: string; P1: string };
  persons: { dupont: string; janssens: string; muller: string; smith: string };
}

async function ok(res: Promise<{ statusCode: number; body: string }>, what: string): Promise<void> {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`${what}: ${r.statusCode} ${r.body}`);
}

export async function moneyBuilding(api: Client, opts: { ibans?: boolean; name?: string } = {}): Promise<MoneyBuilding> {
  const { id: buildingId } = await createBuilding(api, { name: opts.name ?? 'Résidence Les Tilleuls', totalShares: 1000 });
  const A1 = (await createLot(api, buildingId, { number: 'A1', shares: 500 })).id;
  const A2 = (await createLot(api, buildingId, { number: 'A2', shares: 300 })).id;
  const P1 = (await createLot(api, buildingId, { number: 'P1', shares: 200, kind: 'parking', floor: -1 })).id;
  const dupont = (await createPerson(api, { firstName: 'Jean', lastName: 'Dupont', language: 'fr' })).id;
  const janssens = (await createPerson(api, { firstName: 'Piet', lastName: 'Janssens', language: 'nl' })).id;
  const muller = (await createPerson(api, { firstName: 'Anna', lastName: 'Müller', language: 'de' })).id;
  const smith = (await createPerson(api, { firstName: 'John', lastName: 'Smith', language: 'en' })).id;
  const full = (personId: string, numerator = 1, denominator = 1) => ({ personId, right: 'full', part: { numerator, denominator } });
  const hold = (lotId: string, holdings: unknown[]) =>
    ok(api.post(`/buildings/${buildingId}/lots/${lotId}/holdings`, { validFrom: '2020-01-01', holdings }), 'holdings');
  await hold(A1, [full(dupont)]);
  await hold(A2, [full(janssens, 1, 2), full(muller, 1, 2)]);
  await hold(P1, [full(smith)]);
  if (opts.ibans !== false) {
    await ok(api.patch(`/buildings/${buildingId}/fund-settings`, { currentAccountIban: CURRENT_IBAN, reserveAccountIban: RESERVE_IBAN }), 'settings');
  }
  return { buildingId, lots: { A1, A2, P1 }, persons: { dupont, janssens, muller, smith } };
}

/** Creates and sends a call; returns the sent call's body. */
export async function sentCall(api: Client, buildingId: string, body: Record<string, unknown>): Promise<any> {
  const created = await api.post(`/buildings/${buildingId}/calls`, body);
  if (created.statusCode !== 201) throw new Error(`create call: ${created.statusCode} ${created.body}`);
  const sent = await api.post(`/buildings/${buildingId}/calls/${created.json().id}/send`);
  if (sent.statusCode !== 200) throw new Error(`send call: ${sent.statusCode} ${sent.body}`);
  return sent.json();
}
