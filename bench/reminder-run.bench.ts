// A reminder run over a 1,000-debt building: drafting (one transaction per debt), the idempotent
// repeat, and automatic sending of Gentle reminders (letter PDF + delivery + event per debt).
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig } from '../instance/src/config.ts';
import { insertLedgerBuilding } from '../instance/src/modules/accounting/accounting.fixture.ts';
import { insertOrganization } from '../instance/src/modules/organizations/organizations.repo.ts';
import { runReminders } from '../instance/src/modules/reminders/reminder-run.service.ts';
import { TestClock } from '../instance/src/platform/clock.ts';
import { connect, type Pool } from '../instance/src/platform/db.ts';
import { migrate } from '../instance/src/platform/migrate.ts';
import { openBenchDatabase } from './lib/database.ts';
import type { BenchModule, Metric } from './lib/report.ts';

export const title = 'Reminder run: 1,000 overdue debts drafted, repeated, and 200 Gentle reminders sent automatically';

const DEBTS = 1_000;
const AUTO = 200;
const at = new Date('2026-01-05T09:00:00Z');

/** A building of `lots` owners, each with a postal address, and one sent call due 2026-01-31 (one owner call each). */
async function overdueBuilding(sql: Pool, orgId: string, lots: number, name: string): Promise<string> {
  const b = await insertLedgerBuilding(sql, orgId, { lots, name });
  await sql`update persons set street = 'Rue 1', postal_code = '1000', city = 'Bruxelles', country = 'BE'
    where id = any(${b.lots.map((l) => l.personId)}::uuid[])`;
  await sql`update buildings set current_account_iban = 'BE68539007547034', reserve_account_iban = 'BE62510007547061' where id = ${b.buildingId}`;
  const [call] = await sql<{ id: string }[]>`insert into calls (organization_id, building_id, fund, charge_kind, period_label, due_date,
      total_cents, status, sent_on, sent_at, entry_id, created_at, updated_at)
    values (${orgId}, ${b.buildingId}, 'ordinary', 'ordinary', 'Bench', '2026-01-31', ${lots * 25_000}, 'sent', '2026-01-05', ${at},
      ${randomUUID()}, ${at}, ${at}) returning id`;
  await sql`insert into owner_calls ${sql(b.lots.map((l, i) => ({
    organization_id: orgId, building_id: b.buildingId, call_id: call!.id, person_id: l.personId, amount_cents: 25_000,
    communication: `${String(i + 1).padStart(10, '0')}${String((i + 1) % 97 || 97).padStart(2, '0')}`, created_at: at,
  })))}`;
  return b.buildingId;
}

export const run: BenchModule['run'] = async (ctx) => {
  ctx.progress('database and migrations');
  const db = await openBenchDatabase(ctx.cleanup, 'reminder-run');
  const sql = connect(db.url, 5);
  ctx.cleanup.defer('close the pool', () => sql.end({ timeout: 5 }));
  await migrate(sql);
  const org = await insertOrganization(sql, 'Bench syndic office', 'syndic_office', at);
  const clock = new TestClock();
  clock.set(new Date('2026-02-10T09:00:00Z'), { frozen: true });
  const config = loadConfig({ NODE_ENV: 'test', KOPROGO_TEST_MODE: 'true', LOG_LEVEL: 'silent' }, { stdoutIsTty: false });
  const deps = { sql, clock, config, boss: null, logger: pino({ level: 'silent' }) };
  const actor = { organizationId: org.id, actorUserId: null, requestId: 'bench' };
  const failures: string[] = [];

  ctx.progress(`building of ${DEBTS} overdue owner calls`);
  const big = await overdueBuilding(sql, org.id, DEBTS, 'Résidence Bench');
  await sql`analyze`;
  let t0 = performance.now();
  const first = await runReminders(deps, actor, big, '2026-02-10', 'api');
  const draftMs = performance.now() - t0;
  if (first.drafted !== DEBTS) failures.push(`first run drafted ${first.drafted}, expected ${DEBTS}`);
  ctx.progress(`drafted ${first.drafted} in ${draftMs.toFixed(0)} ms`);
  await sql`analyze`; // as autovacuum would after 1,000 new reminders and debts
  t0 = performance.now();
  const again = await runReminders(deps, actor, big, '2026-02-10', 'api');
  const repeatMs = performance.now() - t0;
  if (again.drafted !== 0) failures.push(`repeat drafted ${again.drafted}, expected 0`);

  ctx.progress(`building of ${AUTO} owner calls with automatic Gentle sending`);
  const auto = await overdueBuilding(sql, org.id, AUTO, 'Résidence Bench Auto');
  await sql`insert into reminder_settings (organization_id, building_id, auto_send_gentle, updated_at) values (${org.id}, ${auto}, true, ${at})`;
  t0 = performance.now();
  const sent = await runReminders(deps, actor, auto, '2026-02-10', 'api');
  const autoMs = performance.now() - t0;
  if (sent.autoSent !== AUTO) failures.push(`auto run sent ${sent.autoSent}, expected ${AUTO}`);
  const [deliveries] = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where building_id = ${auto}`;
  if (deliveries!.n !== AUTO) failures.push(`${deliveries!.n} deliveries, expected ${AUTO}`);

  const metrics: Metric[] = [
    { label: `Run drafting ${DEBTS} Gentle reminders`, value: `${(draftMs / 1000).toFixed(2)} s (${(draftMs / DEBTS).toFixed(1)} ms per debt)` },
    { label: 'Same run repeated (nothing to do)', value: `${(repeatMs / 1000).toFixed(2)} s (${(repeatMs / DEBTS).toFixed(1)} ms per debt)` },
    { label: `Run with automatic sending, ${AUTO} debts (PDF, delivery, event each)`, value: `${(autoMs / 1000).toFixed(2)} s (${(autoMs / AUTO).toFixed(1)} ms per debt)` },
  ];
  return {
    context: { PostgreSQL: db.version, Database: db.origin },
    metrics,
    notes: [
      'runReminders called directly (the use case of the daily job, the API and the CLI), pool of 5, no job queue.',
      'Each debt is reviewed in its own transaction (crash safety); automatic sending approves then sends each Gentle reminder in two more transactions, rendering the letter with pdf-lib and queueing a postal delivery.',
      'No target in the issue: the figures size the daily job (a 1,000-lot building is drafted well within a minute).',
    ],
    failures,
    data: { draftMs, repeatMs, autoMs },
  };
};
