import { FED_CONTEXT } from '@koprogo/protocols';
import { AppError } from '../../platform/errors.ts';
import { suppressSmall } from './federation.domain.ts';
import { originFor, type FedDeps } from './federation.identity.ts';
import { enqueueActivity } from './federation.outbox.ts';

/**
 * Monthly statistics bulletin: instance-wide counts (no tenant, no person), cells below 10
 * suppressed. Recorded as ours and put in the outbox for every peer, in one transaction.
 */
export async function publishStats(deps: FedDeps, period: string): Promise<{ activityId: string }> {
  const o = originFor(deps);
  return deps.sql.begin(async (tx) => {
    const [c] = await tx<{ buildings: number; lots: number; owners: number }[]>`select
      (select count(*)::int from buildings) as buildings, (select count(*)::int from lots) as lots,
      (select count(distinct person_id)::int from holdings where valid_to is null) as owners`;
    const at = deps.clock.now();
    const id = `${o.base}/fed/stats/${period}/${at.getTime()}`;
    const bulletin = { buildings: suppressSmall(c!.buildings), lots: suppressSmall(c!.lots), owners: suppressSmall(c!.owners) };
    const rows = await tx`insert into fed_stats_bulletins (origin_host, period, activity_id, buildings, lots, owners, software_version, published_at)
      values (${o.host}, ${period}, ${id}, ${bulletin.buildings}, ${bulletin.lots}, ${bulletin.owners}, ${deps.version}, ${at})
      on conflict (origin_host, period) do update set activity_id = excluded.activity_id, buildings = excluded.buildings, lots = excluded.lots,
        owners = excluded.owners, software_version = excluded.software_version, published_at = excluded.published_at
      where fed_stats_bulletins.published_at < excluded.published_at returning period`;
    if (rows.length === 0) throw new AppError('fed_stats.conflict', 'A newer bulletin for this period exists');
    await enqueueActivity(tx, deps, {
      '@context': [...FED_CONTEXT], id, type: 'Create', actor: o.actorId, published: at.toISOString(),
      object: { type: 'copro:StatsBulletin', id: `${id}#bulletin`, period, ...bulletin, softwareVersion: deps.version },
    });
    return { activityId: id };
  }) as Promise<{ activityId: string }>;
}

/** Everything known for a period, ours and the peers', with totals over the published cells. */
export async function aggregateStats(deps: Pick<FedDeps, 'sql'>, period: string) {
  const rows = await deps.sql<{ host: string; buildings: number | null; lots: number | null; owners: number | null; softwareVersion: string; publishedAt: Date }[]>`
    select origin_host as host, buildings, lots, owners, software_version as "softwareVersion", published_at as "publishedAt"
    from fed_stats_bulletins where period = ${period} order by origin_host`;
  const sum = (k: 'buildings' | 'lots' | 'owners') => rows.reduce((s, r) => s + (r[k] ?? 0), 0);
  const suppressedCells = rows.reduce((s, r) => s + [r.buildings, r.lots, r.owners].filter((v) => v === null).length, 0);
  return {
    period,
    instances: rows.map((r) => ({ ...r, publishedAt: r.publishedAt.toISOString() })),
    totals: { buildings: sum('buildings'), lots: sum('lots'), owners: sum('owners'), suppressedCells },
  };
}

/** Our own bulletin for a period (public). */
export async function ownBulletin(deps: FedDeps, period: string) {
  const [r] = await deps.sql<{ host: string; period: string; activityId: string; buildings: number | null; lots: number | null; owners: number | null;
    softwareVersion: string; publishedAt: Date }[]>`select origin_host as host, period, activity_id as "activityId", buildings, lots, owners,
    software_version as "softwareVersion", published_at as "publishedAt" from fed_stats_bulletins where origin_host = ${originFor(deps).host} and period = ${period}`;
  if (!r) throw new AppError('fed_stats.not_found', 'No bulletin published for this period', { period });
  return { ...r, publishedAt: r.publishedAt.toISOString() };
}
