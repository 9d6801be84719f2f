import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, safeRequest, vetHost } from './ssrf.ts';

describe('isPublicAddress', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '224.0.0.1', '255.255.255.255', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1',
    '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', 'not-an-ip'])('refuses %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });
  it.each(['1.1.1.1', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2a00:1450:4001::1', '::ffff:8.8.8.8'])('accepts %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
});

describe('safeRequest', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === '/redirect') { res.writeHead(302, { location: 'http://169.254.169.254/' }); res.end(); return; }
      if (req.url === '/big') { res.end(Buffer.alloc(4096, 120)); return; }
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a host resolving to a private address before connecting, unless allowed', async () => {
    const before = hits;
    const resolve = async () => ['127.0.0.1'];
    await expect(safeRequest(`https://peer.example:${port}/`, { method: 'GET', headers: {}, allowPrivate: false, resolve }))
      .rejects.toMatchObject({ reason: 'private_address' });
    await expect(vetHost('rebind.example', { allowPrivate: false, resolve: async () => ['93.184.215.14', '10.0.0.1'] }))
      .rejects.toMatchObject({ reason: 'private_address' }); // every answer is checked
    expect(hits).toBe(before);
    const res = await safeRequest(`http://peer.example:${port}/`, { method: 'GET', headers: {}, allowPrivate: true, resolve });
    expect(res.body.toString()).toBe('ok'); // connected to the vetted address, not a second lookup of peer.example
  });

  it('refuses plain http unless private addresses are allowed, and URLs with credentials', async () => {
    await expect(safeRequest('http://1.1.1.1/', { method: 'GET', headers: {}, allowPrivate: false })).rejects.toMatchObject({ reason: 'bad_url' });
    await expect(safeRequest('https://u:p@1.1.1.1/', { method: 'GET', headers: {}, allowPrivate: false })).rejects.toMatchObject({ reason: 'bad_url' });
  });

  it('never follows redirects and caps the response size', async () => {
    const res = await safeRequest(`http://127.0.0.1:${port}/redirect`, { method: 'POST', headers: {}, body: Buffer.from('{}'), allowPrivate: true });
    expect(res.status).toBe(302);
    await expect(safeRequest(`http://127.0.0.1:${port}/big`, { method: 'GET', headers: {}, allowPrivate: true, maxResponseBytes: 1024 }))
      .rejects.toMatchObject({ reason: 'too_large' });
  });
});
