/**
 * The grid's revenue-share ledger, pure rules (grid-design §9). Money is integer cents, handled as
 * BigInt while aggregating, never floats.
 *
 * Period close: R = the period's AI revenue; dev = floor(R × 80 / 100) goes to the node operators
 * ("developers" of the drafts), sol = R − dev to the solidarity fund (so the rounding remainder is the
 * fund's). Each pool is split over the nodes by their work units with the largest-remainder method;
 * the cents left over go to the largest remainders `(pool × w_i) mod W`, ties to the ascending peer id
 * compared bytewise (UTF-8), so the result never depends on the order the nodes are given in.
 */

export const DEV_SHARE_PERCENT = 80n;
export const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export class LedgerInvariantError extends Error {
  override name = 'LedgerInvariantError';
}

export interface NodeWork { peerId: string; units: bigint }
export interface NodeShare { peerId: string; units: bigint; devCents: bigint; solCents: bigint }
export interface PeriodSplit { revenueCents: bigint; devCents: bigint; solCents: bigint; totalUnits: bigint; lines: NodeShare[] }

/**
 * Work units of one approved job: about its GFLOPs, `ceil(2 × paramsMillions × tokens / 1000)`, from
 * the recounted tokens and the model registry's parameter count. It pays for work, not for hardware time.
 */
export function workUnits(paramsMillions: number, promptTokens: number, outputTokens: number): number {
  for (const [name, v] of [['paramsMillions', paramsMillions], ['promptTokens', promptTokens], ['outputTokens', outputTokens]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new LedgerInvariantError(`${name} must be a non-negative integer`);
  }
  const flops = 2n * BigInt(paramsMillions) * BigInt(promptTokens + outputTokens);
  return Number((flops + 999n) / 1000n);
}

export interface Price { perDraftCents: number; perThousandTokensCents: number }

/**
 * What one accepted job earns: the per-draft price plus the per-1,000-token price on its recounted
 * tokens, rounded down to the cent (the job never earns more than its exact price).
 */
export function jobPriceCents(price: Price, tokens: number): number {
  if (!Number.isSafeInteger(tokens) || tokens < 0) throw new LedgerInvariantError('tokens must be a non-negative integer');
  return Number(BigInt(price.perDraftCents) + (BigInt(price.perThousandTokensCents) * BigInt(tokens)) / 1000n);
}

/** UTF-8 bytewise order of two strings (JS `<` compares UTF-16 code units, which differs above U+FFFF). */
export function compareBytes(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Largest-remainder split of `cents` over the nodes' units. Nodes with 0 units get 0; W = 0 gives all zeros. */
export function splitPool(cents: bigint, work: readonly NodeWork[]): Map<string, bigint> {
  if (cents < 0n) throw new LedgerInvariantError('A pool cannot be negative');
  const total = work.reduce((a, w) => a + w.units, 0n);
  const out = new Map<string, bigint>(work.map((w) => [w.peerId, 0n]));
  if (total === 0n) return out;
  const rows = work.map((w) => ({ peerId: w.peerId, units: w.units, base: (cents * w.units) / total, rem: (cents * w.units) % total }));
  let left = cents - rows.reduce((a, r) => a + r.base, 0n);
  const order = [...rows].filter((r) => r.units > 0n)
    .sort((a, b) => (a.rem !== b.rem ? (a.rem > b.rem ? -1 : 1) : compareBytes(a.peerId, b.peerId)));
  for (const r of rows) out.set(r.peerId, r.base);
  for (const r of order) {
    if (left === 0n) break;
    out.set(r.peerId, r.base + 1n);
    left -= 1n;
  }
  return out;
}

/**
 * Closes a period: the two pools and each node's line, sorted by peer id. Work rows of one node are
 * summed first (a reversing row cancels the row it reverses). Throws unless every invariant holds.
 */
export function splitPeriod(revenueCents: bigint, work: readonly NodeWork[]): PeriodSplit {
  if (revenueCents < 0n) throw new LedgerInvariantError('The period revenue cannot be negative');
  const byPeer = new Map<string, bigint>();
  for (const w of work) byPeer.set(w.peerId, (byPeer.get(w.peerId) ?? 0n) + w.units);
  for (const [peerId, units] of byPeer) if (units < 0n) throw new LedgerInvariantError(`Node ${peerId} has negative units`);
  const nodes = [...byPeer].map(([peerId, units]) => ({ peerId, units })).sort((a, b) => compareBytes(a.peerId, b.peerId));
  const devCents = (revenueCents * DEV_SHARE_PERCENT) / 100n;
  const solCents = revenueCents - devCents;
  const totalUnits = nodes.reduce((a, n) => a + n.units, 0n);
  const dev = splitPool(devCents, nodes);
  const sol = splitPool(solCents, nodes);
  // If W = 0 no per-node lines are written: dev and sol stay booked as pool totals.
  const lines = totalUnits === 0n ? [] : nodes.map((n) => ({ peerId: n.peerId, units: n.units, devCents: dev.get(n.peerId)!, solCents: sol.get(n.peerId)! }));
  const split = { revenueCents, devCents, solCents, totalUnits, lines };
  checkSplit(split);
  return split;
}

/** The invariants of a closed period (also re-checked in the closing transaction against what was written). */
export function checkSplit(s: PeriodSplit): void {
  const fail = (m: string) => { throw new LedgerInvariantError(m); };
  if (s.devCents + s.solCents !== s.revenueCents) fail('dev + sol must equal R');
  if (s.devCents !== (s.revenueCents * DEV_SHARE_PERCENT) / 100n) fail('dev must be floor(R × 80 / 100)');
  if (s.lines.some((l) => l.devCents < 0n || l.solCents < 0n || l.units < 0n)) fail('amounts must be non-negative');
  if (s.lines.length > 0) {
    if (s.lines.reduce((a, l) => a + l.devCents, 0n) !== s.devCents) fail('Σ dev_i must equal dev');
    if (s.lines.reduce((a, l) => a + l.solCents, 0n) !== s.solCents) fail('Σ sol_i must equal sol');
    if (s.lines.reduce((a, l) => a + l.units, 0n) !== s.totalUnits) fail('Σ w_i must equal W');
  }
}

/** The period ('YYYY-MM') a date 'YYYY-MM-DD' falls in. */
export const periodOfDate = (isoDate: string): string => isoDate.slice(0, 7);

/** The first day after the period, 'YYYY-MM-DD': the period may be closed from that day on. */
export function periodEnd(period: string): string {
  const m = PERIOD_PATTERN.exec(period);
  if (!m) throw new LedgerInvariantError(`Not a period: ${period}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/** The period before `period` (the one a monthly close job closes). */
export function previousPeriod(period: string): string {
  const m = PERIOD_PATTERN.exec(period);
  if (!m) throw new LedgerInvariantError(`Not a period: ${period}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

export interface LedgerEntry { period: string; peerId: string; pool: 'dev' | 'sol'; units: bigint; cents: bigint }

/**
 * The exact text an entry hash covers: `SHA-256(prevHash ‖ entryText)`, one line per entry, fields
 * in a fixed order, so anyone can recompute the chain from the table.
 */
export const entryText = (e: LedgerEntry): string =>
  `koprogo-ledger-v1\n${e.period}\n${e.peerId}\n${e.pool}\n${e.units}\n${e.cents}`;
