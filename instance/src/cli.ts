import { Command, Option } from 'commander';
import { pino } from 'pino';
import { configDocs, ConfigError, loadConfig, type Config } from './config.ts';
import { systemClock } from './platform/clock.ts';
import { openDatabase, type Pool } from './platform/db.ts';
import { createLogger } from './platform/logger.ts';
import { migrate, MigrationError } from './platform/migrate.ts';
import { startInstance, VERSION } from './main.ts';
import { createInstanceAdmin, seedDemoOrganization } from './cli-commands.ts';
import { runRemindersFromCli } from './modules/reminders/reminders.cli.ts';
import { startQueue } from './platform/queue.ts';
import * as fedCli from './modules/federation/federation.cli.ts';

/** `koprogo` command line. Output for people goes to stdout/stderr here; the server logs through pino. */
const out = (line = '') => process.stdout.write(`${line}\n`);
const fail = (message: string): never => {
  process.stderr.write(`koprogo: ${message}\n`);
  process.exit(1);
};

function config(overrides: Record<string, string | undefined> = {}): Config {
  try {
    return loadConfig(undefined, { overrides });
  } catch (e) {
    if (e instanceof ConfigError) return fail(e.message);
    throw e;
  }
}

/** Runs `fn` with a migrated database (attaching to a running instance's embedded server if there is one). */
async function withDatabase<T>(cfg: Config, fn: (sql: Pool) => Promise<T>): Promise<T> {
  const logger = pino({ level: cfg.logLevel === 'info' ? 'warn' : cfg.logLevel });
  const db = await openDatabase(cfg, logger, { attachToRunning: true });
  try {
    await migrate(db.sql);
    return await fn(db.sql);
  } finally {
    await db.close();
  }
}

const program = new Command('koprogo')
  .description('KoproGo instance: co-ownership management for Belgian owners\' associations')
  .version(VERSION)
  .addHelpText('after', `\nConfiguration (environment variables or a .env file):\n${configDocs.map(([k, v]) => `  ${k.padEnd(26)} ${v}`).join('\n')}`);

