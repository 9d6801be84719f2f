import autocannon, { type Result } from 'autocannon';
import { cpuPerRequest, type CpuPerRequest, type CpuSnapshot } from './cpu.ts';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  durationSec: number;
  /** Requests per second over all connections; unset: as fast as the server answers. */
  overallRate?: number;
}

export interface LoadSummary {
  url: string;
  connections: number;
  durationSec: number;
  overallRate: number | null;
  /** Completed requests per second (autocannon's mean of the per-second samples). */
  rps: number;
  total: number;
  /** Latencies in ms; autocannon's histogram floors them to whole milliseconds. */
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** CPU per request in the servers' thread and in PostgreSQL, when a probe was given. */
  cpu: CpuPerRequest | null;
}

/**
 * One autocannon run. The load generator runs in a worker thread (workers: 1), so it does not share
 * the event loop of the servers under test, only the machine's cores. Bounded: stopped and failed
 * if it has not finished 30 s after its planned duration.
 */
export async function runLoad(opts: LoadOptions, probe?: () => Promise<CpuSnapshot>): Promise<LoadSummary> {
  const before = probe ? await probe() : null;
  const instance = autocannon({
    url: opts.url,
    headers: opts.headers ?? {},
    connections: opts.connections,
    duration: opts.durationSec,
    timeout: 10,
    workers: 1,
    ...(opts.overallRate ? { overallRate: opts.overallRate, ignoreCoordinatedOmission: true } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      instance.stop();
      reject(new Error(`autocannon on ${opts.url} did not finish within ${opts.durationSec + 30} s`));
    }, (opts.durationSec + 30) * 1000);
  });
  try {
    const result = await Promise.race([Promise.resolve(instance), deadline]);
    const cpu = before && probe ? cpuPerRequest(before, await probe(), result.requests.total) : null;
    return { ...summarize(opts, result), cpu };
  } finally {
    clearTimeout(timer);
  }
}

function summarize(opts: LoadOptions, r: Result): Omit<LoadSummary, 'cpu'> {
  return {
    url: opts.url,
    connections: opts.connections,
    durationSec: opts.durationSec,
    overallRate: opts.overallRate ?? null,
    rps: Math.round(r.requests.average),
    total: r.requests.total,
    latency: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: round2(r.latency.mean) },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
  };
}

/** Warm-up run (its figures are dropped, except for failures), then the measured run. */
export async function warmThenMeasure(opts: LoadOptions, warmupSec: number, probe?: () => Promise<CpuSnapshot>):
  Promise<{ warmup: LoadSummary; measured: LoadSummary }> {
  const warmup = await runLoad({ ...opts, durationSec: warmupSec });
  const measured = await runLoad(opts, probe);
  return { warmup, measured };
}

/** Why a run counts as failed: transport errors, timeouts or any non-2xx answer. Empty when clean. */
export function loadFailures(label: string, s: LoadSummary): string[] {
  const out: string[] = [];
  if (s.errors) out.push(`${label}: ${s.errors} request error(s) (${s.timeouts} timeout(s))`);
  if (s.non2xx) out.push(`${label}: ${s.non2xx} non-2xx response(s), status codes ${JSON.stringify(s.statusCodes)}`);
  if (s.total === 0) out.push(`${label}: no request completed`);
  return out;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
