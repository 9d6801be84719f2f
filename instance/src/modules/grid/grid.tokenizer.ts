import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Llama, LlamaModel } from 'node-llama-cpp';

/**
 * Token recounts of receipts (grid-design §7.6): the instance loads the registry's GGUF with
 * `vocabOnly: true` (the tokenizer only: no weights in memory) and re-tokenizes the prompt and the
 * canonical output. node-llama-cpp is imported on first use, so an instance without the grid never loads it.
 */
export class GridTokenizer {
  readonly #dir: string | undefined;
  #byHash: Promise<Map<string, string>> | null = null;
  #llama: Promise<Llama> | null = null;
  readonly #models = new Map<string, Promise<LlamaModel>>();

  constructor(modelsDir: string | undefined) {
    this.#dir = modelsDir;
  }

  /** SHA-256 → path of every `*.gguf` in GRID_MODELS_DIR (hashed once; call `rescan` after adding files). */
  files(): Promise<Map<string, string>> {
    this.#byHash ??= this.#scan();
    return this.#byHash;
  }

  rescan(): void {
    this.#byHash = null;
  }

  async #scan(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!this.#dir) return out;
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.gguf'))) {
      const path = join(this.#dir, name);
      if (!(await stat(path)).isFile()) continue;
      out.set(await sha256File(path), path);
    }
    return out;
  }

  /** The token count of `text` with the model's tokenizer (no special tokens), or null when the file is missing. */
  async count(modelSha256: string, text: string): Promise<number | null> {
    const path = (await this.files()).get(modelSha256);
    if (!path) return null;
    let model = this.#models.get(path);
    if (!model) {
      this.#llama ??= import('node-llama-cpp').then(({ getLlama }) => getLlama({ gpu: false, build: 'never', logLevel: 'error' as never }));
      model = this.#llama.then((llama) => llama.loadModel({ modelPath: path, vocabOnly: true }));
      model.catch(() => this.#models.delete(path));
      this.#models.set(path, model);
    }
    return (await model).tokenize(text).length;
  }

  async dispose(): Promise<void> {
    for (const m of this.#models.values()) await m.then((x) => x.dispose()).catch(() => {});
    this.#models.clear();
  }
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolveHash, reject) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (c) => h.update(c)).on('error', reject).on('end', () => resolveHash(h.digest('hex')));
  });
}