program.command('start')
  .description('Start the instance: database (embedded unless DATABASE_URL is set), migrations, job queue, HTTP server')
  .addOption(new Option('-p, --port <port>', 'HTTP port (overrides PORT)'))
  .addOption(new Option('-H, --host <host>', 'HTTP address (overrides HOST)'))
  .action(async (opts: { port?: string; host?: string }) => {
    const cfg = config({ PORT: opts.port, HOST: opts.host });
    const logger = createLogger(cfg);
    const instance = await startInstance(cfg, logger).catch((e: Error) => fail(e.message));
    out(`\nKoproGo ${VERSION} is running at ${instance.url}`);
    out(`  API documentation: ${instance.url}/docs   OpenAPI: ${instance.url}/openapi.json`);
    if (instance.setupToken) {
      out('\n  No administrator yet. Create the first one with this one-time setup token:');
      out(`    curl -X POST ${instance.url}/api/v1/setup -H 'content-type: application/json' \\`);
      out(`      -d '{"token":"${instance.setupToken}","email":"you@example.org","password":"choose-a-long-password","displayName":"Your Name"}'`);
      out('  (or stop the instance and run: npm run koprogo -- create-admin --email you@example.org)');
    }
    out('  Stop with Ctrl+C.\n');
    const onSignal = (signal: string) => {
      logger.info({ signal }, 'signal received');
      instance.stop().then(() => process.exit(0), (e: Error) => { logger.error({ err: e }, 'shutdown failed'); process.exit(1); });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });

program.command('migrate')
  .description('Apply pending database migrations (also done by start)')
  .action(async () => {
    const cfg = config();
    const logger = pino({ level: 'warn' });
    const db = await openDatabase(cfg, logger, { attachToRunning: true });
    try {
      const { applied, current } = await migrate(db.sql);
      out(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Nothing to apply.');
      out(`Database schema at version ${current}.`);
    } catch (e) {
      if (e instanceof MigrationError) fail(e.message);
      throw e;
    } finally {
      await db.close();
    }
  });

program.command('create-admin')
  .description('Create an instance administrator (reads the password from KOPROGO_ADMIN_PASSWORD or standard input)')
  .requiredOption('--email <email>', 'e-mail address used to log in')
  .option('--name <name>', 'display name', 'Administrator')
  .action(async (opts: { email: string; name: string }) => {
    const cfg = config();
    const user = await withDatabase(cfg, (sql) => createInstanceAdmin({ sql, clock: systemClock, config: cfg }, opts))
      .catch((e: Error) => fail(e.message));
    out(`Instance administrator ${user.email} created (id ${user.id}). Log in with POST /api/v1/auth/login.`);
  });

program.command('seed-demo')
  .description('Create a demo organization with 2 buildings, about 30 lots and their owners (French and Dutch names)')
  .option('--admin-email <email>', 'registered user who becomes admin of the demo organization')
  .option('--name <name>', 'name of the demo organization', 'Syndic Démo / Demo Syndicus')
  .action(async (opts: { adminEmail?: string; name: string }) => {
    const cfg = config();
    const result = await withDatabase(cfg, (sql) => seedDemoOrganization({ sql, clock: systemClock }, opts))
      .catch((e: Error) => fail(e.message));
    out(`Demo organization "${opts.name}" (id ${result.organizationId}): ${result.buildings} buildings, ${result.lots} lots, ${result.persons} persons.`);
    if (!opts.adminEmail) out('Grant yourself access with --admin-email, or as instance admin: POST /api/v1/orgs/<id>/roles.');
  });

const reminders = program.command('reminders').description('Payment reminders of owners\' overdue receivables (see docs/reminders.md)');
reminders.command('run')
  .description('Work out who is due for which reminder level as of a date and create the drafts (idempotent: a repeat adds nothing)')
  .requiredOption('--building <id>', 'building id')
  .option('--as-of <date>', 'the date the ladder is read at, YYYY-MM-DD (default: today, Brussels time)')
  .addHelpText('after', '\nSame use case as the daily job and POST /api/v1/orgs/<org>/buildings/<id>/reminders/run. Attaches to a running\n'
    + 'instance\'s database. Drafts are reviewed and approved by the syndic; Gentle reminders are sent at once only when the\n'
    + 'building opted in (autoSendGentle) and the date is today.')
  .action(async (opts: { building: string; asOf?: string }) => {
    const cfg = config();
    const logger = pino({ level: 'warn' });
    const db = await openDatabase(cfg, logger, { attachToRunning: true });
    try {
      await migrate(db.sql);
      const boss = await startQueue(db.url, logger);
      try {
        const run = await runRemindersFromCli({ sql: db.sql, clock: systemClock, config: cfg, boss, logger }, opts)
          .catch((e: Error) => fail(e.message));
        out(`Reminder run for building ${opts.building} as of ${run.asOf}: ${run.debtsSeen} overdue debt(s), `
          + `${run.drafted} draft(s) created, ${run.autoSent} Gentle reminder(s) sent automatically.`);
        for (const s of run.skipped) out(`  skipped owner call ${s.ownerCallId}: ${s.code}`);
      } finally {
        await boss.stop({ graceful: true, close: true });
      }
    } finally {
      await db.close();
    }
  });
const federation = program.command('federation').description('Federation with other KoproGo instances (docs/federation.md)');
const fedRun = (fn: (d: fedCli.CliDeps) => Promise<string[]>) => async () => {
  const cfg = config();
  const lines = await withDatabase(cfg, (sql) => fn({ sql, clock: systemClock, config: cfg, logger: pino({ level: 'silent' }), version: VERSION }))
    .catch((e: Error) => fail(e.message));
  for (const l of lines) out(l);
};
federation.command('identity').description('Our actor, inbox and key fingerprints (give them to peers out of band)')
  .action(fedRun((d) => fedCli.identityLines(d)));
federation.command('peers').description('Allow-listed and blocked peers, their pinned keys and deliveries')
  .action(fedRun((d) => fedCli.peersLines(d)));
federation.command('add <url>').description('Allow a peer: fetch its document and pin the key with this fingerprint')
  .requiredOption('--fingerprint <fp>', 'key fingerprint (SHA256:…) compared with the peer\'s operators')
  .action((url: string, opts: { fingerprint: string }) => fedRun((d) => fedCli.addPeerLines(d, url, opts.fingerprint))());
federation.command('block <host>').description('Block (defederate) a peer; announced to the other peers')
  .option('--reason <labels...>', 'reason labels', ['policy'])
  .action((host: string, opts: { reason: string[] }) => fedRun((d) => fedCli.blockPeerLines(d, host, opts.reason))());
federation.command('rotate-key').description('Create the next signing key and announce it with a continuity proof')
  .option('--overlap-hours <h>', 'hours before the new key signs', '24')
  .action((opts: { overlapHours: string }) => fedRun((d) => fedCli.rotateKeyLines(d, Number(opts.overlapHours)))());
federation.command('outbox').description('Deliveries, newest first')
  .option('--state <state>', 'pending, held, delivered, parked, dead, expired or suspended')
  .action((opts: { state?: string }) => fedRun((d) => fedCli.outboxLines(d, opts.state))());
federation.command('transfers').description('Building transfers offered to this instance')
  .action(fedRun((d) => fedCli.transfersLines(d)));
federation.command('accept <transferId>').description('Accept a building transfer: fetch, verify every hash, import into an organization')
  .requiredOption('--org <orgId>', 'the organization that receives the building')
  .action((id: string, opts: { org: string }) => fedRun((d) => fedCli.acceptTransferLines(d, id, opts.org))());

program.parseAsync().catch((e: Error) => fail(e.message));
