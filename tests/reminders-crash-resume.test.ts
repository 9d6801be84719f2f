import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startInstanceProcess, type InstanceProcess } from './support/instance-process.ts';

/**
 * A reminder run killed with SIGKILL half-way, then the instance restarted: the run completes by
 * itself (the start-up sweep gives unfinished runs a pg-boss job) with no duplicate reminder and no
 * duplicate delivery. Real processes: `koprogo start` in test mode on the embedded PostgreSQL.
 *
 * One building, OWNERS owners with a postal address (letters go by post) and a lot each; one call
 * due 11 days ago (so every owner call is due for Gentle today); the building opted into automatic
 * sending of Gentle reminders, so each debt costs a draft, a letter PDF, a delivery and an event.
 */
const OWNERS = 120;
const dataDir = mkdtempSync(join(tmpdir(), 'koprogo-reminders-e2e-'));
const env = { KOPROGO_DATA_DIR: dataDir, KOPROGO_PG_PORT: '0', KOPROGO_TEST_MODE: 'true' };
let inst: InstanceProcess | null = null;
afterAll(async () => {
  if (inst && inst.child.exitCode === null) { inst.child.kill('SIGKILL'); await inst.exited; }
  rmSync(dataDir, { recursive: true, force: true });
});

const brusselsDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const today = brusselsDate(new Date());
const dueDate = brusselsDate(new Date(Date.now() - 11 * 86_400_000));

function api(base: () => string, token: () => string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base()}${path}`, {
      method, headers: { authorization: `Bearer ${token()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
}

describe('reminder run: crash and resume', () => {
  it('completes after SIGKILL and restart, with one reminder and one delivery per debt', { timeout: 180_000 }, async () => {
    inst = await startInstanceProcess(env);
    const setupToken = /"token":"(setup_[^"]+)"/.exec(inst.stdout())![1]!;
    const creds = { email: 'syndic@example.org', password: 'syndic-password-123' };
    expect((await fetch(`${inst.url}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: setupToken, ...creds, displayName: 'Syndic' }) })).status).toBe(201);
    let token = '';
    const login = async () => {
      const r = await fetch(`${inst!.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(creds) });
      token = ((await r.json()) as { accessToken: string }).accessToken;
    };
    await login();
    const call = api(() => `${inst!.url}/api/v1`, () => token);
    const ok = async (p: Promise<{ status: number; json: any }>, status = 200) => {
      const r = await p;
      if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.json)}`);
      return r.json;
    };
    const org = await ok(call('POST', '/organizations', { name: 'Crash Test SRL', kind: 'syndic_office', adminEmail: creds.email }), 201);
    const O = `/orgs/${org.id}`;
    const building = await ok(call('POST', `${O}/buildings`, { name: 'Résidence Crash', address: { street: 'Rue 1', postalCode: '1000', city: 'Bruxelles' },
      totalShares: OWNERS, language: 'fr' }), 201);
    const B = `${O}/buildings/${building.id}`;
    for (let i = 1; i <= OWNERS; i++) {
      const lot = await ok(call('POST', `${B}/lots`, { number: `L${i}`, kind: 'apartment', shares: 1 }), 201);
      const person = await ok(call('POST', `${O}/persons`, { kind: 'natural', firstName: 'Owner', lastName: `N${i}`, language: i % 2 ? 'fr' : 'nl',
        address: { street: `Rue ${i}`, postalCode: '1000', city: 'Bruxelles' } }), 201);
      await ok(call('POST', `${B}/lots/${lot.id}/holdings`, { validFrom: '2020-01-01',
        holdings: [{ personId: person.id, right: 'full', part: { numerator: 1, denominator: 1 } }] }), 201);
    }
    await ok(call('PATCH', `${B}/fund-settings`, { currentAccountIban: 'BE68539007547034', reserveAccountIban: 'BE62510007547061' }));
    const created = await ok(call('POST', `${B}/calls`, { fund: 'ordinary', periodLabel: 'Crash', dueDate, totalCents: OWNERS * 10_000 }), 201);
    await ok(call('POST', `${B}/calls/${created.id}/send`));
    await ok(call('PATCH', `${B}/reminder-settings`, { autoSendGentle: true }));

    // The run, through the API; killed as soon as some reminders exist and before all do.
    const pending = call('POST', `${B}/reminders/run?asOf=${today}`).catch(() => null);
    let seen = 0;
    for (const end = Date.now() + 60_000; Date.now() < end;) {
      seen = (await ok(call('GET', `${B}/reminders?limit=1&state=sent`))).total;
      if (seen >= 5) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    inst.child.kill('SIGKILL');
    await inst.exited;
    expect(await pending).toBeNull(); // the request died with the process
    expect(seen).toBeGreaterThanOrEqual(5);
    expect(seen).toBeLessThan(OWNERS);

    // Restart: the unfinished run is resumed by a job, nobody repeats it by hand.
    inst = await startInstanceProcess(env);
    expect(inst.stdout()).toContain('unfinished reminder run resumed');
    await login();
    let runs: any[] = [];
    for (const end = Date.now() + 90_000; Date.now() < end;) {
      runs = (await ok(call('GET', `${B}/reminder-runs`))).items;
      if (runs[0]?.state === 'completed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ asOf: today, state: 'completed', trigger: 'api', debtsSeen: OWNERS });

    const reminders = (await ok(call('GET', `${B}/reminders?limit=200`))).items as any[];
    expect(reminders).toHaveLength(OWNERS);
    expect(new Set(reminders.map((r) => r.debtId)).size).toBe(OWNERS);
    expect(reminders.every((r) => r.level === 'Gentle' && r.state === 'sent' && r.deliveryChannel === 'post')).toBe(true);
    const deliveries = (await ok(call('GET', `${O}/deliveries?limit=200&buildingId=${building.id}`))).items as any[];
    expect(deliveries).toHaveLength(OWNERS);
    expect(new Set(deliveries.map((d) => d.related.id))).toEqual(new Set(reminders.map((r) => r.debtId)));
    expect(new Set(reminders.map((r) => r.deliveryId))).toEqual(new Set(deliveries.map((d) => d.id)));

    // The CLI, attached to the running instance: the same run again changes nothing.
    const cli = await runCli(['reminders', 'run', '--building', building.id, '--as-of', today], env);
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toContain(`as of ${today}: ${OWNERS} overdue debt(s), 0 draft(s) created, 0 Gentle reminder(s) sent automatically.`);
    expect((await ok(call('GET', `${O}/deliveries?limit=1&buildingId=${building.id}`))).total).toBe(OWNERS);
    const help = await runCli(['reminders', 'run', '--help'], env);
    expect(help.stdout).toContain('--as-of <date>');

    inst.child.kill('SIGTERM');
    expect(await inst.exited).toBe(0);
  });
});
