import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Cleanup } from './cleanup.ts';
import { describeMachine, type MachineInfo } from './machine.ts';

/** One reported figure; `pass` is set when the figure has a target. */
export interface Metric {
  label: string;
  value: string;
  target?: string;
  pass?: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  /** Extra header lines, e.g. { PostgreSQL: 'PostgreSQL 18.0 …', Load: 'autocannon …' }. */
  context: Record<string, string>;
  metrics: Metric[];
  notes: string[];
  /** Errors and non-2xx answers under load: any entry makes `npm run bench` exit 1. */
  failures: string[];
  /** Raw numbers for bench/results/latest.json. */
  data: unknown;
}

export interface BenchContext {
  cleanup: Cleanup;
  machine: MachineInfo;
  /** Progress line on stderr, so stdout holds only the report. */
  progress(line: string): void;
}

/** What every bench/*.bench.ts exports. */
export interface BenchModule {
  title: string;
  run(ctx: BenchContext): Promise<Omit<BenchResult, 'name' | 'title'>>;
}

const verdict = (m: Metric) => (m.pass === undefined ? '' : m.pass ? 'PASS' : 'FAIL');

/** A plain-text table for the terminal. */
export function textTable(result: BenchResult, machine: MachineInfo): string {
  const head = [
    `== ${result.name}: ${result.title}`,
    `   Machine:    ${describeMachine(machine)}`,
    `   Node:       ${machine.node}`,
    ...Object.entries(result.context).map(([k, v]) => `   ${`${k}:`.padEnd(11)} ${v}`),
    `   Date:       ${machine.date} (1-min load average at start: ${machine.loadAverage})`,
  ];
  const rows = [['Measure', 'Value', 'Target', 'Result'], ...result.metrics.map((m) => [m.label, m.value, m.target ?? '', verdict(m)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `   ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`;
  const rule = `   ${widths.map((w) => '-'.repeat(w)).join('  ')}`;
  const body = [line(rows[0]!), rule, ...rows.slice(1).map(line)];
  const notes = result.notes.map((n) => `   * ${n}`);
  const failures = result.failures.map((f) => `   !! ${f}`);
  return [...head, '', ...body, ...(notes.length ? ['', ...notes] : []), ...(failures.length ? ['', ...failures] : [])].join('\n');
}

export const markerStart = (name: string) => `<!-- bench:${name}:start -->`;
export const markerEnd = (name: string) => `<!-- bench:${name}:end -->`;

/** The markdown section for docs/performance.md, markers included. */
export function markdownSection(result: BenchResult, machine: MachineInfo): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    markerStart(result.name),
    `### ${result.name}: ${result.title}`,
    '',
    `Measured ${machine.date} with \`npm run bench -- ${result.name}\` (1-min load average at start: ${machine.loadAverage}).`,
    '',
    `* Machine: ${describeMachine(machine)}`,
    `* Node: ${machine.node}`,
    ...Object.entries(result.context).map(([k, v]) => `* ${k}: ${v}`),
    '',
    '| Measure | Value | Target | Result |',
    '|---|---:|---|---|',
    ...result.metrics.map((m) => `| ${esc(m.label)} | ${esc(m.value)} | ${esc(m.target ?? '')} | ${verdict(m) ? `**${verdict(m)}**` : ''} |`),
    ...(result.notes.length ? ['', ...result.notes.map((n) => `* ${n}`)] : []),
    ...(result.failures.length ? ['', '**Failures under load:**', '', ...result.failures.map((f) => `* ${f}`)] : []),
    markerEnd(result.name),
  ].join('\n');
}

/**
 * Replaces the section between the bench's markers in `path`, or appends it when the markers are
 * missing. Returns what was done.
 */
export function writeDocsSection(path: string, name: string, section: string): 'replaced' | 'appended' {
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Performance\n';
  const start = doc.indexOf(markerStart(name));
  const end = doc.indexOf(markerEnd(name));
  if (start >= 0 && end > start) {
    writeFileSync(path, doc.slice(0, start) + section + doc.slice(end + markerEnd(name).length));
    return 'replaced';
  }
  writeFileSync(path, `${doc.trimEnd()}\n\n${section}\n`);
  return 'appended';
}
