import { availableParallelism } from 'node:os';
import { getLlama, LlamaCompletion, type Llama, type LlamaJsonSchemaGrammar, type LlamaModel } from 'node-llama-cpp';

/**
 * Local inference with node-llama-cpp (grid-design §11): CPU only, prebuilt binaries (`build: 'never'`),
 * plain completion (`LlamaCompletion`, which works for models with or without a chat template; the
 * instance's prompt carries any template), output constrained by a JSON-schema grammar.
 */
export interface GenerateRequest {
  modelPath: string;
  prompt: string;
  jsonSchema: Record<string, unknown>;
  maxTokens: number;
  seed: number;
  temperature: number;
  threads: number;
  signal: AbortSignal;
  /** Called with the number of output tokens generated so far. */
  onTokens?: (count: number) => void;
  contextSize?: number;
}

export interface GenerateResult {
  text: string;
  /** The parsed JSON, or null when the output is not complete JSON (budget exhausted, aborted). */
  json: unknown;
  stopReason: 'stop' | 'maxTokens' | 'aborted';
  generatedTokens: number;
}

export class LlamaEngine {
  private llamaPromise: Promise<Llama> | undefined;
  private readonly models = new Map<string, Promise<LlamaModel>>();
  private readonly grammars = new Map<string, Promise<LlamaJsonSchemaGrammar<never>>>();
  /** Path of the model most recently used, for node_status. */
  lastModelPath: string | null = null;

  llama(): Promise<Llama> {
    this.llamaPromise ??= getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
    return this.llamaPromise;
  }

  model(modelPath: string): Promise<LlamaModel> {
    let model = this.models.get(modelPath);
    if (!model) {
      model = this.llama().then((llama) => llama.loadModel({ modelPath }));
      model.catch(() => this.models.delete(modelPath));
      this.models.set(modelPath, model);
    }
    return model;
  }

  private grammar(schema: Record<string, unknown>): Promise<LlamaJsonSchemaGrammar<never>> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = this.llama().then((llama) => llama.createGrammarForJsonSchema(schema as never));
      grammar.catch(() => this.grammars.delete(key));
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  /** Token count with the model's tokenizer, no special tokens: the definition receipts use. */
  async countTokens(modelPath: string, text: string): Promise<number> {
    return (await this.model(modelPath)).tokenize(text).length;
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const model = await this.model(req.modelPath);
    const grammar = await this.grammar(req.jsonSchema);
    this.lastModelPath = req.modelPath;
    const context = await model.createContext({
      contextSize: Math.min(req.contextSize ?? 2048, model.trainContextSize),
      threads: req.threads,
      sequences: 1,
    });
    try {
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      let generated = 0;
      const { response, metadata } = await completion.generateCompletionWithMeta(req.prompt, {
        maxTokens: req.maxTokens,
        grammar,
        temperature: req.temperature,
        seed: req.seed,
        signal: req.signal,
        stopOnAbortSignal: true,
        onToken: (tokens) => {
          generated += tokens.length;
          req.onTokens?.(generated);
        },
      });
      const stopReason = metadata.stopReason === 'abort' || req.signal.aborted ? 'aborted' : metadata.stopReason === 'maxTokens' ? 'maxTokens' : 'stop';
      let json: unknown = null;
      if (stopReason === 'stop') {
        try {
          json = grammar.parse(response);
        } catch {
          json = null;
        }
      }
      return { text: response, json, stopReason, generatedTokens: generated };
    } finally {
      await context.dispose();
    }
  }

  async dispose(): Promise<void> {
    for (const model of this.models.values()) await (await model.catch(() => null))?.dispose();
    this.models.clear();
    this.grammars.clear();
    if (this.llamaPromise) await (await this.llamaPromise).dispose();
    this.llamaPromise = undefined;
  }
}

/** Thread counts worth trying (grid-design §11): all cores, and one fewer (Node needs a core too). */
export function threadCandidates(cores = availableParallelism()): number[] {
  return [...new Set([cores, Math.max(1, cores - 1)])].sort((a, b) => a - b);
}
