// Minimal types for autocannon 9 (it ships none): only what bench/ uses.
declare module 'autocannon' {
  interface Histogram {
    average: number; mean: number; stddev: number; min: number; max: number; total: number;
    p0_001: number; p0_01: number; p0_1: number; p1: number; p2_5: number; p10: number; p25: number;
    p50: number; p75: number; p90: number; p97_5: number; p99: number; p99_9: number; p99_99: number; p99_999: number;
  }
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    connections?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    overallRate?: number;
    connectionRate?: number;
    ignoreCoordinatedOmission?: boolean;
    workers?: number;
    excludeErrorStats?: boolean;
  }
  interface Result {
    title?: string;
    url: string;
    requests: Histogram & { sent: number };
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number;
    statusCodeStats: Record<string, { count: number }>;
    duration: number;
    start: Date;
    finish: Date;
    connections: number;
    pipelining: number;
  }
  interface Instance extends PromiseLike<Result> {
    stop(): void;
  }
  function autocannon(opts: Options): Instance;
  export default autocannon;
  export type { Histogram, Options, Result, Instance };
}
