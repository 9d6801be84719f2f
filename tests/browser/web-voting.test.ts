import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { adminClient, conveneTilleuls } from '../support/api-client.ts';
import { startInstanceProcess, type InstanceProcess } from '../support/instance-process.ts';

/**
 * The web voting pages in a real browser (the system Chromium) against a real instance process:
 * two voters on /vote, the chair on /chair, a vote changed, a connection dropped while a vote is
 * cast, the close, and the exact result on every page. Assertions read the DOM, no screenshots.
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dataDir = mkdtempSync(join(tmpdir(), 'koprogo-web-'));
let inst: InstanceProcess | null = null;
let browser: Browser | null = null;
afterAll(async () => {
  await browser?.close();
  inst?.child.kill('SIGTERM');
  await inst?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Collects what would show a broken page: script errors and CSP refusals. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  return errors;
}

describe('voting from the web', () => {
  it('two voters vote from /vote, the chair follows the live tally on /chair, a dropped voter loses nothing, both see the exact result', async () => {
    inst = await startInstanceProcess({ KOPROGO_DATA_DIR: dataDir, KOPROGO_PG_PORT: '0', KOPROGO_TEST_MODE: 'true' });
    const admin = await adminClient(inst);
    const { call } = admin;
    const t = await conveneTilleuls(admin);
    await call('POST', `${t.meeting}/proxies`, { principalPersonId: t.owners.Weber.id, holderPersonId: t.owners.Peeters.id });
    const tokenOf: Record<string, string> = {};
    for (const [name, mode] of [['Dubois', 'present'], ['Peeters', 'remote'], ['Weber', 'represented']] as const) {
      tokenOf[name] = (await call('POST', `${t.meeting}/attendance`, { personId: t.owners[name].id, mode })).voterToken;
    }
    await call('POST', '/admin/clock', { advanceSeconds: 20 * 86_400 + 7_200 }); // the meeting day
    await admin.renew();

    // The pages are public, typed, and under a strict Content-Security-Policy.
    const html = await fetch(`${inst.url}/vote`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${inst.url}/web/vote.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'] });
    const open = async (locale: string) => {
      const context = await browser!.newContext({ locale });
      const page = await context.newPage();
      return { context, page, errors: watchErrors(page) };
    };

    // The chair logs in on /chair, picks the meeting, opens it, then opens the vote.
    const chair = await open('en-GB');
    await chair.page.goto(`${inst.url}/chair`);
    await chair.page.getByLabel('E-mail').fill(admin.creds.email);
    await chair.page.getByLabel('Password').fill(admin.creds.password);
    await chair.page.getByRole('button', { name: 'Log in' }).click();
    await chair.page.locator('#meetingSelect option').first().waitFor({ state: 'attached' });
    await chair.page.getByRole('button', { name: 'Open', exact: true }).click();
    await chair.page.getByRole('button', { name: 'Open the meeting' }).click();
    await chair.page.getByText('Quorum reached: 3/3 owners').waitFor();
    expect(await chair.page.locator('.attendance li').allTextContents()).toEqual([
      'A Dubois – present – 500', 'A Peeters – remote – 300', 'A Weber – represented – 200']);

    // Two voters open their links (token in the fragment): Dubois' browser speaks French, Peeters' Dutch.
    const link = (token: string) => `${inst!.url}/vote#org=${t.org}&meeting=${t.meetingId}&token=${encodeURIComponent(token)}`;
    const dubois = await open('fr-BE');
    const peeters = await open('nl-BE');
    // Dubois' socket goes through a relay that can lose an acknowledgement and drop the connection.
    const sentByDubois: { type: string; clientVoteId?: string; choice?: string }[] = [];
    let loseNextAck = false;
    await dubois.page.routeWebSocket(/\/live$/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => { sentByDubois.push(JSON.parse(String(m))); server.send(m); });
      server.onMessage((m) => {
        if (loseNextAck && JSON.parse(String(m)).type === 'vote.ack') {
          loseNextAck = false;
          void server.close();
          void ws.close({ code: 3000, reason: 'connection lost' });
          return;
        }
        ws.send(m);
      });
    });
    await dubois.page.goto(link(tokenOf.Dubois!));
    await peeters.page.goto(link(tokenOf.Peeters!));
    await dubois.page.getByText('Aucune résolution n’est ouverte au vote pour l’instant.').waitFor();
    await peeters.page.getByText('Er staat momenteel geen besluit ter stemming.').waitFor();
    await expect.poll(() => dubois.page.locator('#meetingInfo').textContent()).toContain('Assemblée générale ordinaire');

    await chair.page.getByRole('button', { name: 'Open the vote' }).click();
    await dubois.page.getByText('Majorité requise: majorité absolue').waitFor();
    await peeters.page.getByText('Vereiste meerderheid: volstrekte meerderheid').waitFor();
    const item = (voter: Page) => voter.locator('article.item.open');
    // Peeters votes for himself and, as proxy holder, for Weber.
    expect(await item(peeters.page).locator('.ballot h3').allTextContents()).toEqual(['Stem van A Peeters', 'Stem van A Weber']);

    // Dubois votes against, then changes his mind; Peeters votes against.
    const ballot = (voter: Page, personId: string) => item(voter).locator(`.ballot[data-person="${personId}"]`);
    await ballot(dubois.page, t.owners.Dubois.id).getByRole('button', { name: 'Contre' }).click();
    await ballot(dubois.page, t.owners.Dubois.id).getByText('Vote enregistré : Contre').waitFor();
    // The server records the change but its acknowledgement is lost with the connection: the page
    // reconnects and resends the same clientVoteId, which the server does not count twice.
    loseNextAck = true;
    await ballot(dubois.page, t.owners.Dubois.id).getByRole('button', { name: 'Pour' }).click();
    await ballot(dubois.page, t.owners.Dubois.id).getByText('Vote enregistré : Pour').waitFor();
    expect(loseNextAck).toBe(false);
    const sentFor = sentByDubois.filter((m) => m.type === 'vote' && m.choice === 'for');
    expect(sentFor).toHaveLength(2);
    expect(sentFor[1]!.clientVoteId).toBe(sentFor[0]!.clientVoteId);
    expect(sentByDubois.filter((m) => m.type === 'voter')).toHaveLength(2); // it authenticated again
    expect(await ballot(dubois.page, t.owners.Dubois.id).getByRole('button', { name: 'Pour' }).getAttribute('aria-pressed')).toBe('true');
    await ballot(peeters.page, t.owners.Peeters.id).getByRole('button', { name: 'Tegen' }).click();
    await ballot(peeters.page, t.owners.Peeters.id).getByText('Stem geregistreerd: Tegen').waitFor();
    const tally = chair.page.locator('[data-field="tally"]');
    await expect.poll(() => tally.textContent())
      .toBe('Live tally: For 500 – Against 300 – Abstentions, blank and null 0 (votes cast: 800) – 2 ballots');

    // Peeters' connection drops; he votes for Weber meanwhile; the ballot waits, then goes once the network is back.
    await peeters.context.setOffline(true);
    await expect.poll(() => peeters.page.locator('#status').getAttribute('data-state')).toBe('reconnecting');
    await ballot(peeters.page, t.owners.Weber.id).getByRole('button', { name: 'Onthouding' }).click();
    await ballot(peeters.page, t.owners.Weber.id).getByText('Wacht op verzending', { exact: false }).waitFor();
    await peeters.context.setOffline(false);
    await ballot(peeters.page, t.owners.Weber.id).getByText('Stem geregistreerd: Onthouding').waitFor();
    await expect.poll(() => tally.textContent())
      .toBe('Live tally: For 500 – Against 300 – Abstentions, blank and null 200 (votes cast: 800) – 3 ballots');
    // Peeters' own vote survived the reconnection: the server told the page again how he voted.
    await ballot(peeters.page, t.owners.Peeters.id).getByText('Stem geregistreerd: Tegen').waitFor();

    // An hour later the chair's access token has expired: the page renews it with the refresh token it holds.
    await call('POST', '/admin/clock', { advanceSeconds: 3_600 });
    await admin.renew();
    // The chair closes the vote: every page shows the exact result.
    await chair.page.getByRole('button', { name: 'Close the vote' }).click();
    await expect.poll(() => chair.page.locator('[data-field="result"]').textContent())
      .toBe('Vote closed – Adopted – For 500 – Against 300 – Abstentions, blank and null 200 (votes cast: 800) – 3 ballots');
    await dubois.page.getByText('Vote clos').waitFor();
    expect(await dubois.page.locator('article.item.closed .outcome').textContent())
      .toBe('Adoptée – Pour 500 – Contre 300 – Abstentions, blancs et nuls 200 (voix exprimées: 800)');
    await peeters.page.getByText('Stemming gesloten').waitFor();
    expect(await peeters.page.locator('article.item.closed .outcome').textContent())
      .toBe('Aangenomen – Voor 500 – Tegen 300 – Onthoudingen, blanco en ongeldig 200 (uitgebrachte stemmen: 800)');
    const result = await call('GET', `${t.meeting}/agenda-items/${(await call('GET', t.meeting)).agenda[0].id}/result`);
    expect(result).toMatchObject({ ballots: 3, for: { numerator: '500' }, against: { numerator: '300' }, abstention: { numerator: '200' }, adopted: true });

    // The language can be switched on the page.
    await dubois.page.getByLabel('Langue').selectOption('en');
    await dubois.page.getByText('Vote closed').waitFor();
    expect(await dubois.page.locator('article.item.closed .outcome').textContent())
      .toBe('Adopted – For 500 – Against 300 – Abstentions, blank and null 200 (votes cast: 800)');

    for (const p of [dubois, peeters]) expect(p.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    // The chair's only failed request is the close with the expired token, renewed and sent again.
    expect(chair.errors).toEqual([expect.stringMatching(/^401 .*\/close-vote$/), expect.stringContaining('status of 401')]);
  });
});
