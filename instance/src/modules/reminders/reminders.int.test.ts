import { describe, expect, it } from 'vitest';
import { createActor, createOrganization } from '../../../test/support/actors.ts';
import { syndicClient } from '../../../test/support/syndic-client.ts';
import { createTestApp } from '../../../test/support/test-app.ts';
import { pdfText } from '../calls/pdf-text.fixture.ts';

/**
 * The reminder ladder walked "as of" successive dates through HTTP on PostgreSQL, as a syndic
 * drives it in 2026 (rules doc §7; BE pack be-collection.ts). Every figure is worked out by hand.
 *
 * Building: 1 000 shares. Lot A 600 shares Jean Dupont (fr, no e-mail: post, address given);
 * lot B 400 shares Piet Janssens (nl, e-mail with written consent: electronic; address given, for the
 * registered FinalNotice, which always goes by post).
 * Call "2026 T1", ordinary, 1 000.00 € due Sat 2026-01-31 → Dupont 600.00 €, Janssens 400.00 €.
 * Settings: consumer-safe (default), Formal fee 7.50 €, FinalNotice fee 7.50 €, postage 1.50 €,
 * registered postage 9.00 €, no clause rate → legal civil rate 2026 = 4.50 % (450 bp), /365.
 *
 * Indemnity caps (collection.indemnity.brackets, rounded down):
 *   Dupont  60 000 > 50 000 → 6 500 + 5 % × (60 000 − 50 000) = 6 500 + 500 = 7 000
 *   Janssens 40 000 ≤ 50 000 → 3 000 + 10 % × (40 000 − 15 000) = 3 000 + 2 500 = 5 500
 * Gentle earliest = due date + 10 days (collection.gentle.delayDays) = 2026-02-10 (a Tuesday).
 * T1 (end of the 14-day grace, R30), both Gentle sent on Tue 2026-02-10:
 *   Janssens by e-mail: grace starts the next day 02-11 → T1 = 02-11 + 14 = 2026-02-25
 *   Dupont by post: grace starts the 3rd working day after sending: Wed 11, Thu 12, Fri 13 → 02-13 → T1 = 2026-02-27
 */

const t = await createTestApp();
const at = (day: string) => t.clock.set(new Date(`${day}T09:00:00Z`), { frozen: true });
at('2026-01-05');
const org = await createOrganization(t.deps, 'Syndic Rappel SRL');
const syndic = await createActor(t.deps, { organizationId: org.id, grants: [{ role: 'syndic' }] });
const accountant = await createActor(t.deps, { organizationId: org.id, grants: [{ role: 'accountant' }] });
const council = await createActor(t.deps, { organizationId: org.id, grants: [{ role: 'council_member' }] });
const notified = async (userId: string) => (await t.deps.sql<{ level: string }[]>`select payload->>'level' as level from notifications
  where user_id = ${userId} and type = 'reminder.sent' order by created_at`).map((n) => n.level);
const { send, ok, get, post } = syndicClient(t, org.id, syndic);
const asAccountant = syndicClient(t, org.id, accountant);

const building = await post('/buildings', {
  name: 'Résidence Les Tilleuls', address: { street: 'Rue des Tilleuls 5', postalCode: '1000', city: 'Bruxelles' },
  enterpriseNumber: '0123.456.749', totalShares: 1000, language: 'fr',
}, 201);
const B = `/buildings/${building.id}`;
const lotA = (await post(`${B}/lots`, { number: 'A', kind: 'apartment', floor: 1, shares: 600 }, 201)).id;
const lotB = (await post(`${B}/lots`, { number: 'B', kind: 'apartment', floor: 2, shares: 400 }, 201)).id;
const dupont = (await post('/persons', { kind: 'natural', firstName: 'Jean', lastName: 'Dupont', language: 'fr',
  address: { street: 'Rue Haute 1', postalCode: '1000', city: 'Bruxelles' } }, 201)).id;
const janssens = (await post('/persons', { kind: 'natural', firstName: 'Piet', lastName: 'Janssens', language: 'nl',
  email: 'piet@example.test', emailConsent: { givenOn: '2025-01-01', proof: 'Formulier 2025-01-01' },
  address: { street: 'Kerkstraat 5', postalCode: '2000', city: 'Antwerpen' } }, 201)).id;
