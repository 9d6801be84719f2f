import type { PrivateKey } from '@libp2p/interface';
import { canonicalJson, gridSigningString, type GridReceipt, type GridReceiptCountersignature, type GridSignedReceipt } from '@koprogo/protocols';
import type { Db } from '../../platform/db.ts';
import { workUnits } from './credit.service.ts';
import { canonicalSha256, sha256Hex, signGrid, verifyGrid } from './grid-crypto.ts';
import type { GridTokenizer } from './grid.tokenizer.ts';

/**
 * Receipts (grid-design §8): checked against the active attempt, recounted with the model's own
 * tokenizer, countersigned with the instance grid key and appended to the hash-chained `grid_receipts`.
 */
export const GENESIS = '0'.repeat(64);
/** Clock difference tolerated between node and instance on the receipt's times. */
const SKEW_MS = 2_000;
const CHAIN_LOCK = 0x6b67_7263; // 'kgrc'

export interface ActiveAttempt {
  jobId: string; attempt: number; nonce: string; peerId: string; instancePeerId: string; modelSha256: string;
  promptSha256: string; startedAtMs: number;
}

export type ReceiptCheck = { ok: true } | { ok: false; fault: 'receipt_forged' | 'receipt_mismatch'; detail: string };

/** Everything a receipt must match, cheapest first; a bad signature is a forgery, a wrong field a mismatch. */
export async function checkReceipt(signed: GridSignedReceipt, active: ActiveAttempt, output: { draft: unknown; stopReason: string },
  nowMs: number): Promise<ReceiptCheck> {
  const r = signed.receipt;
  if (r.peerId !== active.peerId) return { ok: false, fault: 'receipt_forged', detail: 'receipt names another peer' };
  if (!(await verifyGrid(active.peerId, 'receipt', r, signed.signature))) return { ok: false, fault: 'receipt_forged', detail: 'bad signature' };
  const mismatch = (detail: string): ReceiptCheck => ({ ok: false, fault: 'receipt_mismatch', detail });
  if (r.jobId !== active.jobId || r.attempt !== active.attempt || r.nonce !== active.nonce) return mismatch('job, attempt or nonce of another attempt');
  if (r.instancePeerId !== active.instancePeerId) return mismatch('made for another instance');
  if (r.modelSha256 !== active.modelSha256) return mismatch('another model');
  if (r.promptSha256 !== active.promptSha256) return mismatch('prompt hash differs from what was sent');
  if (r.outputSha256 !== canonicalSha256(output.draft)) return mismatch('output hash differs from what was received');
  if (r.stopReason !== output.stopReason) return mismatch('stop reason differs from the result');
  const started = Date.parse(r.startedAt);
  const finished = Date.parse(r.finishedAt);
  if (!(started >= active.startedAtMs - SKEW_MS && started <= finished && finished <= nowMs + SKEW_MS)) return mismatch('times outside the attempt');
  return { ok: true };
}

export interface Recount { promptTokens: number; outputTokens: number; verdict: 'accepted' | 'accepted_recount_mismatch' | 'accepted_unrecounted' }

/** `promptTokens`/`outputTokens` are defined as these re-tokenization counts; credit uses them. */
export async function recount(tokenizer: GridTokenizer, r: GridReceipt, prompt: string, draft: unknown): Promise<Recount> {
  const p = await tokenizer.count(r.modelSha256, prompt);
  const o = draft === null ? 0 : await tokenizer.count(r.modelSha256, canonicalJson(draft));
  if (p === null || o === null) return { promptTokens: r.promptTokens, outputTokens: r.outputTokens, verdict: 'accepted_unrecounted' };
  const same = p === r.promptTokens && o === r.outputTokens;
  return { promptTokens: p, outputTokens: o, verdict: same ? 'accepted' : 'accepted_recount_mismatch' };
}

/**
 * Countersigns and appends, in the caller's transaction: `hash = SHA-256(prevHash ‖ countersigned string ‖
 * countersignature)`. One chain per instance, serialised by an advisory lock.
 */
export async function appendReceipt(tx: Db, key: PrivateKey, signed: GridSignedReceipt, counts: Recount, paramsMillions: number, at: Date) {
  await tx`select pg_advisory_xact_lock(${CHAIN_LOCK})`;
  const [last] = await tx<{ hash: string }[]>`select hash from grid_receipts order by seq desc limit 1`;
  const prevHash = last?.hash ?? GENESIS;
  const units = workUnits(paramsMillions, counts.promptTokens, counts.outputTokens);
  const cs: GridReceiptCountersignature = {
    receiptSha256: sha256Hex(gridSigningString('receipt', signed.receipt)), verdict: 'accepted',
    recountedTokens: { promptTokens: counts.promptTokens, outputTokens: counts.outputTokens }, units, prevHash,
  };
  const countersignature = await signGrid(key, 'countersignature', cs);
  const hash = sha256Hex(prevHash + gridSigningString('countersignature', cs) + countersignature);
  const r = signed.receipt;
  await tx`insert into grid_receipts (job_id, attempt, peer_id, receipt, receipt_sha256, verdict, recounted_prompt_tokens,
      recounted_output_tokens, units, prev_hash, hash, countersignature, created_at)
    values (${r.jobId}, ${r.attempt}, ${r.peerId}, ${tx.json({ ...signed } as never)}, ${cs.receiptSha256}, ${counts.verdict},
      ${counts.promptTokens}, ${counts.outputTokens}, ${units}, ${prevHash}, ${hash}, ${countersignature}, ${at})`;
  return { units, hash, prevHash };
}

/** Recomputes the chain from the genesis: the first broken link's seq, or null when intact. */
export async function verifyChain(sql: Db, instancePeerId: string): Promise<number | null> {
  const rows = await sql<Array<{ seq: string; receipt: GridSignedReceipt; receiptSha256: string; units: string; promptTokens: number;
    outputTokens: number; prevHash: string; hash: string; countersignature: string }>>`
    select seq::text, receipt, receipt_sha256 as "receiptSha256", units::text, recounted_prompt_tokens as "promptTokens",
      recounted_output_tokens as "outputTokens", prev_hash as "prevHash", hash, countersignature from grid_receipts order by seq`;
  let prev = GENESIS;
  for (const row of rows) {
    const cs: GridReceiptCountersignature = { receiptSha256: row.receiptSha256, verdict: 'accepted',
      recountedTokens: { promptTokens: row.promptTokens, outputTokens: row.outputTokens }, units: Number(row.units), prevHash: prev };
    const ok = row.prevHash === prev && row.receiptSha256 === sha256Hex(gridSigningString('receipt', row.receipt.receipt))
      && row.hash === sha256Hex(prev + gridSigningString('countersignature', cs) + row.countersignature)
      && (await verifyGrid(instancePeerId, 'countersignature', cs, row.countersignature));
    if (!ok) return Number(row.seq);
    prev = row.hash;
  }
  return null;
}
