import type { App } from '../../instance/src/platform/http.ts';

/**
 * One building of 10,000 shares and exactly 100 lots (80 apartments, 10 parkings, 10 cellars) whose
 * shares sum to 10,000, created through the real HTTP API (app.inject, no socket) as a syndic.
 * Per ten lots: 6 have one full owner (one in five of them a company), 2 are co-owned 1/2 + 1/2,
 * 1 is split usufruct 1/1 + bare ownership 1/1, and 1 usufruct 1/1 + bare ownership 1/2 + 1/2.
 */
export const LOT_COUNT = 100;
export const TOTAL_SHARES = 10_000;

export interface RegisterFixture { buildingId: string; lots: number; persons: number; holdings: number }

type Holder = { right: 'full' | 'usufruct' | 'bare'; num: number; den: number };

function lotPlan(i: number): { number: string; kind: 'apartment' | 'parking' | 'cellar'; floor: number; shares: number } {
  if (i < 80) return { number: `A${String(i + 1).padStart(3, '0')}`, kind: 'apartment', floor: Math.floor(i / 8), shares: i % 2 ? 120 : 110 };
  if (i < 90) return { number: `P${String(i - 79).padStart(2, '0')}`, kind: 'parking', floor: -1, shares: 50 };
  return { number: `C${String(i - 89).padStart(2, '0')}`, kind: 'cellar', floor: -2, shares: 30 };
}

function holdersPlan(i: number): Holder[] {
  switch (i % 10) {
    case 6: case 7: return [{ right: 'full', num: 1, den: 2 }, { right: 'full', num: 1, den: 2 }];
    case 8: return [{ right: 'usufruct', num: 1, den: 1 }, { right: 'bare', num: 1, den: 1 }];
    case 9: return [{ right: 'usufruct', num: 1, den: 1 }, { right: 'bare', num: 1, den: 2 }, { right: 'bare', num: 1, den: 2 }];
    default: return [{ right: 'full', num: 1, den: 1 }];
  }
}

const FIRST = ['Marie', 'Jan', 'Sophie', 'Pieter', 'Camille', 'Lotte', 'Thomas', 'Elise', 'Luc', 'Nathalie'];
const LAST = ['Dubois', 'Peeters', 'Lambert', 'Janssens', 'Dupont', 'Maes', 'Leclercq', 'Willems', 'Renard', 'Claes'];

async function call<T>(app: App, headers: Record<string, string>, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<T> {
  const res = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
  return res.json() as T;
}

export async function createRegisterFixture(app: App, orgId: string, headers: Record<string, string>): Promise<RegisterFixture> {
  const base = `/api/v1/orgs/${orgId}`;
  const building = await call<{ id: string }>(app, headers, 'POST', `${base}/buildings`, {
    name: 'Résidence Benchmark', address: { street: 'Rue de la Loi 16', postalCode: '1000', city: 'Bruxelles', country: 'BE' },
    totalShares: TOTAL_SHARES, language: 'fr',
  });
  let persons = 0;
  let holdings = 0;
  const newPerson = async (): Promise<string> => {
    const n = persons++;
    const body = n % 5 === 4
      ? { kind: 'legal', companyName: `Immo ${LAST[n % LAST.length]} SRL`, language: 'fr' }
      : { kind: 'natural', firstName: FIRST[n % FIRST.length], lastName: `${LAST[Math.floor(n / 10) % LAST.length]}-${n}`, language: n % 2 ? 'nl' : 'fr' };
    return (await call<{ id: string }>(app, headers, 'POST', `${base}/persons`, body)).id;
  };
  for (let i = 0; i < LOT_COUNT; i++) {
    const lot = await call<{ id: string }>(app, headers, 'POST', `${base}/buildings/${building.id}/lots`, lotPlan(i));
    const plan = holdersPlan(i);
    const items = [];
    for (const h of plan) items.push({ personId: await newPerson(), right: h.right, part: { numerator: h.num, denominator: h.den } });
    await call(app, headers, 'POST', `${base}/buildings/${building.id}/lots/${lot.id}/holdings`, { validFrom: '2020-01-01', holdings: items });
    holdings += items.length;
  }
  return { buildingId: building.id, lots: LOT_COUNT, persons, holdings };
}

interface RegisterBody {
  total: number;
  nextCursor: string | null;
  building: { totalShares: number; sharesAllocated: number; complete: boolean };
  items: Array<{ shares: number; complete: boolean; holders: Array<{ personId: string; name: string }> }>;
}

/** Fails unless one GET returns the 100 lots, all complete, with every holder created. Returns the body size. */
export async function assertRegister(url: string, headers: Record<string, string>, fixture: RegisterFixture): Promise<{ bytes: number }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  const body = JSON.parse(text) as RegisterBody;
  const holders = body.items.reduce((n, lot) => n + lot.holders.length, 0);
  const problems = [
    body.items.length !== fixture.lots && `${body.items.length} lots in the response, expected ${fixture.lots}`,
    body.total !== fixture.lots && `total ${body.total}, expected ${fixture.lots}`,
    body.nextCursor !== null && 'a next page exists: the 100 lots do not fit in one response',
    holders !== fixture.holdings && `${holders} holders in the response, expected ${fixture.holdings}`,
    body.items.some((l) => l.holders.length === 0 || l.holders.some((h) => !h.name)) && 'a lot without holders, or a holder without a name',
    body.items.some((l) => !l.complete) && 'a lot whose parts do not sum to 1',
    (!body.building.complete || body.building.sharesAllocated !== TOTAL_SHARES) && `building not complete (${body.building.sharesAllocated} shares allocated)`,
  ].filter(Boolean);
  if (problems.length) throw new Error(`the register response is not what the benchmark needs: ${problems.join('; ')}`);
  return { bytes: Buffer.byteLength(text) };
}
