import type { Token } from 'node-llama-cpp';
import type { LlamaEngine } from './llm.ts';
import { threadCandidates } from './llm.ts';
import type { BenchEntry, ModelEntry } from './state.ts';

/**
 * `koprogo-edge bench` (grid-design §3, §11): for each thread count worth trying (cores and cores − 1),
 * time the prefill of a fixed token sequence and a greedy decode, and keep the faster. On a 2-core
 * machine the difference can be 7× to 40× for a tiny model, so it is measured, never guessed.
 */
const FIXED_TEXT = 'The syndic writes to the co-owners of the building about the next general assembly and the reserve fund. ';

export interface BenchOptions {
  promptTokens?: number;
  decodeTokens?: number;
  threads?: number[];
  /** Repetitions per thread count; the best run counts (less noise from other processes). */
  runs?: number;
}

async function measure(engine: LlamaEngine, model: ModelEntry, threads: number, promptTokens: number, decodeTokens: number) {
  const llamaModel = await engine.model(model.path);
  const contextSize = Math.min(model.contextSize, llamaModel.trainContextSize, 2048);
  const prompt = Math.min(promptTokens, contextSize - decodeTokens - 8);
  const base = llamaModel.tokenize(FIXED_TEXT);
  const tokens: Token[] = [];
  while (tokens.length < prompt) tokens.push(...base);
  tokens.length = prompt;
  const context = await llamaModel.createContext({ contextSize, threads, sequences: 1 });
  try {
    const sequence = context.getSequence();
    const t0 = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(tokens);
    const t1 = performance.now();
    let generated = 0;
    for await (const token of sequence.evaluate([tokens.at(-1)!], { temperature: 0 })) {
      void token;
      if (++generated >= decodeTokens) break;
    }
    const t2 = performance.now();
    return { threads, prefillTokPerSec: round1(prompt / ((t1 - t0) / 1000)), decodeTokPerSec: round1(generated / ((t2 - t1) / 1000)) };
  } finally {
    await context.dispose();
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export async function benchModel(engine: LlamaEngine, model: ModelEntry, options: BenchOptions = {}): Promise<BenchEntry> {
  const tried: BenchEntry['tried'] = [];
  for (const threads of options.threads ?? threadCandidates()) {
    let best: BenchEntry['tried'][number] | undefined;
    for (let run = 0; run < (options.runs ?? 2); run++) {
      const r = await measure(engine, model, threads, options.promptTokens ?? 128, options.decodeTokens ?? 64);
      if (!best || r.decodeTokPerSec > best.decodeTokPerSec) best = r;
    }
    tried.push(best!);
  }
  // Decode speed dominates a draft's time (≈ 200 output tokens against a cached prompt prefix).
  const winner = tried.reduce((a, b) => (b.decodeTokPerSec > a.decodeTokPerSec ? b : a));
  return { modelSha256: model.sha256, ...winner, measuredAt: new Date().toISOString(), tried };
}
