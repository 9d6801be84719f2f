import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { pdfText } from '../instance/src/modules/calls/pdf-text.fixture.ts';
import { adminClient, conveneTilleuls, eventually } from './support/api-client.ts';
import { startInstanceProcess, type InstanceProcess } from './support/instance-process.ts';

/**
 * A general assembly end to end, on a real instance process: convocations received by a real SMTP
 * server (PDF + .ics), a proxy, sign-in, opening with quorum, live votes over WebSocket, closing,
 * and the signed minutes e-mailed to every owner, whose PDF text the test reads back.
 */
interface Mail { rcpt: string[]; raw: Buffer }
const mails: Mail[] = [];
const smtp = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
  onData(stream, session, cb) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => { mails.push({ rcpt: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) }); cb(null); });
  },
});
const dataDir = mkdtempSync(join(tmpdir(), 'koprogo-assembly-'));
let inst: InstanceProcess | null = null;
afterAll(async () => {
  inst?.child.kill('SIGTERM');
  await inst?.exited;
  await new Promise<void>((r) => smtp.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

/** The decoded body of the MIME part whose headers name `filename` (base64). */
function attachmentOf(raw: Buffer, filename: RegExp): Buffer | null {
  const text = raw.toString('latin1');
  const m = new RegExp(`filename="?${filename.source}"?`).exec(text);
  if (!m) return null;
  const start = text.indexOf('\r\n\r\n', m.index) + 4;
  return Buffer.from(text.slice(start, text.indexOf('\r\n--', start)).replace(/\s+/g, ''), 'base64');
}
const textOf = (pdf: Buffer) => pdfText(pdf).replace(/\u0096/g, '–');
describe('a general assembly, end to end', () => {
  it('convenes by e-mail, votes live over WebSocket and e-mails the minutes', async () => {
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    inst = await startInstanceProcess({ KOPROGO_DATA_DIR: dataDir, KOPROGO_PG_PORT: '0', SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'ACP Les Tilleuls <syndic@example.test>', KOPROGO_TEST_MODE: 'true' });
    const admin = await adminClient(inst);
    const { call } = admin;
    const { org, meetingId, meeting: mm, owners, convocation: sent } = await conveneTilleuls(admin);
    const o = `/orgs/${org}`;
    const m = { id: meetingId };
    expect(sent.recipients.map((r: any) => r.channel)).toEqual(['email', 'email', 'email']);

    // Every owner receives the convocation by real SMTP: the PDF in their language and the .ics invitation.
    const convocation = (email: string) => mails.find((x) => x.rcpt.includes(email) && attachmentOf(x.raw, /convocation-[\d-]+\.pdf/));
    await eventually(() => Object.values(owners).every((x) => convocation(x.email)));
    expect(textOf(attachmentOf(convocation(owners.Peeters!.email)!.raw, /convocation-[\d-]+\.pdf/)!)).toContain('Oproeping');
    expect(textOf(attachmentOf(convocation(owners.Weber!.email)!.raw, /convocation-[\d-]+\.pdf/)!)).toContain('Einberufung');
    expect(attachmentOf(convocation(owners.Dubois!.email)!.raw, /invitation\.ics/)!.toString('utf8')).toContain('BEGIN:VEVENT');

    // Weber gives a proxy to Peeters; Dubois is present, Peeters joins remotely, Weber is represented.
    await call('POST', `${mm}/proxies`, { principalPersonId: owners.Weber!.id, holderPersonId: owners.Peeters!.id });
    const tokenOf: Record<string, string> = {};
    for (const [name, mode] of [['Dubois', 'present'], ['Peeters', 'remote'], ['Weber', 'represented']] as const) {
      tokenOf[name] = (await call('POST', `${mm}/attendance`, { personId: owners[name]!.id, mode })).voterToken;
    }
    // The meeting opens on its day: the instance runs in test mode, so its clock moves there (and the session is renewed).
    expect((await call('POST', `${mm}/open`, undefined, [409, 422])).error.code).toBe('meeting.not_yet');
    await call('POST', '/admin/clock', { advanceSeconds: 20 * 86_400 + 7_200 });
    await admin.renew();
    const opened = await call('POST', `${mm}/open`);
    expect(opened.quorum).toMatchObject({ reached: true, ownersPresent: 3 });
    const item = opened.agenda[0].id;

    const live = `${inst.url.replace(/^http/, 'ws')}/api/v1${o}/meetings/${m.id}/live`;
    const connect = async (auth: object) => {
      const ws = new WebSocket(live);
      const msgs: any[] = [];
      ws.addEventListener('message', (e) => msgs.push(JSON.parse(String(e.data))));
      await new Promise<void>((r, j) => { ws.addEventListener('open', () => r()); ws.addEventListener('error', () => j(new Error('ws'))); });
      ws.send(JSON.stringify(auth));
      await eventually(() => msgs.some((x) => x.type === 'ready'));
      return { ws, msgs };
    };
    const chair = await connect({ type: 'auth', token: admin.token() });
    const dubois = await connect({ type: 'voter', voterToken: tokenOf.Dubois });
    const peeters = await connect({ type: 'voter', voterToken: tokenOf.Peeters });
    await call('POST', `${mm}/agenda-items/${item}/open-vote`);
    await eventually(() => dubois.msgs.some((x) => x.type === 'resolution.opened') && peeters.msgs.some((x) => x.type === 'resolution.opened'));
    dubois.ws.send(JSON.stringify({ type: 'vote', itemId: item, choice: 'for', clientVoteId: 'dubois-1' }));
    peeters.ws.send(JSON.stringify({ type: 'vote', itemId: item, choice: 'against', clientVoteId: 'peeters-1' }));
    peeters.ws.send(JSON.stringify({ type: 'vote', itemId: item, choice: 'abstention', clientVoteId: 'weber-1', personId: owners.Weber!.id }));
    await eventually(() => chair.msgs.filter((x) => x.type === 'vote.recorded').length === 3);
    await call('POST', `${mm}/agenda-items/${item}/close-vote`);
    const result = await call('GET', `${mm}/agenda-items/${item}/result`);
    // Peeters carries 300 + Weber's 200 = 500, exactly Dubois' 500: the cap does not bite.
    expect(result).toMatchObject({ for: { numerator: '500' }, against: { numerator: '300' }, abstention: { numerator: '200' }, adopted: true, capped: [] });
    for (const s of [chair, dubois, peeters]) s.ws.close();
    await call('POST', `${mm}/close`);

    await call('POST', `${mm}/minutes/signatures`, { signatures: [{ name: 'A Dubois', role: 'president' }, { name: 'A Peeters', role: 'secretary' }] });
    const minutes = await call('POST', `${mm}/minutes/send`);
    expect(minutes.recipients).toBe(3);
    const minutesMail = (email: string) => mails.find((x) => x.rcpt.includes(email) && attachmentOf(x.raw, /minutes-[\d-]+\.pdf/));
    await eventually(() => Object.values(owners).every((x) => minutesMail(x.email)));
    const pv = textOf(attachmentOf(minutesMail(owners.Weber!.email)!.raw, /minutes-[\d-]+\.pdf/)!);
    expect(pv).toContain('Procès-verbal – Assemblée générale ordinaire');
    expect(pv).toContain('A Weber – représenté par A Peeters – 200');
    expect(pv).toContain('A Peeters – à distance – 300');
    expect(pv).toContain('Majorité requise: majorité absolue');
    expect(pv).toContain('Résultat: Pour 500 – Contre 300 – Abstentions, blancs et nuls 200 (voix exprimées: 800)');
    expect(pv).toContain('ADOPTÉE');
    expect(pv).toContain('Ont voté contre: A Peeters');
    expect(pv).toContain('Se sont abstenus: A Weber');
    expect(pv).toContain('A Dubois (president)');
  });
});
