/**
 * Energy of one attempt (grid-design §10), in integers: `total_mwh = round(load_mw × busy_ms / 3,600,000)`,
 * `marginal_mwh` the same with `load_mw − idle_mw` (never negative). Rounding: half up. Pure.
 * Energy never changes money; it feeds statistics.
 */
export interface PowerProfile { loadMw: number; idleMw: number; source: 'meter' | 'rapl' | 'class-default' }

const MS_PER_HOUR = 3_600_000n;
const roundDiv = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);

export function attemptEnergy(busyMs: number, power: PowerProfile): { totalMwh: number; marginalMwh: number } {
  const busy = BigInt(Math.max(0, Math.trunc(busyMs)));
  const load = BigInt(Math.max(0, power.loadMw));
  const marginal = BigInt(Math.max(0, power.loadMw - power.idleMw));
  return { totalMwh: Number(roundDiv(load * busy, MS_PER_HOUR)), marginalMwh: Number(roundDiv(marginal * busy, MS_PER_HOUR)) };
}
