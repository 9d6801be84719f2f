import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { GgufFileType, readGgufFileInfo } from 'node-llama-cpp';
import { downloadFile, type DownloadProgress } from './download.ts';
import type { EdgeState, ModelEntry } from './state.ts';

/**
 * Registering GGUF models: the node hashes the file (SHA-256) before it ever advertises it, since the
 * instance schedules by hash (grid-design §3). A URL is downloaded first, resumably, into
 * `<data dir>/models/`.
 */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function assertGguf(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new ModelError(`model file not found: ${path}`);
  }
  if (!info.isFile()) throw new ModelError(`not a file: ${path}`);
  const handle = await open(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    if (magic.toString('latin1') !== 'GGUF') throw new ModelError(`${path} is not a GGUF model (bad magic)`);
  } finally {
    await handle.close();
  }
  return info.size;
}

/** `MOSTLY_Q4_K_M` → `Q4_K_M`, `ALL_F32` → `F32`. */
function quantisationOf(fileType: number | undefined): string {
  const name = fileType == null ? undefined : (GgufFileType as unknown as Record<number, string>)[fileType];
  return name ? name.replace(/^(MOSTLY|ALL)_/, '') : 'unknown';
}

export interface AddModelOptions {
  name?: string;
  onDownloadProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

export async function addModel(state: EdgeState, source: string, options: AddModelOptions = {}): Promise<ModelEntry> {
  let path: string;
  if (/^https?:\/\//i.test(source)) {
    const dir = state.path('models');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const fileName = basename(new URL(source).pathname) || 'model.gguf';
    path = join(dir, fileName);
    await downloadFile(source, path, { onProgress: options.onDownloadProgress, signal: options.signal });
  } else {
    path = resolve(source);
  }
  const sizeBytes = await assertGguf(path);
  const info = await readGgufFileInfo(path, { readTensorInfo: false });
  const meta = info.metadata as { general?: { name?: string; file_type?: number } };
  const arch = info.architectureMetadata as { context_length?: number } | undefined;
  const entry: ModelEntry = {
    name: options.name ?? meta.general?.name ?? basename(path, '.gguf'),
    path,
    sha256: await sha256File(path),
    sizeBytes,
    quantisation: quantisationOf(meta.general?.file_type),
    contextSize: arch?.context_length ?? 2048,
    source,
    addedAt: new Date().toISOString(),
  };
  const models = (await state.readModels()).filter((m) => m.sha256 !== entry.sha256 && m.path !== entry.path);
  await state.writeModels([...models, entry]);
  return entry;
}

/** Re-hashes the registered files: a model whose file changed or vanished is not advertised. */
export async function verifiedModels(state: EdgeState): Promise<{ ok: ModelEntry[]; problems: string[] }> {
  const ok: ModelEntry[] = [];
  const problems: string[] = [];
  for (const model of await state.readModels()) {
    try {
      const info = await stat(model.path);
      if (info.size !== model.sizeBytes) problems.push(`${model.name}: ${model.path} changed size; run "koprogo-edge models add" again`);
      else if ((await sha256File(model.path)) !== model.sha256) problems.push(`${model.name}: ${model.path} changed (SHA-256 differs)`);
      else ok.push(model);
    } catch {
      problems.push(`${model.name}: ${model.path} is missing`);
    }
  }
  return { ok, problems };
}
