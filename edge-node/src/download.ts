import { createWriteStream } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';

/**
 * HTTP(S) download that resumes: bytes go to `<dest>.part`, with the validator (ETag or
 * Last-Modified) in `<dest>.part.json`. A dropped connection is retried with `Range: bytes=<have>-`
 * and `If-Range`, within this call and in a later run; a server that answers 200 instead of 206 (no
 * range support, or the file changed) restarts from zero.
 */
export interface DownloadProgress {
  received: number;
  total: number | null;
  resumedFrom: number;
}

export interface DownloadOptions {
  onProgress?: (progress: DownloadProgress) => void;
  /** Attempts after a dropped connection, within this call; default 5. */
  retries?: number;
  retryDelayMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export class DownloadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

interface PartMeta { url: string; validator: string | null; total: number | null }

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function readMeta(path: string): Promise<PartMeta | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PartMeta;
  } catch {
    return null;
  }
}

export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<{ bytes: number; resumed: boolean }> {
  const part = `${dest}.part`;
  const metaPath = `${dest}.part.json`;
  const retries = options.retries ?? 5;
  let resumed = false;
  for (let attempt = 0; ; attempt++) {
    try {
      const outcome = await downloadOnce(url, part, metaPath, options);
      resumed ||= outcome.resumedFrom > 0;
      await rename(part, dest);
      await rm(metaPath, { force: true });
      return { bytes: outcome.bytes, resumed };
    } catch (err) {
      if (err instanceof DownloadError || options.signal?.aborted || attempt >= retries) throw err;
      resumed = true;
      await new Promise((r) => setTimeout(r, (options.retryDelayMs ?? 500) * (attempt + 1)));
    }
  }
}

async function downloadOnce(url: string, part: string, metaPath: string, options: DownloadOptions): Promise<{ bytes: number; resumedFrom: number }> {
  const doFetch = options.fetch ?? fetch;
  const meta = await readMeta(metaPath);
  let have = meta?.url === url ? await sizeOf(part) : 0;
  const headers: Record<string, string> = {};
  if (have > 0) {
    headers.range = `bytes=${have}-`;
    if (meta?.validator) headers['if-range'] = meta.validator;
  }
  let response: Response;
  try {
    response = await doFetch(url, { headers, signal: options.signal, redirect: 'follow' });
  } catch (err) {
    throw new Error(`cannot reach ${new URL(url).host}: ${(err as Error).message}`, { cause: err });
  }
  if (response.status === 416 && have > 0 && meta?.total === have) return { bytes: have, resumedFrom: have };
  if (response.status !== 200 && response.status !== 206) {
    throw new DownloadError(`download failed: HTTP ${response.status} from ${url}`);
  }
  if (response.status === 200) have = 0; // no range support, or the file changed: start again
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  const rangeTotal = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
  const total = rangeTotal ? Number(rangeTotal) : Number.isFinite(length) ? have + length : null;
  const validator = response.headers.get('etag') ?? response.headers.get('last-modified');
  await writeFile(metaPath, JSON.stringify({ url, validator, total } satisfies PartMeta));
  if (!response.body) throw new DownloadError('download failed: empty response body');

  const out = createWriteStream(part, { flags: have > 0 ? 'a' : 'w' });
  const resumedFrom = have;
  let received = have;
  try {
    for await (const chunk of response.body) {
      if (!out.write(chunk)) await once(out, 'drain');
      received += chunk.byteLength;
      options.onProgress?.({ received, total, resumedFrom });
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  if (total != null && received !== total) throw new Error(`connection closed after ${received} of ${total} bytes`);
  return { bytes: received, resumedFrom };
}

/** One line of progress for a terminal: `[#####-----]  52%  14.2/27.3 MB`. */
export function progressBar(p: DownloadProgress, width = 30): string {
  const mb = (n: number) => (n / 1_048_576).toFixed(1);
  if (p.total == null || p.total === 0) return `${mb(p.received)} MB`;
  const ratio = Math.min(1, p.received / p.total);
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${mb(p.received)}/${mb(p.total)} MB`;
}