const full = (personId: string) => [{ personId, right: 'full', part: { numerator: 1, denominator: 1 } }];
await post(`${B}/lots/${lotA}/holdings`, { validFrom: '2020-01-01', holdings: full(dupont) }, 201);
await post(`${B}/lots/${lotB}/holdings`, { validFrom: '2020-01-01', holdings: full(janssens) }, 201);
await ok(send('PATCH', `${B}/fund-settings`, { currentAccountIban: 'BE68539007547034', reserveAccountIban: 'BE62510007547061' }));
const call = await post(`${B}/calls`, { fund: 'ordinary', periodLabel: '2026 T1', dueDate: '2026-01-31', totalCents: 100_000 }, 201);
const sentCall = await post(`${B}/calls/${call.id}/send`);
const communication = (personId: string) => sentCall.owners.find((o: any) => o.personId === personId).structuredCommunication as string;

const run = (asOf: string) => post(`${B}/reminders/run?asOf=${asOf}`);
const reminders = async (q = '') => (await get(`${B}/reminders?limit=200${q}`)).items as any[];
const reminderOf = async (personId: string, level: string) =>
  (await reminders(`&personId=${personId}&level=${level}`)).find((r) => r.state !== 'cancelled');
const action = (id: string, verb: string) => send('POST', `${B}/reminders/${id}/${verb}`, {});
const letter = async (id: string) => {
  const res = await send('GET', `${B}/reminders/${id}/letter`) as Awaited<ReturnType<typeof send>> & { headers: Record<string, string>; rawPayload: Buffer };
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  return pdfText(res.rawPayload);
};

describe('reminder settings', () => {
  it('defaults to consumer-safe mode, and switching it off requires a recorded reason, reference and date', async () => {
    expect(await get(`${B}/reminder-settings`)).toMatchObject({ consumerSafe: true, consumerSafeOff: null, autoSendGentle: false });
    const bare = await send('PATCH', `${B}/reminder-settings`, { consumerSafe: false });
    expect(bare.statusCode).toBe(422);
    expect(bare.json().error).toMatchObject({ code: 'reminder.consumer_safe_reason_required', details: { field: 'consumerSafeOff' } });
    const off = await ok(send('PATCH', `${B}/reminder-settings`, { consumerSafe: false,
      consumerSafeOff: { reason: 'ROI art. 12 sets a penalty clause', reference: 'AG 2025-06-12, résolution 9', decidedOn: '2025-06-12' } }));
    expect(off).toMatchObject({ consumerSafe: false, consumerSafeOff: { reference: 'AG 2025-06-12, résolution 9' } });
    const [audit] = await t.deps.sql`select details from audit_log where action = 'reminder_settings.updated' order by id desc limit 1`;
    expect(audit!.details).toMatchObject({ consumerSafe: false, consumerSafeReference: 'AG 2025-06-12, résolution 9' });
    expect(await ok(send('PATCH', `${B}/reminder-settings`, { consumerSafe: true }))).toMatchObject({ consumerSafe: true, consumerSafeOff: null });
  });

  it('refuses a fee above 7.50 € per later reminder (R30), and the accountant may read but not change', async () => {
    const high = await send('PATCH', `${B}/reminder-settings`, { formalFeeCents: 1000 });
    expect(high.statusCode).toBe(422);
    expect(high.json().error).toMatchObject({ code: 'reminder.fee_too_high', details: { maxFeeCents: 750 } });
    expect((await asAccountant.send('PATCH', `${B}/reminder-settings`, { formalFeeCents: 500 })).statusCode).toBe(403);
    expect((await asAccountant.send('GET', `${B}/reminder-settings`)).statusCode).toBe(200);
    expect(await ok(send('PATCH', `${B}/reminder-settings`, {
      formalFeeCents: 750, finalNoticeFeeCents: 750, postageCents: 150, registeredPostageCents: 900,
    }))).toMatchObject({ formalFeeCents: 750, finalNoticeFeeCents: 750, postageCents: 150, registeredPostageCents: 900, clauseRateBp: null });
  });
});

