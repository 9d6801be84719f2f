import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { createBuilding } from '../buildings/buildings.service.ts';
import type { ActorCtx, RegisterDeps } from '../buildings/use-case.ts';
import { transferLot } from '../holdings/holdings.service.ts';
import { createLot } from '../lots/lots.service.ts';
import { createPerson } from '../persons/persons.service.ts';
import { DEMO_BUILDINGS, DEMO_PERSONS, parseHolder } from './demo-data.ts';

/**
 * Fills an organization with the demo register: two buildings (Brussels, French; Ghent, Dutch),
 * 31 lots whose shares add up exactly to each total, 24 persons, co-ownerships (1/2 + 1/2, 1/3 × 3),
 * a usufruct / bare-ownership split, e-mail convocation consents, and one past sale.
 * Deterministic; goes through the services (same invariants, same audit trail) inside ONE transaction,
 * and refuses an organization that already has buildings.
 */
export async function seedDemo(deps: Pick<Deps, 'sql' | 'clock'>, input: { organizationId: string; actorUserId: string | null }):
  Promise<{ buildings: number; lots: number; persons: number }> {
  return (await deps.sql.begin(async (tx) => {
    await tx`select id from organizations where id = ${input.organizationId} for update`;
    const [existing] = await tx<{ n: number }[]>`select count(*)::int as n from buildings where organization_id = ${input.organizationId}`;
    if (existing!.n > 0) {
      throw new AppError('demo.org_not_empty', `This organization already has ${existing!.n} buildings; the demo only fills an empty one`,
        { organizationId: input.organizationId });
    }
    const d: RegisterDeps = { sql: tx, clock: deps.clock };
    const ctx: ActorCtx = { organizationId: input.organizationId, actorUserId: input.actorUserId, requestId: null };

    const personIds = new Map<string, string>();
    for (const [key, p] of Object.entries(DEMO_PERSONS)) personIds.set(key, (await createPerson(d, ctx, p)).id);
    const holdings = (specs: string[]) => specs.map((s) => {
      const h = parseHolder(s);
      const personId = personIds.get(h.key);
      if (!personId) throw new Error(`demo data: unknown person ${h.key}`);
      return { personId, right: h.right, part: { numerator: h.numerator, denominator: h.denominator } };
    });

    let lots = 0;
    for (const { building, lots: demoLots } of DEMO_BUILDINGS) {
      const b = await createBuilding(d, ctx, building);
      for (const l of demoLots) {
        const created = await createLot(d, ctx, b.id, { number: l.number, kind: l.kind, floor: l.floor, shares: l.shares });
        lots += 1;
        await transferLot(d, ctx, b.id, created.id, { date: l.since, holdings: holdings(l.holders) });
        if (l.transfer) await transferLot(d, ctx, b.id, created.id, { date: l.transfer.date, holdings: holdings(l.transfer.holders) });
      }
    }
    return { buildings: DEMO_BUILDINGS.length, lots, persons: personIds.size };
  })) as { buildings: number; lots: number; persons: number };
}
