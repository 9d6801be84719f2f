#!/usr/bin/env node
import { readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { benchModel } from './bench.ts';
import { progressBar } from './download.ts';
import { defaultPowerProfile, EdgeDaemon, type PowerProfile } from './edge-daemon.ts';
import { enrol } from './enrol.ts';
import { loadIdentity, loadOrCreateIdentity } from './identity.ts';
import { Journal, summarise } from './journal.ts';
import { LlamaEngine } from './llm.ts';
import { createLogger } from './logger.ts';
import { addModel, verifiedModels } from './models.ts';
import { defaultDataDir, EdgeState } from './state.ts';
import { EDGE_NODE_VERSION } from './version.ts';

/** `koprogo-edge`: the volunteer edge node's command line. Output on stdout, logs (JSON) on stderr. */
class CliError extends Error {}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('expected a whole number from 1 to 64');
  return n;
}
function watts(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 10_000) throw new InvalidArgumentError('expected watts, e.g. 6.5');
  return n;
}

const out = (text: string) => process.stdout.write(`${text}\n`);
const stateOf = (cmd: Command) => new EdgeState(resolve(cmd.optsWithGlobals<{ dataDir: string }>().dataDir));

async function requireEnrolment(state: EdgeState) {
  const identity = await loadIdentity(state);
  const enrolment = await state.readEnrolment();
  if (!identity || !enrolment) throw new CliError(`not enrolled yet (data dir ${state.dir}): run "koprogo-edge init --instance <url> --token <token>" first`);
  if (enrolment.peerId !== identity.peerId) throw new CliError(`${state.path('node.json')} belongs to another identity (${enrolment.peerId}); run "koprogo-edge init" again`);
  return { identity, enrolment };
}

async function requireModels(state: EdgeState) {
  const { ok, problems } = await verifiedModels(state);
  for (const p of problems) process.stderr.write(`warning: ${p}\n`);
  if (ok.length === 0) throw new CliError('no usable model registered: run "koprogo-edge models add PATH|URL" (a GGUF file, e.g. Qwen2.5-0.5B-Instruct Q4_K_M)');
  return ok;
}

async function init(this: Command, opts: { instance: string; token: string; operator?: string }) {
  const state = stateOf(this);
  const identity = await loadOrCreateIdentity(state);
  out(`${identity.created ? 'created' : 'reusing'} node identity ${identity.peerId} (${state.path('identity.key')}, mode 0600)`);
  const enrolment = await enrol(identity, { instanceUrl: opts.instance, token: opts.token, operatorAccountId: opts.operator });
  await state.writeEnrolment(enrolment);
  out(`enrolled with ${opts.instance}\nbootstrap address: ${enrolment.bootstrapAddr}\nnext: koprogo-edge models add PATH|URL, then koprogo-edge bench, then koprogo-edge start`);
}

async function modelsAdd(this: Command, source: string, opts: { name?: string }) {
  const state = stateOf(this);
  let lastDraw = 0;
  const entry = await addModel(state, source, {
    name: opts.name,
    onDownloadProgress: (p) => {
      const now = Date.now();
      if (now - lastDraw < 200 && p.received !== p.total) return;
      lastDraw = now;
      process.stderr.write(`\r${progressBar(p)}${p.resumedFrom > 0 ? ' (resumed)' : ''}`);
    },
  }).finally(() => { if (lastDraw > 0) process.stderr.write('\n'); });
  out(`registered ${entry.name}\n  file    ${entry.path}\n  sha256  ${entry.sha256}\n  quant   ${entry.quantisation}, context ${entry.contextSize}, ${(entry.sizeBytes / 1_048_576).toFixed(1)} MB\nthe instance administrator must enable this SHA-256 in the model registry before jobs arrive`);
}

async function modelsList(this: Command) {
  const models = await stateOf(this).readModels();
  if (models.length === 0) out('no model registered (koprogo-edge models add PATH|URL)');
  for (const m of models) out(`${m.sha256}  ${m.quantisation.padEnd(7)} ${m.name}  (${m.path})`);
}