describe('the ladder as of successive dates', () => {
  it('drafts nothing before due date + 10 days', async () => {
    at('2026-02-09');
    expect(await run('2026-02-09')).toMatchObject({ asOf: '2026-02-09', state: 'completed', debtsSeen: 2, drafted: 0 });
    expect(await reminders()).toEqual([]);
  });

  it('drafts one free Gentle reminder per owner on 2026-02-10, announcing the indemnity; a repeated run adds nothing', async () => {
    at('2026-02-10');
    expect(await run('2026-02-10')).toMatchObject({ drafted: 2, trigger: 'api' });
    const d = await reminderOf(dupont, 'Gentle');
    const j = await reminderOf(janssens, 'Gentle');
    expect(d).toMatchObject({ state: 'draft', channel: 'post', principalCents: 60_000, feeCents: 0, postageCents: 0, indemnityCents: 0,
      announcedIndemnityCents: 7_000, interestCents: 0, totalCents: 60_000, t1: '2026-02-27', structuredCommunication: communication(dupont) });
    expect(j).toMatchObject({ state: 'draft', channel: 'electronic', principalCents: 40_000, announcedIndemnityCents: 5_500,
      totalCents: 40_000, t1: '2026-02-25' });
    expect(await run('2026-02-10')).toMatchObject({ drafted: 0, debtsSeen: 2 });
    expect(await reminders()).toHaveLength(2);
  });

  it('sends them (letter archived with its SHA-256, linked to the debt); a second send is 409', async () => {
    for (const personId of [dupont, janssens]) {
      const r = await reminderOf(personId, 'Gentle');
      expect(await ok(action(r.id, 'approve'))).toMatchObject({ state: 'approved', approvedOn: '2026-02-10' });
      const sent = await ok(action(r.id, 'send'));
      expect(sent).toMatchObject({ state: 'sent', sentOn: '2026-02-10', deliveryChannel: personId === dupont ? 'post' : 'email' });
      expect(sent.letterSha256).toMatch(/^[0-9a-f]{64}$/);
      const again = await action(r.id, 'send');
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('reminder.already_sent');
    }
    const deliveries = await t.deps.sql`select d.related_type, d.related_id, r.debt_id from deliveries d
      join reminders r on r.delivery_id = d.id order by d.created_at`;
    expect(deliveries).toHaveLength(2);
    for (const d of deliveries) expect([d.related_type, d.related_id]).toEqual(['debt', d.debt_id]);
    const docs = await t.deps.sql`select count(*)::int as n from archived_documents a join reminders r on r.letter_document_id = a.id
      where a.sha256 = encode(sha256(a.content), 'hex')`;
    expect(docs[0]!.n).toBe(2);
  });

  it('writes the Gentle letter in the owner\'s language with every mention R29 requires', async () => {
    const text = await letter((await reminderOf(dupont, 'Gentle')).id);
    // Last day of the grace = T1 − 1 = 26/02/2026; the announced indemnity 70,00 €; the creditor and its BCE number.
    for (const expected of ['Rappel de paiement', 'Résidence Les Tilleuls', '0123456749', 'Jean Dupont', '2026 T1', '31/01/2026',
      '600,00 €', 'Ce premier rappel est gratuit.', '26/02/2026', '70,00 €', communication(dupont), 'BE68 5390 0754 7034']) {
      expect(text).toContain(expected);
    }
    const nl = await letter((await reminderOf(janssens, 'Gentle')).id);
    expect(nl).toContain('Betalingsherinnering');
    expect(nl).toContain('€ 55,00'); // 5 500 cents announced
    expect(nl).toContain('24-02-2026'); // T1 2026-02-25 − 1
  });

  it('refuses a Formal reminder before T1: 422 with the earliest date', async () => {
    at('2026-02-24');
    expect(await run('2026-02-25')).toMatchObject({ drafted: 1 }); // Janssens only: T1 02-25; Dupont's T1 is 02-27
    const formal = await reminderOf(janssens, 'Formal');
    const early = await action(formal.id, 'approve');
    expect(early.statusCode).toBe(422);
    expect(early.json().error).toMatchObject({ code: 'reminder.too_early', details: { earliestDate: '2026-02-25', level: 'Formal' } });
  });

  it('a disputed debt pauses the ladder; resumed, the next run drafts again', async () => {
    at('2026-03-07');
    const debt = (await get(`${B}/debts?personId=${dupont}`)).items[0];
    const noReason = await send('POST', `${B}/debts/${debt.id}/status`, { status: 'disputed' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().error.code).toBe('debt.reason_required');
    await ok(send('POST', `${B}/debts/${debt.id}/status`, { status: 'disputed', reason: 'Conteste le décompte' }));
    expect(await run('2026-03-07')).toMatchObject({ drafted: 0 });
    expect(await reminderOf(dupont, 'Formal')).toBeUndefined();
    await ok(send('POST', `${B}/debts/${debt.id}/status`, { status: 'open' }));
    expect(await run('2026-03-07')).toMatchObject({ drafted: 1 });
    // Dupont Formal as of 2026-03-07, by post: fee 750 + postage 150; the indemnity at its cap 7 000 (T1 02-27 passed);
    // interest from T1 02-27 to 03-07 exclusive = 8 days: 60 000 × 450 × 8 / (10 000 × 365) = 216 000 000 / 3 650 000
    // = 59.18 → 59. Total 60 000 + 750 + 150 + 7 000 + 59 = 67 959.
    expect(await reminderOf(dupont, 'Formal')).toMatchObject({ state: 'draft', principalCents: 60_000, feeCents: 750, postageCents: 150,
      indemnityCents: 7_000, interestCents: 59, earlierChargesCents: 0, totalCents: 67_959, interestFrom: '2026-02-27',
      interestSegments: [{ from: '2026-02-27', to: '2026-03-07', days: 8, balanceCents: 60_000, rateBp: 450, basis: 'legalCivil' }] });
  });

  it('sends Janssens\' Formal reminder on 2026-03-07 with fee, indemnity and interest', async () => {
    const formal = await reminderOf(janssens, 'Formal');
    await ok(action(formal.id, 'approve'));
    // By e-mail: fee 750, no postage; indemnity cap 5 500; interest from T1 02-25 to 03-07 = 10 days:
    // 40 000 × 450 × 10 / 3 650 000 = 180 000 000 / 3 650 000 = 49.32 → 49. Total 40 000 + 750 + 5 500 + 49 = 46 299.
    expect(await ok(action(formal.id, 'send'))).toMatchObject({ state: 'sent', sentOn: '2026-03-07', feeCents: 750, postageCents: 0,
      indemnityCents: 5_500, interestCents: 49, totalCents: 46_299 });
    // The syndic hears of every reminder sent; the council of the Formal one only (need-to-know, rules doc §7.1).
    expect(await notified(syndic.userId)).toEqual(['Gentle', 'Gentle', 'Formal']);
    expect(await notified(council.userId)).toEqual(['Formal']);
    expect(await notified(accountant.userId)).toEqual([]);
  });

  it('refuses a level that skips one: 422 naming the expected level', async () => {
    const debt = (await get(`${B}/debts?personId=${janssens}`)).items[0];
    const draft = await post(`${B}/debts/${debt.id}/reminders`, { level: 'LegalAction' }, 201);
    const skip = await action(draft.id, 'approve');
    expect(skip.statusCode).toBe(422);
    expect(skip.json().error).toMatchObject({ code: 'reminder.level_skipped', details: { expectedLevel: 'FinalNotice' } });
    expect(await ok(action(draft.id, 'cancel'))).toMatchObject({ state: 'cancelled' });
    expect((await action(draft.id, 'cancel')).statusCode).toBe(409);
  });

  it('a payment settling the debt stops the ladder: the waiting draft is cancelled, none is drafted again', async () => {
    at('2026-03-08');
    const formal = await reminderOf(dupont, 'Formal');
    await ok(send('POST', `${B}/payments`, { amountCents: 60_000, date: '2026-03-08', structuredCommunication: communication(dupont) },
      { 'idempotency-key': 'pay-dupont-1' }), 201);
    // Cancelled in the payment's own transaction (trigger on the allocation), before any run.
    expect(await get(`${B}/reminders/${formal.id}`)).toMatchObject({ state: 'cancelled', cancelReason: 'settled' });
    expect(await run('2026-03-08')).toMatchObject({ drafted: 0 });
    expect((await action(formal.id, 'approve')).statusCode).toBe(409);
    at('2026-03-19');
    expect(await run('2026-03-19')).toMatchObject({ drafted: 0 });
    expect((await reminders(`&personId=${dupont}`)).filter((r) => r.state !== 'cancelled').map((r) => r.level)).toEqual(['Gentle']);
  });

  it('sends the FinalNotice by registered mail 14 days after Formal, then records its tracking number', async () => {
    at('2026-03-20');
    expect(await run('2026-03-20')).toMatchObject({ drafted: 0 }); // Formal 03-07 + 14 = 03-21
    at('2026-03-21');
    expect(await run('2026-03-21')).toMatchObject({ drafted: 1 });
    const final = await reminderOf(janssens, 'FinalNotice');
    await ok(action(final.id, 'approve'));
    // No second indemnity; interest from 02-25 to 03-21 = 24 days: 40 000 × 450 × 24 / 3 650 000 = 432 000 000 / 3 650 000
    // = 118.36 → 118. Earlier charges: Formal fee 750 + indemnity 5 500 = 6 250. A registered letter goes by post although
    // Janssens accepts e-mail: registered postage 900. Total 40 000 + 750 + 900 + 118 + 6 250 = 48 018.
    const sent = await ok(action(final.id, 'send'));
    expect(sent).toMatchObject({ state: 'sent', registeredMail: true, trackingNumber: null, indemnityCents: 0, feeCents: 750,
      postageCents: 900, interestCents: 118, earlierChargesCents: 6_250, totalCents: 48_018, channel: 'post' });
    const text = await letter(final.id);
    for (const expected of ['Ingebrekestelling', 'Aangetekende zending', 'Volgnummer: in te vullen', '€ 480,18', '€ 1,18',
      '04-04-2026', 'vrederechter', communication(janssens)]) {
      expect(text).toContain(expected);
    }
    const tracked = await ok(send('PATCH', `${B}/reminders/${final.id}`, { trackingNumber: 'RR123456785BE' }));
    expect(tracked).toMatchObject({ trackingNumber: 'RR123456785BE', state: 'sent', letterSha256: sent.letterSha256 });
    const gentle = await reminderOf(janssens, 'Gentle');
    const notRegistered = await send('PATCH', `${B}/reminders/${gentle.id}`, { trackingNumber: 'X1' });
    expect(notRegistered.json().error.code).toBe('reminder.not_registered_mail');
  });

  it('shows the owner\'s history: the debt with every reminder and its archived letter', async () => {
    const debt = (await get(`${B}/debts?personId=${janssens}`)).items[0];
    const history = await get(`${B}/debts/${debt.id}`);
    expect(history).toMatchObject({ personId: janssens, amountCents: 40_000, openCents: 40_000, lastLevelSent: 'FinalNotice', status: 'open' });
    expect(history.reminders.map((r: any) => [r.level, r.state, r.sentOn])).toEqual([
      ['Gentle', 'sent', '2026-02-10'], ['Formal', 'sent', '2026-03-07'], ['LegalAction', 'cancelled', null], ['FinalNotice', 'sent', '2026-03-21']]);
    expect(history.reminders.filter((r: any) => r.state === 'sent').every((r: any) => /^[0-9a-f]{64}$/.test(r.letterSha256))).toBe(true);
  });

  it('skips, and lists, a debt a rule refuses (no legal interest rate for 2027 in the pack yet); the run completes', async () => {
    const res = await send('POST', `${B}/reminders/run?asOf=2027-06-01`, {});
    expect(res.statusCode, res.body).toBe(200);
    const [latest] = (await get(`${B}/reminder-runs`)).items;
    expect(latest).toMatchObject({ asOf: '2027-06-01', state: 'completed', errorCode: null });
    expect(latest.skipped.length).toBeGreaterThan(0);
    expect(latest.skipped.every((s: any) => s.code === 'jurisdiction.no_value')).toBe(true);
    expect((await reminders('&level=LegalAction')).filter((r) => r.state !== 'cancelled')).toEqual([]);
  });

  it('keeps a sent reminder immutable in the database', async () => {
    const gentle = await reminderOf(janssens, 'Gentle');
    await expect(t.deps.sql`update reminders set total_cents = total_cents + 1, principal_cents = principal_cents + 1 where id = ${gentle.id}`)
      .rejects.toThrow(/reminder\.immutable/);
  });
});
