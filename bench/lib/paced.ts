import { Worker } from 'node:worker_threads';

export interface PacedSummary {
  rate: number; durationSec: number; total: number; achievedRps: number;
  latency: { p50: number; p99: number; max: number };
  errors: number; non2xx: number;
  /** Requests still unanswered 5 s after the end: counted in the latencies with the time they waited. */
  unfinished: number;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** `rate` requests per second, evenly spaced, for `durationSec`; latencies in ms from each request's due time. */
export async function runPaced(opts: { url: string; headers?: Record<string, string>; rate: number; durationSec: number }): Promise<PacedSummary> {
  const worker = new Worker(new URL('./paced-worker.ts', import.meta.url), {
    workerData: { url: opts.url, headers: opts.headers ?? {}, rate: opts.rate, durationSec: opts.durationSec },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await new Promise<{ latencies: number[]; errors: number; non2xx: number; unfinished: number; completedInWindow: number; elapsedMs: number }>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`paced load on ${opts.url} did not finish within ${opts.durationSec + 30} s`)), (opts.durationSec + 30) * 1000);
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const sorted = result.latencies.sort((a, b) => a - b);
    return {
      rate: opts.rate, durationSec: opts.durationSec, total: sorted.length - result.unfinished, unfinished: result.unfinished,
      achievedRps: Math.round(result.completedInWindow / (result.elapsedMs / 1000)), // answers within the window only
      latency: { p50: round2(pct(sorted, 50)), p99: round2(pct(sorted, 99)), max: round2(sorted[sorted.length - 1] ?? 0) },
      errors: result.errors, non2xx: result.non2xx,
    };
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
