import { randomBytes, randomInt } from 'node:crypto';
import type { PrivateKey } from '@libp2p/interface';
import { GRID_DRAFT_JSON_SCHEMA, type GridDraftGenerateInput, type GridDraftGenerateOutput } from '@koprogo/protocols';
import type { Job, PgBoss } from 'pg-boss';
import type { Deps } from '../../platform/deps.ts';
import { REPUTATION_FAULT, REPUTATION_FORGED } from './credit.service.ts';
import * as drafts from './drafts.repo.ts';
import { QUEUE, QUEUE_OPTIONS, type DraftJob } from './drafts.service.ts';
import { attemptEnergy } from './energy.domain.ts';
import { callDraftGenerate, type Outcome } from './grid.call.ts';
import { canonicalSha256 } from './grid-crypto.ts';
import type { NodeBook, OnlineNode } from './grid.nodes.ts';
import * as repo from './grid.repo.ts';
import type { GridTokenizer } from './grid.tokenizer.ts';
import { LEVEL_RANK, promptOfDraft } from './prompt.domain.ts';
import { appendReceipt, checkReceipt, recount } from './receipts.service.ts';
import { factsOf, verifyDraft } from './verify.domain.ts';

/**
 * The dispatcher (grid-design §5): fetches only as many draft jobs as there are idle capable nodes, runs
 * each attempt over a fresh `/koprogo/mcp/1.0.0` stream (MCP `draft_generate`, progress renews the lease),
 * checks the receipt and the draft, and completes or fails the pg-boss job. A failed attempt goes back to
 * the queue (pg-boss retry, 2 s doubling) and the retry excludes every node that failed it.
 */
export const BASE_MAX_TOKENS = 400;
// Convocations first (grid-design §5.1: they carry a legal deadline): a node able to run both takes them before reminders.
const ROLES = ['convocation', 'reminder'] as const;
type Role = (typeof ROLES)[number];


export interface DispatcherParts {
  deps: Pick<Deps, 'sql' | 'logger' | 'config'> & { boss: PgBoss };
  book: NodeBook;
  key: PrivateKey;
  instancePeerId: string;
  tokenizer: GridTokenizer;
}

export class Dispatcher {
  readonly #p: DispatcherParts;
  readonly #inFlight = new Map<string, AbortController>();
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;
  #again = false;
  #stopped = false;

  constructor(parts: DispatcherParts) {
    this.#p = parts;
  }

  start(pollMs = 500): void {
    this.#timer = setInterval(() => this.wake(), pollMs);
    this.wake();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const a of this.#inFlight.values()) a.abort(new Error('instance stopping'));
  }

