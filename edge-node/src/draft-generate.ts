import {
  canonicalJson, GRID_LIVENESS_TICK_MS, GRID_PROGRESS_EVERY_TOKENS, GridDraftSchema,
  type GridDraft, type GridDraftGenerateInput, type GridDraftGenerateOutput, type GridReceipt, type GridStopReason,
} from '@koprogo/protocols';
import { canonicalSha256, signGridPayload } from './grid-signing.ts';
import type { JobOutcome } from './journal.ts';
import type { Logger } from './logger.ts';
import type { NodeRuntime } from './node-tools.ts';
import type { ModelEntry } from './state.ts';

/**
 * The `draft_generate` tool (grid-design §4.3, §8): refuse what the node cannot take, generate under the
 * grammar with progress as the lease, stop on `extra.signal` or the deadline, and sign a receipt.
 */
export type ToolResult = { content: Array<{ type: 'text'; text: string }>; structuredContent?: Record<string, unknown>; isError?: boolean };

/** A refusal the instance can read: `isError` with `{code, message}` as the text. */
export const refuse = (code: string, message: string): ToolResult => ({ isError: true, content: [{ type: 'text', text: JSON.stringify({ code, message }) }] });

interface Extra {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification: (n: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; total?: number; message?: string } }) => Promise<void>;
}

/** Progress every GRID_PROGRESS_EVERY_TOKENS tokens, and a tick every GRID_LIVENESS_TICK_MS (prefill included). */
function progressReporter(extra: Extra, total: number, signal: AbortSignal, log: Logger) {
  const token = extra._meta?.progressToken;
  let tokens = 0;
  let reported = 0;
  const send = (message: string) => {
    if (token === undefined || signal.aborted) return;
    extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: tokens, total, message } })
      .catch((err) => log.debug({ err }, 'progress notification not sent'));
  };
  const ticker = setInterval(() => send(tokens === 0 ? 'prefill' : 'alive'), GRID_LIVENESS_TICK_MS);
  send('started');
  return {
    get tokens() { return tokens; },
    onTokens(count: number) {
      tokens = count;
      if (count - reported >= GRID_PROGRESS_EVERY_TOKENS) {
        reported = count;
        send('tokens');
      }
    },
    stop() { clearInterval(ticker); },
  };
}

/** Energy of a job in integer mWh from a power in mW and a duration in ms (mW × ms / 3,600,000), rounded half up. */
export const energyEstimateMilliWh = (loadMw: number, ms: number): number => Math.round((loadMw * Math.max(0, ms)) / 3_600_000);

async function signedOutput(runtime: NodeRuntime, args: GridDraftGenerateInput, model: ModelEntry, draft: GridDraft | null,
  stopReason: GridStopReason, promptTokens: number, started: number): Promise<GridDraftGenerateOutput> {
  const outputTokens = draft ? await runtime.engine.countTokens(model.path, canonicalJson(draft)) : 0;
  const finished = Date.now();
  const receipt: GridReceipt = {
    v: 1, jobId: args.jobId, attempt: args.attempt, nonce: args.nonce, peerId: runtime.peerId, instancePeerId: runtime.instancePeerId,
    modelSha256: model.sha256, promptSha256: canonicalSha256(args), outputSha256: canonicalSha256(draft),
    promptTokens, outputTokens, stopReason, startedAt: new Date(started).toISOString(), finishedAt: new Date(finished).toISOString(),
    // An estimate (declared load power × busy time, grid-design §10), never a measurement; the instance labels it "declared".
    ...(runtime.loadMw ? { energyMilliWh: energyEstimateMilliWh(runtime.loadMw, finished - started) } : {}),
  };
  const signature = await signGridPayload(runtime.privateKey, 'receipt', receipt);
  return { draft, usage: { promptTokens, outputTokens, ms: finished - started }, stopReason, signedReceipt: { receipt, signature } };
}

export async function draftGenerate(runtime: NodeRuntime, args: GridDraftGenerateInput, extra: Extra): Promise<ToolResult> {
  const started = Date.now();
  const log = runtime.logger.child({ jobId: args.jobId, attempt: args.attempt });
  const journal = (entry: { outcome: JobOutcome; stopReason?: GridStopReason; promptTokens: number; outputTokens: number; error?: string }) =>
    void runtime.journal.append({ type: 'job', at: new Date(started).toISOString(), jobId: args.jobId, attempt: args.attempt,
      modelSha256: args.modelSha256, ms: Date.now() - started, ...entry }, (err) => log.warn({ err }, 'journal not written'));
  const refusal = (code: string, message: string) => {
    journal({ outcome: 'refused', promptTokens: 0, outputTokens: 0, error: code });
    log.warn({ code }, message);
    return refuse(code, message);
  };
  const model = runtime.models().get(args.modelSha256);
  if (args.instancePeerId !== runtime.instancePeerId) return refusal('node.wrong_instance', 'This node is enrolled with another instance');
  if (!model) return refusal('node.model_unknown', `Model ${args.modelSha256} is not registered on this node`);
  if (runtime.active >= runtime.maxConcurrent) return refusal('node.busy', `Node busy (${runtime.active}/${runtime.maxConcurrent} jobs)`);

  runtime.active += 1;
  const signal = AbortSignal.any([extra.signal, AbortSignal.timeout(args.deadlineMs)]);
  const progress = progressReporter(extra, args.maxTokens, signal, log);
  try {
    const promptTokens = await runtime.engine.countTokens(model.path, args.prompt);
    // A context just large enough (KV memory matters on a Pi), within the model's and a 4,096-token cap.
    const needed = promptTokens + args.maxTokens + 8;
    if (needed > model.contextSize) log.warn({ needed, contextSize: model.contextSize }, 'prompt and budget exceed the model context: the prompt will be shifted');
    const result = await runtime.engine.generate({
      modelPath: model.path, prompt: args.prompt, jsonSchema: args.outputSchema, maxTokens: args.maxTokens, seed: args.seed,
      temperature: args.temperature, threads: runtime.threadsFor(model.sha256), signal,
      contextSize: Math.min(model.contextSize, 4096, Math.max(512, needed)), onTokens: progress.onTokens,
    });
    const parsed = result.json === null ? null : GridDraftSchema.safeParse(result.json);
    const draft = parsed?.success ? parsed.data : null;
    let stopReason: GridStopReason = result.stopReason === 'aborted' ? (extra.signal.aborted ? 'aborted' : 'deadline') : result.stopReason;
    if (stopReason === 'stop' && draft === null) stopReason = 'maxTokens'; // JSON outside the draft bounds: treated as truncated
    const output = await signedOutput(runtime, args, model, draft, stopReason, promptTokens, started);
    const outcome: JobOutcome = stopReason === 'stop' ? 'completed' : stopReason === 'maxTokens' ? 'truncated' : stopReason;
    if (outcome === 'completed') runtime.jobsCompleted += 1;
    journal({ outcome, stopReason, promptTokens, outputTokens: output.usage.outputTokens });
    log.info({ stopReason, promptTokens, outputTokens: output.usage.outputTokens, ms: output.usage.ms, generated: result.generatedTokens }, 'draft generated');
    return { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
  } catch (err) {
    journal({ outcome: 'failed', promptTokens: 0, outputTokens: progress.tokens, error: (err as Error).message });
    log.error({ err }, 'draft generation failed');
    return refuse('node.generation_failed', (err as Error).message);
  } finally {
    progress.stop();
    runtime.active -= 1;
  }
}
