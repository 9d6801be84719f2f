import { pino } from 'pino';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { loadConfig } from '../../instance/src/config.ts';
import { loadInstanceSecrets } from '../../instance/src/modules/auth/auth.secrets.ts';
import { systemClock } from '../../instance/src/platform/clock.ts';
import { connect } from '../../instance/src/platform/db.ts';
import { startEmbeddedPg } from '../../instance/src/platform/embedded-pg.ts';
import { migrate } from '../../instance/src/platform/migrate.ts';
import { buildServer } from '../../instance/src/server.ts';
import { createActor, createOrganization } from '../../instance/test/support/actors.ts';
import { createRegisterFixture } from '../lib/register-fixture.ts';
import * as repo from '../../instance/src/modules/holdings/holdings.repo.ts';
import * as service from '../../instance/src/modules/holdings/holdings.service.ts';
import { resolvePage } from '../../instance/src/platform/pagination.ts';
import { LOT_SORTS } from '../../instance/src/modules/lots/lots.repo.ts';
import { RegisterSchema } from '@koprogo/protocols';

const dir = mkdtempSync(join(tmpdir(), 'diag-'));
const pg = await startEmbeddedPg({ dataDir: dir, port: 0, logger: pino({ level: 'silent' }) });
try {
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: pg.url, LOG_LEVEL: 'silent' }, { stdoutIsTty: false });
  const captured: Array<{ q: string; p: unknown[] }> = [];
  const sql = connect(pg.url, 10);
  await migrate(sql);
  const deps = { sql, boss: null, clock: systemClock, testClock: null, config, logger: pino({ level: 'silent' }), secrets: await loadInstanceSecrets(sql, config), version: 'd' };
  const app = await buildServer(deps as any);
  const org = await createOrganization(deps as any, 'Diag');
  const actor = await createActor(deps as any, { organizationId: org.id, grants: [{ role: 'syndic' }] });
  const fx = await createRegisterFixture(app, org.id, actor.headers);
  const time = async (label: string, n: number, fn: () => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await fn();
    const t = performance.now();
    for (let i = 0; i < n; i++) await fn();
    console.log(label.padEnd(40), ((performance.now() - t) / n).toFixed(3), 'ms/op');
  };
  if (process.env.ANALYZE) { await sql`analyze`; console.log('ANALYZE done'); }
  const page = resolvePage(LOT_SORTS, { limit: 100 }, 'number');
  const today = systemClock.today();
  await time('select 1', 500, () => sql`select 1`);
  await time('repo.readRegister (SQL + JSON parse)', 200, () => repo.readRegister(sql, org.id, fx.buildingId, today, {}, page));
  const ctx = { organizationId: org.id, actorUserId: actor.userId, requestId: null };
  await time('service.readRegister', 200, () => service.readRegister(deps as any, ctx, fx.buildingId, { limit: 100 } as any));
  // the route's mapping + zod
  const r = await service.readRegister(deps as any, ctx, fx.buildingId, { limit: 100 } as any);
  const { toHolderDto } = await import('../../instance/src/modules/holdings/holdings.routes.ts');
  const dto = { ...r, items: r.items.map((lot: any) => ({ ...lot, holders: lot.holders.map(toHolderDto) })) };
  await time('zod RegisterSchema.parse', 200, async () => RegisterSchema.parse(dto));
  await time('JSON.stringify', 200, async () => JSON.stringify(dto));
  const url = `/api/v1/orgs/${org.id}/buildings/${fx.buildingId}/register?limit=100`;
  await time('app.inject register (full route)', 200, () => app.inject({ method: 'GET', url, headers: actor.headers }));
  await time('app.inject /health', 500, () => app.inject({ method: 'GET', url: '/health' }));
  await time('app.inject GET /buildings/:id (auth+1q)', 300, () => app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}/buildings/${fx.buildingId}`, headers: actor.headers }));
  // capture SQL text
  const dbg = postgres(pg.url, { max: 1, onnotice: () => {}, transform: { undefined: null }, debug: (_c: number, q: string, p: unknown[]) => captured.push({ q, p }) });
  await repo.readRegister(dbg as any, org.id, fx.buildingId, today, {}, page);
  const { q, p } = captured.at(-1)!;
  console.log(q); console.log(JSON.stringify(p));

  const V2 = `
    with f as (
      select l.id, l.building_id, l.number, l.kind, l.floor, l.shares, l.created_at from lots l
      where l.organization_id = $1 and l.building_id = $2
    ), p as (
      select f.*, (f.number)::text as _sort_key, f.number as _sort_value
      from f order by f.number asc, f.id asc limit $3
    ), hs as (
      select h.lot_id, json_agg(json_build_object(
              'id', h.id, 'lotId', h.lot_id, 'personId', h.person_id, 'personName', pe.display_name, 'right', h.right_kind,
              'partNum', h.part_num, 'partDen', h.part_den, 'votes', h.votes, 'paysOrdinary', h.pays_ordinary,
              'paysExtraordinary', h.pays_extraordinary, 'validFrom', h.valid_from, 'validTo', h.valid_to)
              order by array_position(array['full', 'usufruct', 'bare'], h.right_kind), pe.sort_name, h.id) as holders
      from p join holdings h on h.organization_id = $4 and h.lot_id = p.id
        join persons pe on pe.organization_id = h.organization_id and pe.id = h.person_id
      where h.valid_from <= $5::date and (h.valid_to is null or h.valid_to > $6::date)
      group by h.lot_id
    )
    select b.id, b.name, b.total_shares as "totalShares",
      (select coalesce(sum(l.shares), 0)::int from lots l where l.organization_id = b.organization_id and l.building_id = b.id) as "sharesAllocated",
      (select count(*)::int from f) as total,
      coalesce((select json_agg(json_build_object(
          'id', p.id, 'buildingId', p.building_id, 'number', p.number, 'kind', p.kind, 'floor', p.floor, 'shares', p.shares,
          '_sort_key', p._sort_key, 'holders', coalesce(hs.holders, '[]'::json))
          order by p._sort_value asc, p.id asc)
        from p left join hs on hs.lot_id = p.id), '[]'::json) as items
    from buildings b where b.organization_id = $7 and b.id = $8`;
  const V3 = `
    with p as (select l.id from lots l where l.organization_id = $1 and l.building_id = $2 order by l.number, l.id limit $3)
    select h.id, h.lot_id, h.person_id, pe.display_name, h.right_kind, h.part_num, h.part_den, h.votes, h.pays_ordinary,
      h.pays_extraordinary, h.valid_from::text, h.valid_to::text
    from p join holdings h on h.organization_id = $4 and h.lot_id = p.id
      join persons pe on pe.organization_id = h.organization_id and pe.id = h.person_id
    where h.valid_from <= $5::date and (h.valid_to is null or h.valid_to > $6::date)`;
  const args = [org.id, fx.buildingId, 101, org.id, today, today, org.id, fx.buildingId];
  await time('V1 original (unsafe)', 200, () => sql.unsafe(q, args));
  await time('V2 grouped holders CTE', 200, () => sql.unsafe(V2, args));
  await time('V3 flat holder rows, no JSON', 200, () => sql.unsafe(V3, args.slice(0, 6)));
  const a = await sql.unsafe(q, args); const b = await sql.unsafe(V2, args);
  console.log('V1==V2', JSON.stringify(a) === JSON.stringify(b));
  for (const [name, text, n] of [['V2', V2, 8], ['V3', V3, 6]] as const) {
    const pl = await sql.unsafe(`explain (analyze, buffers) ${text}`, args.slice(0, n) as any[]);
    console.log(name, pl.map((x: any) => x['QUERY PLAN']).join('\n'));
  }
  const plan = await sql.unsafe(`explain (analyze, buffers, timing) ${q}`, p as any[]);
  console.log(plan.map((x: any) => x['QUERY PLAN']).join('\n'));
  const plan2 = await sql.unsafe(`explain (analyze, timing off, summary on) ${q}`, p as any[]);
  console.log(plan2.map((x: any) => x['QUERY PLAN']).slice(-3).join('\n'));
  await dbg.end();
  await app.close();
  await sql.end();
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