  cancel(draftId: string): void {
    this.#inFlight.get(draftId)?.abort(new Error('cancelled by the syndic'));
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#ticking) { this.#again = true; return; }
    this.#ticking = true;
    void this.#tick().catch((err) => this.#p.deps.logger.error({ err }, 'grid dispatcher tick failed')).finally(() => {
      this.#ticking = false;
      if (this.#again) { this.#again = false; this.wake(); }
    });
  }

  async #tick(): Promise<void> {
    const { deps, book } = this.#p;
    const registry = await repo.listModels(deps.sql);
    const online = book.all().map((n) => n.peerId);
    if (online.length) book.setReputations(await deps.sql<{ peerId: string; reputation: number }[]>`select peer_id as "peerId", reputation
      from grid_nodes where peer_id = any(${online})`);
    for (const role of ROLES) {
      const models = new Map(registry.filter((m) => m.enabled && m.role === role).map((m) => [m.sha256, m.paramsMillions]));
      const slots = book.idleSlots(new Set(models.keys()));
      if (slots <= 0) continue;
      const jobs = await deps.boss.fetch<DraftJob>(QUEUE[role], { batchSize: slots });
      for (const job of jobs) await this.#dispatch(job, role, models);
    }
  }

  /** Picks the node before any other job is dispatched (so two jobs never take one free slot), then runs. */
  async #dispatch(job: Job<DraftJob>, role: Role, models: Map<string, number>): Promise<void> {
    const { deps, book } = this.#p;
    const draft = await drafts.findDraftById(deps.sql, job.data.draftId);
    if (!draft || !['queued', 'generating'].includes(draft.status)) {
      await deps.boss.complete(QUEUE[role], job); // the syndic took over meanwhile
      return;
    }
    const prior = await drafts.attemptsOf(deps.sql, draft.id);
    const excluded = new Set(prior.filter((a) => a.state === 'failed' && a.nodeFault).map((a) => a.peerId));
    const pick = book.pick(new Set(models.keys()), excluded);
    if (!pick) {
      await this.#failJob(job, role, draft.id, 'no_eligible_node');
      return;
    }
    pick.node.active += 1;
    pick.node.lastUsedAt = Date.now();
    const abort = new AbortController();
    this.#inFlight.set(draft.id, abort);
    const attemptNo = prior.length + 1;
    const truncatedBefore = prior.at(-1)?.stopReason === 'maxTokens';
    void this.#run(job, role, draft, pick.node, pick.modelSha256, models.get(pick.modelSha256)!, attemptNo, truncatedBefore, abort)
      .catch((err) => deps.logger.error({ err, jobId: draft.id }, 'grid attempt crashed'))
      .finally(() => {
        pick.node.active -= 1;
        this.#inFlight.delete(draft.id);
        this.wake();
      });
  }

  async #run(job: Job<DraftJob>, role: Role, draft: drafts.DraftRow, node: OnlineNode, modelSha256: string, paramsMillions: number,
    attemptNo: number, truncatedBefore: boolean, abort: AbortController): Promise<void> {
    const { deps } = this.#p;
    const maxTokens = await this.#budget(node, modelSha256, draft, truncatedBefore ? 2 * BASE_MAX_TOKENS : BASE_MAX_TOKENS);
    const args = this.#arguments(draft, attemptNo, modelSha256, maxTokens, node);
    const promptSha256 = canonicalSha256(args);
    const startedAtMs = Date.now();
    await drafts.insertAttempt(deps.sql, { organizationId: draft.organizationId, jobId: draft.id, attempt: attemptNo, peerId: node.peerId,
      nonce: args.nonce, promptSha256 }, new Date(startedAtMs));
    await drafts.setDraftStatus(deps.sql, draft.id, 'generating', { attempts: attemptNo }, new Date(startedAtMs));
    let outcome = await callDraftGenerate(node, args, abort, this.#p.deps.config.grid.leaseMs);
    if (outcome.ok) outcome = await this.#judge(outcome.output!, node, args, promptSha256, startedAtMs, draft);
    const busyMs = Date.now() - startedAtMs;
    if (!outcome.ok) {
      await this.#endFailed(job, role, draft, node, attemptNo, outcome, busyMs);
      return;
    }
    const output = outcome.output!;
    const verdict = verifyDraft(output.draft!, { documentType: draft.documentType, level: draft.level, locale: draft.locale, agendaCount: draft.agendaCount });
    const counts = await recount(this.#p.tokenizer, output.signedReceipt.receipt, args.prompt, output.draft);
    if (counts.verdict === 'accepted_recount_mismatch') {
      await repo.recordGridEvent(deps.sql, node.peerId, 'grid.recount_mismatch', { jobId: draft.id, attempt: attemptNo,
        declared: { p: output.signedReceipt.receipt.promptTokens, o: output.signedReceipt.receipt.outputTokens },
        recounted: { p: counts.promptTokens, o: counts.outputTokens } }, new Date());
      await repo.adjustReputation(deps.sql, node.peerId, REPUTATION_FAULT, null);
    }
    const ok = await deps.sql.begin(async (tx) => {
      // The syndic may have written the text or taken the template while the result was being checked.
      const now = await drafts.findDraft(tx, draft.organizationId, draft.id, true);
      const superseded = !now || !['queued', 'generating'].includes(now.status);
      const ended = await drafts.endAttempt(tx, draft.id, attemptNo, { state: verdict.ok && !superseded ? 'succeeded' : 'failed',
        fault: superseded ? 'superseded' : verdict.ok ? null : `verify_${verdict.fault}`, nodeFault: !superseded && !verdict.ok,
        stopReason: output.stopReason, busyMs }, new Date());
      if (!ended) return null; // late: the attempt was already failed (lease lost, cancelled)
      await energy(tx, draft.id, attemptNo, node, busyMs, output.signedReceipt.receipt.energyMilliWh);
      // A valid receipt is work done: countersigned and chained even when the draft fails verification (credit: approved only).
      await appendReceipt(tx, this.#p.key, output.signedReceipt, counts, paramsMillions, new Date());
      if (superseded) return null;
      if (verdict.ok) {
        await drafts.setDraftText(tx, draft.organizationId, draft.id, { source: 'grid', subject: verdict.subject, body: verdict.body,
          flags: verdict.flags, peerId: node.peerId, modelSha256 }, new Date());
      }
      return verdict;
    });
    if (!ok) return;
    if (!ok.ok) {
      await this.#afterFailure(job, role, draft, node, attemptNo, { ok: false, fault: `verify_${ok.fault}`, nodeFault: true, stopReason: output.stopReason });
      return;
    }
    await deps.boss.complete(QUEUE[role], job);
    await repo.adjustReputation(deps.sql, node.peerId, 0, 'done');
    deps.logger.info({ jobId: draft.id, attempt: attemptNo, peerId: node.peerId, busyMs }, 'grid draft ready');
    if (randomInt(100) < deps.config.grid.redundancyPercent) await this.#redundantRun(draft, node, modelSha256, paramsMillions, attemptNo, output, args.seed);
  }

  /** The output budget, within the model's context once the prompt is in it (counted with the model's own tokenizer). */
  async #budget(node: OnlineNode, modelSha256: string, draft: drafts.DraftRow, wanted: number): Promise<number> {
    const context = node.ad.models.find((m) => m.sha256 === modelSha256)?.contextSize;
    const prompt = await this.#p.tokenizer.count(modelSha256, promptOfDraft(draft).prompt)
      .catch(() => null);
    if (!context || prompt === null) return wanted;
    return Math.max(16, Math.min(wanted, context - prompt - 8));
  }

  #arguments(draft: drafts.DraftRow, attempt: number, modelSha256: string, maxTokens: number, node: OnlineNode, seed = randomInt(2 ** 31)): GridDraftGenerateInput {
    const level = draft.level ?? 'Gentle';
    const built = promptOfDraft(draft);
    const bench = node.ad.bench.find((b) => b.modelSha256 === modelSha256);
    const deadlineMs = Math.min(3_600_000, Math.ceil(1_000 * (30 + maxTokens / Math.max(1, bench?.decodeTokPerSec ?? 5))));
    return {
      jobId: draft.id, attempt, nonce: randomBytes(32).toString('base64url'),
      templateId: draft.documentType === 'reminder' ? `reminder-${level}` : 'convocation',
      locale: draft.locale,
      context: { documentType: draft.documentType, tone: draft.tone, ...(draft.documentType === 'reminder' ? { reminderRank: LEVEL_RANK[level] } : {}),
        templateVersion: built.templateVersion, requiredPlaceholders: built.required },
      prompt: built.prompt,
      modelSha256, outputSchema: GRID_DRAFT_JSON_SCHEMA as unknown as Record<string, unknown>, maxTokens, seed, temperature: 0.2,
      deadlineMs, instancePeerId: this.#p.instancePeerId,
    };
  }

  /** Receipt checks (§8), then the stop reason: a truncation is retried with a larger budget, not blamed. */
  async #judge(output: GridDraftGenerateOutput, node: OnlineNode, args: GridDraftGenerateInput, promptSha256: string, startedAtMs: number,
    draft: drafts.DraftRow): Promise<Outcome> {
    const check = await checkReceipt(output.signedReceipt, { jobId: draft.id, attempt: args.attempt, nonce: args.nonce, peerId: node.peerId,
      instancePeerId: this.#p.instancePeerId, modelSha256: args.modelSha256, promptSha256, startedAtMs }, output, Date.now());
    if (!check.ok) {
      await repo.recordGridEvent(this.#p.deps.sql, node.peerId, `grid.${check.fault}`, { jobId: draft.id, attempt: args.attempt, detail: check.detail }, new Date());
      if (check.fault === 'receipt_forged') await repo.adjustReputation(this.#p.deps.sql, node.peerId, REPUTATION_FORGED - REPUTATION_FAULT, null);
      return { ok: false, fault: check.fault, nodeFault: true, stopReason: output.stopReason };
    }
    if (output.stopReason === 'maxTokens') return { ok: false, fault: 'max_tokens', nodeFault: false, stopReason: 'maxTokens' };
    if (output.stopReason !== 'stop' || !output.draft) return { ok: false, fault: output.stopReason, nodeFault: true, stopReason: output.stopReason };
    return { ok: true, fault: null, nodeFault: false, stopReason: 'stop', output };
  }

  async #endFailed(job: Job<DraftJob>, role: Role, draft: drafts.DraftRow, node: OnlineNode, attemptNo: number, o: Outcome, busyMs: number) {
    const ended = await drafts.endAttempt(this.#p.deps.sql, draft.id, attemptNo, { state: 'failed', fault: o.fault, nodeFault: o.nodeFault,
      stopReason: o.stopReason, busyMs }, new Date());
    if (!ended) return;
    await energy(this.#p.deps.sql, draft.id, attemptNo, node, busyMs, o.output?.signedReceipt.receipt.energyMilliWh);
    await this.#afterFailure(job, role, draft, node, attemptNo, o);
  }

  async #afterFailure(job: Job<DraftJob>, role: Role, draft: drafts.DraftRow, node: OnlineNode, attemptNo: number, o: Outcome) {
    const { deps } = this.#p;
    deps.logger.warn({ jobId: draft.id, attempt: attemptNo, peerId: node.peerId, fault: o.fault }, 'grid attempt failed');
    if (o.nodeFault) {
      await repo.adjustReputation(deps.sql, node.peerId, REPUTATION_FAULT, 'failed');
      await repo.recordGridEvent(deps.sql, node.peerId, 'grid.attempt_failed', { jobId: draft.id, attempt: attemptNo, fault: o.fault }, new Date());
    }
    if (o.fault === 'cancelled') return;
    await this.#failJob(job, role, draft.id, o.fault ?? 'failed');
  }

  /** pg-boss retries (scoped to this attempt); after the last one the draft is unavailable: template or manual. */
  async #failJob(job: Job<DraftJob>, role: Role, draftId: string, fault: string) {
    const { deps } = this.#p;
    await deps.boss.fail(QUEUE[role], { id: job.id, retryCount: job.retryCount }, { fault });
    const exhausted = job.retryCount >= QUEUE_OPTIONS.retryLimit;
    await drafts.setDraftStatus(deps.sql, draftId, exhausted ? 'unavailable' : 'queued', { lastFault: fault }, new Date());
  }

  /**
   * Sampled redundant run (grid-design §7.7): the same job, seed and model on another node, compared on
   * facts (placeholder multiset). Agreement: both attempts succeeded (both credited on approval).
   * Disagreement: the second attempt fails, both nodes lose reputation, the draft is flagged for review.
   */
  async #redundantRun(draft: drafts.DraftRow, first: OnlineNode, modelSha256: string, paramsMillions: number, prevAttempt: number,
    firstOutput: GridDraftGenerateOutput, seed: number): Promise<void> {
    const { deps, book } = this.#p;
    const pick = book.pick(new Set([modelSha256]), new Set([first.peerId]));
    if (!pick) return;
    pick.node.active += 1;
    try {
      const attemptNo = prevAttempt + 1;
      const args = this.#arguments(draft, attemptNo, modelSha256, BASE_MAX_TOKENS, pick.node, seed);
      const promptSha256 = canonicalSha256(args);
      const startedAtMs = Date.now();
      await drafts.insertAttempt(deps.sql, { organizationId: draft.organizationId, jobId: draft.id, attempt: attemptNo, peerId: pick.node.peerId,
        nonce: args.nonce, promptSha256 }, new Date(startedAtMs));
      let o = await callDraftGenerate(pick.node, args, new AbortController(), deps.config.grid.leaseMs);
      if (o.ok) o = await this.#judge(o.output!, pick.node, args, promptSha256, startedAtMs, draft);
      const agree = o.ok && factsOf(o.output!.draft!) === factsOf(firstOutput.draft!);
      await deps.sql.begin(async (tx) => {
        await energy(tx, draft.id, attemptNo, pick.node, Date.now() - startedAtMs, o.output?.signedReceipt.receipt.energyMilliWh);
        await drafts.endAttempt(tx, draft.id, attemptNo, { state: agree ? 'succeeded' : 'failed', fault: agree ? null : o.fault ?? 'redundancy_disagreement',
          nodeFault: !agree, stopReason: o.stopReason, busyMs: Date.now() - startedAtMs }, new Date());
        if (o.ok) {
          const counts = await recount(this.#p.tokenizer, o.output!.signedReceipt.receipt, args.prompt, o.output!.draft);
          await appendReceipt(tx, this.#p.key, o.output!.signedReceipt, counts, paramsMillions, new Date());
        }
      });
      if (!agree && o.ok) {
        for (const peer of [first.peerId, pick.node.peerId]) await repo.adjustReputation(deps.sql, peer, REPUTATION_FAULT, null);
        await deps.sql`update grid_drafts set flags = flags || '["redundancy_disagreement"]'::jsonb where id = ${draft.id}`;
      }
    } finally {
      pick.node.active -= 1;
    }
  }
}

/** Every attempt, successful or not, gets its energy row (grid-design §10); the node's own figure beside it. */
async function energy(db: import('../../platform/db.ts').Db, jobId: string, attempt: number, node: OnlineNode, busyMs: number, declared: number | undefined) {
  const busy = Math.min(Math.max(0, busyMs), 3_600_000);
  const { totalMwh, marginalMwh } = attemptEnergy(busy, node.ad.power);
  await drafts.insertEnergy(db, { jobId, attempt, peerId: node.peerId, busyMs: busy, loadMw: node.ad.power.loadMw, idleMw: node.ad.power.idleMw,
    source: node.ad.power.source, totalMwh, marginalMwh, declaredMwh: declared ?? null });
}
