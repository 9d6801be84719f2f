// `npm run bench [-- <name filter>…] [--write-docs]`: runs bench/*.bench.ts one after the other,
// prints a table per benchmark and a markdown section for docs/performance.md, and writes
// bench/results/latest.json. Exit 1 when a benchmark errors or a request fails under load;
// a missed target is reported (FAIL) but does not change the exit code.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Cleanup } from './lib/cleanup.ts';
import { describeMachine, machineInfo } from './lib/machine.ts';
import { markdownSection, textTable, writeDocsSection, type BenchModule, type BenchResult } from './lib/report.ts';

const benchDir = fileURLToPath(new URL('./', import.meta.url));
const docsPath = fileURLToPath(new URL('../docs/performance.md', import.meta.url));
const resultsPath = join(benchDir, 'results', 'latest.json');
/** No benchmark may run longer than this, clean-up included. */
const BENCH_TIMEOUT_MS = 10 * 60_000;

const args = process.argv.slice(2);
const writeDocs = args.includes('--write-docs');
const unknown = args.filter((a) => a.startsWith('-') && a !== '--write-docs');
if (unknown.length) {
  process.stderr.write(`bench: unknown option(s) ${unknown.join(' ')}\nusage: npm run bench [-- <name filter>…] [--write-docs]\n`);
  process.exit(2);
}
const filters = args.filter((a) => !a.startsWith('-'));
const names = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).sort().map((f) => basename(f, '.bench.ts'));
const selected = names.filter((n) => filters.length === 0 || filters.some((f) => n.includes(f)));
if (!selected.length) {
  process.stderr.write(`bench: no benchmark matches ${filters.join(', ')}; available: ${names.join(', ')}\n`);
  process.exit(2);
}

const machine = machineInfo();
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
let current: Cleanup | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: cleaning up`);
    void (current?.runAll() ?? Promise.resolve([])).finally(() => process.exit(130));
  });
}

const results: BenchResult[] = [];
const errors: string[] = [];
console.log(`KoproGo benchmarks, ${machine.date}`);
console.log(`Machine: ${describeMachine(machine)}; Node ${machine.node}`);
for (const name of selected) {
  const cleanup = new Cleanup();
  current = cleanup;
  progress(`${name}: starting`);
  let timer: NodeJS.Timeout | undefined;
  try {
    const mod = (await import(pathToFileURL(join(benchDir, `${name}.bench.ts`)).href)) as BenchModule;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${BENCH_TIMEOUT_MS / 60_000} min`)), BENCH_TIMEOUT_MS);
    });
    const outcome = await Promise.race([mod.run({ cleanup, machine, progress: (l) => progress(`${name}: ${l}`) }), timeout]);
    results.push({ name, title: mod.title, ...outcome });
  } catch (e) {
    errors.push(`${name}: ${(e as Error).stack ?? String(e)}`);
  } finally {
    clearTimeout(timer);
    errors.push(...(await cleanup.runAll()).map((p) => `${name}: ${p}`));
    current = null;
  }
}

for (const r of results) console.log(`\n${textTable(r, machine)}`);
const sections = results.map((r) => markdownSection(r, machine));
if (sections.length) {
  console.log('\n---- markdown for docs/performance.md (or run with --write-docs) ----\n');
  console.log(sections.join('\n\n'));
}
mkdirSync(join(benchDir, 'results'), { recursive: true });
writeFileSync(resultsPath, `${JSON.stringify({ machine, results, errors }, null, 2)}\n`);
console.log(`\nResults written to bench/results/latest.json`);
if (writeDocs) {
  for (const [i, r] of results.entries()) {
    console.log(`docs/performance.md: section ${r.name} ${writeDocsSection(docsPath, r.name, sections[i]!)}`);
  }
}
const failed = results.flatMap((r) => r.failures.map((f) => `${r.name}: ${f}`));
for (const line of [...errors, ...failed]) console.error(`bench: ${line}`);
process.exit(errors.length || failed.length ? 1 : 0);
