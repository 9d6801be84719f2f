// Open-loop load at a fixed rate, in a worker thread: request i is due at t0 + i / rate, and its
// latency counts from that due time (no coordinated omission: a slow answer delays nobody's clock).
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

interface Job { url: string; headers: Record<string, string>; rate: number; durationSec: number }
const job = workerData as Job;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const latencies: number[] = [];
let errors = 0;
let non2xx = 0;
let completedInWindow = 0;
let windowEnd = Infinity;

function once(due: number): Promise<void> {
  return new Promise((done) => {
    const req = request(job.url, { agent, headers: job.headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => {
        const at = performance.now();
        latencies.push(at - due);
        if (at <= windowEnd) completedInWindow++;
        if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx++;
        done();
      });
    });
    req.on('error', () => { errors++; done(); });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

// Bounded in time: scheduling stops when the duration is over, even if the server fell behind;
// answers still missing 5 s later count with the time they have waited so far.
const total = Math.round(job.rate * job.durationSec);
const t0 = performance.now() + 50;
const end = t0 + job.durationSec * 1000;
windowEnd = end;
const inFlight = new Map<number, number>(); // request index → due time
const pending: Promise<void>[] = [];
for (let i = 0; i < total && performance.now() < end; i++) {
  const due = t0 + (i * 1000) / job.rate;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  inFlight.set(i, due);
  pending.push(once(due).then(() => { inFlight.delete(i); }));
}
await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 5_000))]);
const now = performance.now();
const unfinished = inFlight.size;
for (const due of inFlight.values()) latencies.push(now - due);
agent.destroy();
parentPort!.postMessage({ latencies, errors, non2xx, unfinished, completedInWindow, elapsedMs: Math.min(now, end) - t0 });
