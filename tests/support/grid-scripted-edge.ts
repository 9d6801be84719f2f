import { pino } from 'pino';
import { EdgeDaemon } from '../../edge-node/src/edge-daemon.ts';
import { loadIdentity } from '../../edge-node/src/identity.ts';
import { Journal } from '../../edge-node/src/journal.ts';
import { LlamaEngine, type GenerateRequest, type GenerateResult } from '../../edge-node/src/llm.ts';
import { EdgeState } from '../../edge-node/src/state.ts';

/**
 * A real edge node process (G1's EdgeDaemon: libp2p, hello, MCP draft_generate, progress, signed receipts,
 * real tokenizer counts) whose "model" is scripted: it writes a fixed, valid French reminder with
 * placeholders after `delayMs`, reporting tokens as it goes. The tiny test model writes children's
 * stories, which verification rightly refuses; this keeps the grid's failover paths testable end to end.
 * Usage: node tests/support/grid-scripted-edge.ts <data dir enrolled by `koprogo-edge init`> <delayMs>
 */
const DRAFT = {
  subject: 'Rappel : échéance du {{DUE_DATE}}',
  body: 'Madame, Monsieur {{OWNER_NAME}},\n\nSauf erreur de notre part, le montant de {{AMOUNT_DUE}} échu le {{DUE_DATE}} ne nous est pas encore parvenu. Nous vous remercions de le verser avec la communication {{PAYMENT_REF}}.',
};

class ScriptedEngine extends LlamaEngine {
  readonly delayMs: number;
  constructor(delayMs: number) {
    super();
    this.delayMs = delayMs;
  }
  override async generate(req: GenerateRequest): Promise<GenerateResult> {
    const steps = Math.max(1, Math.ceil(this.delayMs / 50));
    for (let i = 1; i <= steps; i++) {
      if (req.signal.aborted) return { text: '', json: null, stopReason: 'aborted', generatedTokens: i * 4 };
      await new Promise((r) => setTimeout(r, 50));
      req.onTokens?.(i * 4);
    }
    return { text: JSON.stringify(DRAFT), json: DRAFT, stopReason: 'stop', generatedTokens: steps * 4 };
  }
}

const [dir, delay] = process.argv.slice(2);
const state = new EdgeState(dir!);
const identity = (await loadIdentity(state))!;
const enrolment = (await state.readEnrolment())!;
const models = await state.readModels();
const daemon = new EdgeDaemon({
  identity, enrolment, models, bench: [], engine: new ScriptedEngine(Number(delay)), journal: new Journal(state),
  logger: pino({ level: 'warn' }), power: { idleMw: 3_000, loadMw: 9_000, source: 'class-default' }, maxBackoffMs: 500,
});
await daemon.start();
process.stdout.write(`ready ${identity.peerId}\n`);
process.once('SIGTERM', () => void daemon.stop().then(() => process.exit(0)));
