import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { adjustReputation } from './grid.repo.ts';
import { recordWork } from './ledger.service.ts';

/** Reputation gained per approved job, and lost per node fault (0..1000 scale). */
export const REPUTATION_APPROVED = 5;
export const REPUTATION_FAULT = -25;
export const REPUTATION_FORGED = -200;

/**
 * Work units of one job (grid-design §9): ceil(2 × paramsMillions × tokens / 1000), about its GFLOPs,
 * from the instance's recount and the registry's parameter count. Integer arithmetic only.
 */
export function workUnits(paramsMillions: number, promptTokens: number, outputTokens: number): number {
  const n = 2n * BigInt(paramsMillions) * BigInt(promptTokens + outputTokens);
  return Number((n + 999n) / 1000n);
}

/**
 * On approval: every node whose attempt succeeded (receipt accepted and countersigned, draft verified;
 * an agreeing redundant run included) is credited its receipt's units through the ledger (G3's
 * recordWork, idempotent per job and node). Failed, late, cancelled or truncated attempts earn nothing.
 */
export async function creditApprovedWork(tx: Db, deps: { clock: Clock }, jobId: string, at: Date): Promise<number> {
  const rows = await tx<Array<{ peerId: string; units: string; promptTokens: number; outputTokens: number; energy: string | null }>>`
    select r.peer_id as "peerId", r.units::text as units, r.recounted_prompt_tokens as "promptTokens",
      r.recounted_output_tokens as "outputTokens", r.receipt->>'energyMilliWh' as energy
    from grid_receipts r join grid_attempts a on a.job_id = r.job_id and a.attempt = r.attempt
    where r.job_id = ${jobId} and a.state = 'succeeded' order by r.seq`;
  for (const r of rows) {
    await recordWork(tx, { at, peerId: r.peerId, jobId, units: Number(r.units), tokensIn: r.promptTokens, tokensOut: r.outputTokens,
      energyMilliWh: r.energy === null ? null : Number(r.energy) }, deps.clock);
    await adjustReputation(tx, r.peerId, REPUTATION_APPROVED, null);
  }
  return rows.length;
}
