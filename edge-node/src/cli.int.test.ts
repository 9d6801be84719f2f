import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { GRID_HELLO_PROTOCOL, GridEnrolmentRequestSchema, GridHelloSchema, type GridEnrolmentResponse, type GridHello } from '@koprogo/protocols';
import type { Libp2p } from 'libp2p';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyGridSignature } from './grid-signing.ts';
import { createGridLibp2p } from './libp2p-node.ts';
import { jsonFrames } from './mcp-stream-transport.ts';
import { skipWithoutModel, testModelPath } from './testing/test-model.ts';

/**
 * The `koprogo-edge` command as a volunteer runs it (a real process on Node 24), against a test-side
 * enrolment endpoint that checks the signed claim like the instance does, and a libp2p listener that
 * takes the node's hello.
 */
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
let dir: string;
let http: Server;
let instanceUrl: string;
let instance: Libp2p;
const hellos: GridHello[] = [];
const VALID_TOKEN = 'kge_valid-token-for-tests';

function run(args: string[], opts: { until?: RegExp; timeoutMs?: number } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; kill: () => void }>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '--data-dir', dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timeout: ${stdout} ${stderr}`)); }, opts.timeoutMs ?? 20_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (opts.until?.test(stdout)) resolve({ code: null, stdout, stderr, kill: () => child.kill('SIGTERM') });
    });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, kill: () => undefined }); });
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koprogo-edge-cli-'));
  instance = await createGridLibp2p({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'] });
  await instance.handle(GRID_HELLO_PROTOCOL, async (stream) => {
    const frames = jsonFrames(stream);
    hellos.push(await frames.read(GridHelloSchema));
    await frames.write({ type: 'hello_ack', accepted: true, serverTime: new Date().toISOString(), earnings: { period: '2026-11', approvedJobs: 2, units: 7, cents: 123 } });
    await stream.close();
  });
  http = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/models/stories260K.gguf' && testModelPath) {
      void stat(testModelPath).then((s) => {
        res.writeHead(200, { 'content-length': s.size, etag: '"m1"' });
        createReadStream(testModelPath!).pipe(res);
      });
      return;
    }
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', async () => {
      const parsed = GridEnrolmentRequestSchema.safeParse(JSON.parse(raw));
      const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url !== '/api/v1/grid/enrol' || req.method !== 'POST') return reply(404, { error: { code: 'route.not_found', message: 'no', requestId: 'r' } });
      if (!parsed.success) return reply(400, { error: { code: 'validation', message: parsed.error.message, requestId: 'r' } });
      const { signature, ...claim } = parsed.data;
      if (!await verifyGridSignature(claim.peerId, 'enrol', claim, signature)) return reply(422, { error: { code: 'grid.enrol_bad_signature', message: 'bad signature', requestId: 'r' } });
      if (claim.token !== VALID_TOKEN) return reply(422, { error: { code: 'grid.enrolment_token_invalid', message: 'Unknown, used or expired enrolment token', requestId: 'r' } });
      const body: GridEnrolmentResponse = { peerId: claim.peerId, instancePeerId: instance.peerId.toString(), bootstrapAddr: instance.getMultiaddrs()[0]!.toString(), enrolledAt: new Date().toISOString() };
      reply(201, body);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  instanceUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await instance?.stop();
  await new Promise((r) => http?.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('koprogo-edge command line', () => {
  it('explains a bad token and an unreachable instance, and keeps the identity', async () => {
    const bad = await run(['init', '--instance', instanceUrl, '--token', 'kge_wrong-token-123']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Enrolment refused \(grid.enrolment_token_invalid\).*new enrolment token/);
    const peerId = /identity (12D3KooW\w+)/.exec(bad.stdout)?.[1];
    expect(peerId).toBeDefined();
    expect((await stat(join(dir, 'identity.key'))).mode & 0o777).toBe(0o600);
    const down = await run(['init', '--instance', 'http://127.0.0.1:4', '--token', VALID_TOKEN]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Cannot reach the instance at http:\/\/127.0.0.1:4/);
    expect(down.stdout).toContain(`reusing node identity ${peerId}`);
  });

  it('refuses to start before a model is registered', async () => {
    const ok = await run(['init', '--instance', instanceUrl, '--token', VALID_TOKEN]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`bootstrap address: ${instance.getMultiaddrs()[0]!.toString()}`);
    const start = await run(['start']);
    expect(start.code).toBe(1);
    expect(start.stderr).toMatch(/no usable model registered: run "koprogo-edge models add/);
    const missing = await run(['models', 'add', join(dir, 'nope.gguf')]);
    expect(missing.stderr).toMatch(/model file not found/);
  });

  it.skipIf(skipWithoutModel)('downloads and registers a model, starts, says hello, reports status, and stops on SIGTERM', async () => {
    const add = await run(['models', 'add', `${instanceUrl}/models/stories260K.gguf`, '--name', 'stories']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/sha256 {2}247a25ed/);
    expect(add.stdout).toContain(join(dir, 'models', 'stories260K.gguf'));
    expect(add.stderr).toMatch(/\[#{30}\] 100%/);
    const started = await run(['start', '--log-level', 'error', '--load-watts', '6.5', '--idle-watts', '2', '--availability', 'solar_surplus'], { until: /running as 12D3KooW/ });
    for (let i = 0; i < 200 && hellos.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(hellos).toHaveLength(1);
    expect(hellos[0]!.signedAd.ad.power).toEqual({ idleMw: 2000, loadMw: 6500, source: 'meter' });
    expect(hellos[0]!.signedAd.ad.availability).toEqual({ kind: 'solar_surplus' });
    for (let i = 0; i < 100; i++) {
      if ((await readFile(join(dir, 'run.json'), 'utf8').catch(() => '')).includes('lastAckAt')) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const status = await run(['status']);
    expect(status.stdout).toMatch(/daemon {4}running \(pid \d+\), up 0d 0h 0m, last ad accepted/);
    expect(status.stdout).toContain('earnings  2026-11: 2 approved jobs, 7 work units, 1.23 EUR (as reported by the instance)');
    started.kill();
    for (let i = 0; i < 200 && (await stat(join(dir, 'run.json')).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 25));
    expect((await run(['status'])).stdout).toContain('daemon    not running');
  });
});
