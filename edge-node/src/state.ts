import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { GridBootstrapAddrSchema, GridPeerIdSchema } from '@koprogo/protocols';

/**
 * The node's data directory (default ~/.koprogo-edge, mode 0700): identity.key (0600), node.json
 * (enrolment), models.json (registered GGUF files with their SHA-256), bench.json, journal.jsonl,
 * downloads/. Every JSON file is written to a temporary name and renamed, so a crash never leaves
 * half a file.
 */
export function defaultDataDir(): string {
  return join(homedir(), '.koprogo-edge');
}

export const EnrolmentStateSchema = z.object({
  instanceUrl: z.string().url(),
  peerId: GridPeerIdSchema,
  instancePeerId: GridPeerIdSchema,
  bootstrapAddr: GridBootstrapAddrSchema,
  enrolledAt: z.string(),
});
export type EnrolmentState = z.infer<typeof EnrolmentStateSchema>;

export const ModelEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().nonnegative(),
  quantisation: z.string(),
  contextSize: z.number().int().positive(),
  source: z.string(),
  addedAt: z.string(),
});
export type ModelEntry = z.infer<typeof ModelEntrySchema>;
const ModelsFileSchema = z.object({ models: z.array(ModelEntrySchema) });

export const BenchEntrySchema = z.object({
  modelSha256: z.string(),
  threads: z.number().int().positive(),
  prefillTokPerSec: z.number().nonnegative(),
  decodeTokPerSec: z.number().nonnegative(),
  measuredAt: z.string(),
  /** Every thread count tried, for the operator. */
  tried: z.array(z.object({ threads: z.number().int(), prefillTokPerSec: z.number(), decodeTokPerSec: z.number() })),
});
export type BenchEntry = z.infer<typeof BenchEntrySchema>;
const BenchFileSchema = z.object({ results: z.array(BenchEntrySchema) });

export class EdgeState {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  async ensure(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
  }

  async readEnrolment(): Promise<EnrolmentState | null> {
    return this.readJson('node.json', EnrolmentStateSchema);
  }

  async writeEnrolment(state: EnrolmentState): Promise<void> {
    await this.writeJson('node.json', state);
  }

  async readModels(): Promise<ModelEntry[]> {
    return (await this.readJson('models.json', ModelsFileSchema))?.models ?? [];
  }

  async writeModels(models: ModelEntry[]): Promise<void> {
    await this.writeJson('models.json', { models });
  }

  async readBench(): Promise<BenchEntry[]> {
    return (await this.readJson('bench.json', BenchFileSchema))?.results ?? [];
  }

  async writeBench(results: BenchEntry[]): Promise<void> {
    await this.writeJson('bench.json', { results });
  }

  private async readJson<T>(name: string, schema: z.ZodType<T>): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.path(name)} is not a valid koprogo-edge file: ${parsed.error.message}`);
    return parsed.data;
  }

  private async writeJson(name: string, value: unknown): Promise<void> {
    await this.ensure();
    const tmp = this.path(`.${name}.${process.pid}.tmp`);
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.path(name));
  }
}
