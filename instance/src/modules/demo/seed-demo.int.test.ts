import { describe, expect, it } from 'vitest';
import { createActor, createOrganization } from '../../../test/support/actors.ts';
import { clientFor, registerHarness } from '../../../test/support/register.ts';
import { seedDemo } from './seed-demo.ts';

const h = await registerHarness();

type Holder = { name: string; right: string; part: { numerator: number; denominator: number } };
type RegisterLot = { number: string; kind: string; complete: boolean; holders: Holder[] };

describe('seedDemo', () => {
  it('fills an empty organization with two complete buildings, through the services', async () => {
    const org = await createOrganization(h.t.deps, 'Syndic Démo');
    const admin = await createActor(h.t.deps, { organizationId: org.id, grants: [{ role: 'admin' }] });
    const counts = await seedDemo(h.t.deps, { organizationId: org.id, actorUserId: admin.userId });
    expect(counts).toEqual({ buildings: 2, lots: 31, persons: 24 });

    const api = clientFor(h.t, org.id, admin.headers);
    const buildings = (await api.get('/buildings')).json();
    expect(buildings.total).toBe(2);
    expect(buildings.items.map((b: { name: string; totalShares: number; complete: boolean; enterpriseNumber: string; language: string; address: { city: string } }) =>
      [b.name, b.address.city, b.language, b.totalShares, b.complete, b.enterpriseNumber])).toEqual([
      ['Residentie De Leie', 'Gent', 'nl', 10_000, true, '0867654310'],
      ['Résidence Les Tilleuls', 'Bruxelles', 'fr', 1000, true, '0850123440'],
    ]);
    expect((await api.get('/persons?limit=1')).json().total).toBe(24);

    const lots: RegisterLot[] = [];
    for (const b of buildings.items) {
      const reg = (await api.get(`/buildings/${b.id}/register?limit=200`)).json();
      expect(reg.building.complete).toBe(true);
      lots.push(...reg.items);
    }
    expect(lots).toHaveLength(31);
    expect(lots.every((l) => l.complete)).toBe(true);
    expect(new Set(lots.map((l) => l.kind))).toEqual(new Set(['apartment', 'commercial', 'parking', 'garage', 'cellar']));

    const a4 = lots.find((l) => l.number === 'A4')!;
    expect(a4.holders.map((x) => [x.name, x.right, `${x.part.numerator}/${x.part.denominator}`])).toEqual([
      ['Monique Renard', 'usufruct', '1/1'], ['Claire Renard', 'bare', '1/2'], ['Julien Renard', 'bare', '1/2'],
    ]);
    expect(lots.find((l) => l.number === 'A3.1')!.holders.map((x) => x.part)).toEqual(Array(3).fill({ numerator: 1, denominator: 3 }));
    expect(lots.find((l) => l.number === '1.1')!.holders.map((x) => x.part)).toEqual(Array(2).fill({ numerator: 1, denominator: 2 }));
    expect(lots.find((l) => l.number === 'A2.1')!.holders.map((x) => x.name)).toEqual(['Nathalie Dupont']);

    const consents = await h.t.deps.sql<{ n: number }[]>`select count(*)::int as n from persons
      where organization_id = ${org.id} and email_consent_given_on is not null`;
    expect(consents[0]!.n).toBeGreaterThanOrEqual(5);
    const [audit] = await h.t.deps.sql<{ n: number }[]>`select count(*)::int as n from audit_log
      where organization_id = ${org.id} and actor_user_id = ${admin.userId}`;
    expect(audit!.n).toBeGreaterThan(31 + 24 + 2);
  });

  it('refuses an organization that already has buildings, and writes nothing', async () => {
    const org = await createOrganization(h.t.deps);
    await seedDemo(h.t.deps, { organizationId: org.id, actorUserId: null });
    const before = await h.t.deps.sql`select count(*)::int as n from persons where organization_id = ${org.id}`;
    await expect(seedDemo(h.t.deps, { organizationId: org.id, actorUserId: null })).rejects.toMatchObject({ code: 'demo.org_not_empty' });
    const after = await h.t.deps.sql`select count(*)::int as n from persons where organization_id = ${org.id}`;
    expect(after).toEqual(before);
  });

  it('is deterministic: two organizations get the same register', async () => {
    const shape = async (orgId: string) => h.t.deps.sql`select b.name, l.number, l.shares, p.display_name, h.right_kind, h.part_num, h.part_den,
        h.valid_from::text, h.valid_to::text
      from holdings h join lots l on l.id = h.lot_id join buildings b on b.id = l.building_id join persons p on p.id = h.person_id
      where h.organization_id = ${orgId} order by 1, 2, 4, 5, 8`;
    const [o1, o2] = [await createOrganization(h.t.deps), await createOrganization(h.t.deps)];
    await seedDemo(h.t.deps, { organizationId: o1.id, actorUserId: null });
    await seedDemo(h.t.deps, { organizationId: o2.id, actorUserId: null });
    const [s1, s2] = [await shape(o1.id), await shape(o2.id)];
    expect(s1.length).toBeGreaterThan(31);
    expect([...s2]).toEqual([...s1]);
  });
});
