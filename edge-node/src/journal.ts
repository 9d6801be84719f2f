import { appendFile, readFile } from 'node:fs/promises';
import type { GridHelloAck, GridStopReason } from '@koprogo/protocols';
import type { EdgeState } from './state.ts';

/**
 * The local journal (`journal.jsonl`, one JSON object a line): every job the node ran, and the
 * earnings the instance last reported in a hello ack. `koprogo-edge status` summarises it; the
 * instance's ledger remains the authority on credit.
 */
export type JobOutcome = 'completed' | 'truncated' | 'deadline' | 'aborted' | 'failed' | 'refused';

export interface JobEntry {
  type: 'job';
  at: string;
  jobId: string;
  attempt: number;
  modelSha256: string;
  outcome: JobOutcome;
  stopReason?: GridStopReason;
  promptTokens: number;
  outputTokens: number;
  ms: number;
  error?: string;
}

export interface EarningsEntry { type: 'earnings'; at: string; earnings: NonNullable<GridHelloAck['earnings']> }

export type JournalEntry = JobEntry | EarningsEntry;

export class Journal {
  private readonly file: string;
  private queue: Promise<void> = Promise.resolve();
  constructor(state: EdgeState) {
    this.file = state.path('journal.jsonl');
  }

  /** Appends in order; never throws into the caller (a full disk must not fail a job). */
  append(entry: JournalEntry, onError?: (err: unknown) => void): Promise<void> {
    this.queue = this.queue.then(() => appendFile(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 })).catch((err) => onError?.(err));
    return this.queue;
  }

  /** Resolves once every append so far is on disk. */
  flushed(): Promise<void> {
    return this.queue;
  }

  async entries(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return text.split('\n').filter((l) => l.trim() !== '').flatMap((line) => {
      try {
        return [JSON.parse(line) as JournalEntry];
      } catch {
        return []; // a line cut by a crash
      }
    });
  }
}

export interface JournalSummary {
  jobs: Record<JobOutcome, number>;
  total: number;
  promptTokens: number;
  outputTokens: number;
  busyMs: number;
  lastJobAt: string | null;
  earnings: EarningsEntry | null;
}

export function summarise(entries: JournalEntry[]): JournalSummary {
  const jobs: Record<JobOutcome, number> = { completed: 0, truncated: 0, deadline: 0, aborted: 0, failed: 0, refused: 0 };
  const summary: JournalSummary = { jobs, total: 0, promptTokens: 0, outputTokens: 0, busyMs: 0, lastJobAt: null, earnings: null };
  for (const e of entries) {
    if (e.type === 'earnings') {
      summary.earnings = e;
      continue;
    }
    jobs[e.outcome] += 1;
    summary.total += 1;
    summary.promptTokens += e.promptTokens;
    summary.outputTokens += e.outputTokens;
    summary.busyMs += e.ms;
    summary.lastJobAt = e.at;
  }
  return summary;
}