async function bench(this: Command, opts: { runs: number }) {
  const state = stateOf(this);
  const models = await requireModels(state);
  const engine = new LlamaEngine();
  try {
    const results = (await state.readBench()).filter((b) => !models.some((m) => m.sha256 === b.modelSha256));
    for (const model of models) {
      out(`benchmarking ${model.name}…`);
      const r = await benchModel(engine, model, { runs: opts.runs });
      for (const t of r.tried) out(`  threads ${String(t.threads).padStart(2)}: prefill ${t.prefillTokPerSec} tok/s, decode ${t.decodeTokPerSec} tok/s`);
      out(`  best: ${r.threads} thread(s)`);
      results.push(r);
    }
    await state.writeBench(results);
  } finally {
    await engine.dispose();
  }
}

async function start(this: Command, opts: { maxConcurrent: number; logLevel: string; loadWatts?: number; idleWatts?: number; powerSource?: PowerProfile['source']; availability: 'always' | 'solar_surplus' }) {
  const state = stateOf(this);
  const { identity, enrolment } = await requireEnrolment(state);
  const models = await requireModels(state);
  const benchResults = await state.readBench();
  const unbenched = models.filter((m) => !benchResults.some((b) => b.modelSha256 === m.sha256));
  if (unbenched.length > 0) process.stderr.write(`warning: no benchmark for ${unbenched.map((m) => m.name).join(', ')}; run "koprogo-edge bench" so the instance can schedule well\n`);
  const power = await defaultPowerProfile();
  if (opts.loadWatts != null) power.loadMw = Math.round(opts.loadWatts * 1000);
  if (opts.idleWatts != null) power.idleMw = Math.round(opts.idleWatts * 1000);
  if (opts.loadWatts != null || opts.idleWatts != null) power.source = opts.powerSource ?? 'meter';
  const logger = createLogger(opts.logLevel);
  const engine = new LlamaEngine();
  const startedAt = new Date().toISOString();
  const writeRun = (extra: Record<string, unknown>) => writeFile(state.path('run.json'), JSON.stringify({ pid: process.pid, startedAt, ...extra }), { mode: 0o600 });
  const daemon = new EdgeDaemon({
    identity, enrolment, models, bench: benchResults, engine, journal: new Journal(state), logger, power, availability: { kind: opts.availability },
    maxConcurrent: opts.maxConcurrent,
    onUnreachable: (err) => process.stderr.write(`instance unreachable at ${enrolment.bootstrapAddr} (${err.message}); retrying with backoff\n`),
    onBench: (results) => void state.writeBench(results).catch((err) => logger.warn({ err }, 'bench.json not written')),
    onAck: (ack) => void writeRun({ lastAckAt: ack.serverTime, accepted: ack.accepted, code: ack.code }).catch(() => undefined),
  });
  await writeRun({});
  await daemon.start();
  out(`koprogo-edge ${EDGE_NODE_VERSION} running as ${identity.peerId}, serving ${models.length} model(s); Ctrl-C to stop`);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await daemon.stop();
    await engine.dispose();
    await rm(state.path('run.json'), { force: true });
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function status(this: Command, opts: { json?: boolean }) {
  const state = stateOf(this);
  const identity = await loadIdentity(state);
  const enrolment = await state.readEnrolment();
  const models = await state.readModels();
  const summary = summarise(await new Journal(state).entries());
  let run: { pid: number; startedAt: string; lastAckAt?: string; accepted?: boolean; code?: string } | null = null;
  try {
    run = JSON.parse(await readFile(state.path('run.json'), 'utf8'));
  } catch {
    run = null;
  }
  const alive = run != null && running(run.pid);
  const uptimeSec = alive && run ? Math.floor((Date.now() - Date.parse(run.startedAt)) / 1000) : null;
  if (opts.json) {
    out(JSON.stringify({ peerId: identity?.peerId ?? null, instance: enrolment?.instanceUrl ?? null, running: alive, uptimeSec, lastAck: alive ? run : null, models: models.length, ...summary }, null, 2));
    return;
  }
  const fmtUptime = (s: number) => `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  out(`node      ${identity?.peerId ?? 'no identity (koprogo-edge init)'}`);
  out(`instance  ${enrolment?.instanceUrl ?? 'not enrolled'}`);
  out(`daemon    ${alive && run ? `running (pid ${run.pid}), up ${fmtUptime(uptimeSec!)}${run.lastAckAt ? `, last ad ${run.accepted ? 'accepted' : `refused (${run.code})`} ${run.lastAckAt}` : ''}` : 'not running'}`);
  out(`models    ${models.length}`);
  const j = summary.jobs;
  out(`jobs      ${summary.total} (completed ${j.completed}, truncated ${j.truncated}, deadline ${j.deadline}, cancelled ${j.aborted}, failed ${j.failed}, refused ${j.refused})`);
  out(`tokens    ${summary.promptTokens} prompt, ${summary.outputTokens} output; busy ${(summary.busyMs / 1000).toFixed(1)} s`);
  const e = summary.earnings?.earnings;
  out(`earnings  ${e ? `${e.period}: ${e.approvedJobs} approved jobs, ${e.units} work units, ${e.cents == null ? 'amount known when the period closes' : `${(e.cents / 100).toFixed(2)} EUR`} (as reported by the instance)` : 'not reported by the instance yet'}`);
}

export function buildCli(): Command {
  const program = new Command('koprogo-edge')
    .description('Volunteer edge node of the KoproGo grid: writes draft letters with a local LLM for your KoproGo instance.\nIt only ever sees placeholders such as {{OWNER_NAME}}, never personal data.')
    .version(EDGE_NODE_VERSION)
    .addOption(new Option('--data-dir <dir>', 'where the identity, models list, benchmark and journal live').default(defaultDataDir(), '~/.koprogo-edge'))
    .showHelpAfterError();
  program.command('init')
    .description('create this node\'s identity (Ed25519, file mode 0600) and enrol with an instance')
    .requiredOption('--instance <url>', 'the KoproGo instance, e.g. https://syndic.example.be')
    .requiredOption('--token <token>', 'single-use enrolment token from the instance administrator (valid 15 minutes)')
    .option('--operator <accountId>', 'your account id on the instance, if the token does not name it')
    .action(init);
  const models = program.command('models').description('register the GGUF models this node runs');
  models.command('add <pathOrUrl>')
    .description('register a GGUF file (a URL is downloaded, resuming after an interruption) and record its SHA-256')
    .option('--name <name>', 'label shown to the instance (default: the GGUF metadata name)')
    .action(modelsAdd);
  models.command('list').description('list the registered models and their SHA-256').action(modelsList);
  program.command('bench')
    .description('measure tokens/s with all cores and with one fewer, per model, and keep the faster')
    .option('--runs <n>', 'runs per thread count (the best counts)', positiveInt, 2)
    .action(bench);
  program.command('start')
    .description('join the grid: dial the instance, advertise models, serve draft jobs (Ctrl-C or SIGTERM to stop)')
    .option('--max-concurrent <n>', 'jobs at once (1 on a Raspberry Pi)', positiveInt, 1)
    .option('--load-watts <w>', 'measured power under load (default: an estimate for this class of machine)', watts)
    .option('--idle-watts <w>', 'measured power when idle', watts)
    .addOption(new Option('--power-source <source>', 'where the watts come from').choices(['meter', 'rapl', 'class-default']))
    .addOption(new Option('--availability <kind>', 'what the node tells the instance about when it runs (solar_surplus is self-declared)').choices(['always', 'solar_surplus']).default('always'))
    .addOption(new Option('--log-level <level>', 'log level (logs are JSON on stderr)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'))
    .action(start);
  program.command('status')
    .description('jobs, tokens, earnings (as reported by the instance) and uptime, from the local journal')
    .option('--json', 'machine-readable output')
    .action(status);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    const e = err as Error & { code?: string };
    process.stderr.write(`koprogo-edge: ${e.message}\n`);
    process.exitCode = 1;
  }
}

if (import.meta.main) await runCli(process.argv);
