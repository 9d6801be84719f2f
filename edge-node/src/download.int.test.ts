import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, progressBar, type DownloadProgress } from './download.ts';

/**
 * A local node:http server that serves a file with Range support and, on demand, drops the connection
 * half-way through: the downloader must resume from where it stopped instead of starting again.
 */
const body = randomBytes(3 * 1024 * 1024 + 17);
const sha = createHash('sha256').update(body).digest('hex');
let server: Server;
let base: string;
let dir: string;
const requests: Array<{ range: string | undefined; ifRange: string | undefined }> = [];
let dropsLeft = 0;
let etag = '"v1"';

function serve(req: IncomingMessage, res: import('node:http').ServerResponse) {
  requests.push({ range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined });
  if (req.url === '/missing.gguf') {
    res.writeHead(404).end('not found');
    return;
  }
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const from = match && req.headers['if-range'] === etag ? Number(match[1]) : 0;
  const slice = body.subarray(from);
  res.writeHead(from > 0 ? 206 : 200, {
    'content-length': slice.byteLength, etag, 'accept-ranges': 'bytes',
    ...(from > 0 ? { 'content-range': `bytes ${from}-${body.byteLength - 1}/${body.byteLength}` } : {}),
  });
  if (dropsLeft > 0) {
    dropsLeft -= 1;
    res.write(slice.subarray(0, Math.floor(slice.byteLength / 2)), () => setTimeout(() => res.destroy(), 20));
    return;
  }
  res.end(slice);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koprogo-edge-dl-'));
  server = createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('resumable model download', () => {
  it('resumes with a Range request after the connection drops mid-way', async () => {
    requests.length = 0;
    dropsLeft = 1;
    const progress: DownloadProgress[] = [];
    const dest = join(dir, 'a.gguf');
    const result = await downloadFile(`${base}/a.gguf`, dest, { retryDelayMs: 10, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ bytes: body.byteLength, resumed: true });
    expect(createHash('sha256').update(await readFile(dest)).digest('hex')).toBe(sha);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(requests[1]!.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(requests[1]!.ifRange).toBe('"v1"');
    expect(progress.at(-1)).toMatchObject({ received: body.byteLength, total: body.byteLength, resumedFrom: resumedAt });
    await expect(stat(`${dest}.part`)).rejects.toThrow();
    expect(progressBar(progress.at(-1)!)).toMatch(/\[#{30}\] 100%/);
  });

  it('resumes in a later run when this one gave up', async () => {
    requests.length = 0;
    dropsLeft = 1;
    const dest = join(dir, 'b.gguf');
    await expect(downloadFile(`${base}/b.gguf`, dest, { retries: 0 })).rejects.toThrow();
    const partial = (await stat(`${dest}.part`)).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(body.byteLength);
    const result = await downloadFile(`${base}/b.gguf`, dest, { retries: 0 });
    expect(result.resumed).toBe(true);
    expect(requests[1]!.range).toBe(`bytes=${partial}-`);
    expect(createHash('sha256').update(await readFile(dest)).digest('hex')).toBe(sha);
  });

  it('starts again from zero when the file changed on the server (If-Range no longer matches)', async () => {
    requests.length = 0;
    dropsLeft = 1;
    const dest = join(dir, 'd.gguf');
    await expect(downloadFile(`${base}/d.gguf`, dest, { retries: 0 })).rejects.toThrow();
    etag = '"v2"';
    try {
      const result = await downloadFile(`${base}/d.gguf`, dest, { retries: 0 });
      expect(result).toEqual({ bytes: body.byteLength, resumed: false });
      expect(requests[1]!.ifRange).toBe('"v1"');
      expect(createHash('sha256').update(await readFile(dest)).digest('hex')).toBe(sha);
    } finally {
      etag = '"v1"';
    }
  });

  it('fails clearly on an HTTP error without retrying', async () => {
    requests.length = 0;
    await expect(downloadFile(`${base}/missing.gguf`, join(dir, 'c.gguf'), { retryDelayMs: 10 })).rejects.toThrow(/HTTP 404/);
    expect(requests).toHaveLength(1);
  });
});
