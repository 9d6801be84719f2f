import { describe, expect, it } from 'vitest';
import { createActor, createOrganization } from '../../../test/support/actors.ts';
import { syndicClient } from '../../../test/support/syndic-client.ts';
import { createTestApp } from '../../../test/support/test-app.ts';
import { DAILY_CRON, DAILY_QUEUE, runJobId, RUN_QUEUE } from './reminders.jobs.ts';

/**
 * The daily job on a real pg-boss: scheduled at start-up, its fan-out queues one run per building
 * as of the (test) clock's today, the run drafts what is due, and a second fan-out the same day
 * queues nothing new (job id derived from building and date).
 */
const t = await createTestApp({ withJobs: true });
const boss = t.deps.boss!;
t.clock.set(new Date('2026-01-05T09:00:00Z'), { frozen: true });
const org = await createOrganization(t.deps, 'Syndic Job SRL');
const syndic = await createActor(t.deps, { organizationId: org.id, grants: [{ role: 'syndic' }] });
const { send, ok, get, post } = syndicClient(t, org.id, syndic);

async function eventually<T>(fn: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 100))) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
  }
}

describe('the daily reminder job', () => {
  it('is scheduled every day at 06:15 Brussels time', async () => {
    const [schedule] = await boss.getSchedules(DAILY_QUEUE);
    expect(schedule).toMatchObject({ name: DAILY_QUEUE, cron: DAILY_CRON, timezone: 'Europe/Brussels' });
  });

  it('runs every building as of today and drafts what is due, once per day', async () => {
    const building = await post('/buildings', { name: 'Résidence Job', address: { street: 'Rue 3', postalCode: '1000', city: 'Bruxelles' },
      totalShares: 100, language: 'fr' }, 201);
    const B = `/buildings/${building.id}`;
    const lot = await post(`${B}/lots`, { number: 'A', kind: 'apartment', shares: 100 }, 201);
    const person = await post('/persons', { kind: 'natural', firstName: 'Anna', lastName: 'Müller', language: 'de' }, 201);
    await post(`${B}/lots/${lot.id}/holdings`, { validFrom: '2020-01-01', holdings: [{ personId: person.id, right: 'full', part: { numerator: 1, denominator: 1 } }] }, 201);
    await ok(send('PATCH', `${B}/fund-settings`, { currentAccountIban: 'BE68539007547034', reserveAccountIban: 'BE62510007547061' }));
    const call = await post(`${B}/calls`, { fund: 'ordinary', periodLabel: '2026 T1', dueDate: '2026-01-31', totalCents: 12_345 }, 201);
    await post(`${B}/calls/${call.id}/send`);

    t.clock.set(new Date('2026-02-10T05:15:00Z'), { frozen: true }); // 06:15 in Brussels
    await boss.send(DAILY_QUEUE, {});
    const [run] = await eventually(async () => {
      const runs = (await get(`${B}/reminder-runs`)).items;
      return runs[0]?.state === 'completed' ? runs : null;
    });
    expect(run).toMatchObject({ asOf: '2026-02-10', trigger: 'job', debtsSeen: 1, drafted: 1 });
    expect((await get(`${B}/reminders`)).items.map((r: any) => [r.level, r.state, r.principalCents])).toEqual([['Gentle', 'draft', 12_345]]);

    await boss.send(DAILY_QUEUE, {});
    await eventually(async () => (await boss.findJobs(DAILY_QUEUE)).filter((j) => j.state === 'completed').length === 2);
    const jobs = await boss.findJobs<{ buildingId: string }>(RUN_QUEUE);
    expect(jobs.filter((j) => j.data.buildingId === building.id).map((j) => j.id)).toEqual([runJobId(building.id, '2026-02-10')]);
    expect((await get(`${B}/reminder-runs`)).items).toEqual([run]);
  });
});
