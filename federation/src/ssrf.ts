import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { blockedRange } from './address-ranges.ts';

/** A public address: one an outbound federation request may reach (see address-ranges.ts). */
export const isPublicAddress = (ip: string): boolean => blockedRange(ip) === null;

export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
  readonly reason: 'bad_url' | 'private_address' | 'dns_failure' | 'too_large' | 'timeout' | 'network';
  constructor(reason: OutboundRefused['reason'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

export interface SafeRequestOptions {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Uint8Array;
  /** Private addresses (and plain http) allowed: tests and closed labs only. */
  allowPrivate: boolean;
  maxResponseBytes?: number;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  /** Injectable resolver (tests); defaults to the system resolver, every answer. */
  resolve?: (host: string) => Promise<string[]>;
}

export interface SafeResponse { status: number; headers: Record<string, string>; body: Buffer }

const systemResolve = async (host: string) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Resolves the host and checks every answer; returns the address to connect to. */
export async function vetHost(host: string, opts: Pick<SafeRequestOptions, 'allowPrivate' | 'resolve'>): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(bare) ? [bare] : await (opts.resolve ?? systemResolve)(bare);
  } catch (e) {
    throw new OutboundRefused('dns_failure', `cannot resolve ${bare}`, { cause: e });
  }
  if (addresses.length === 0) throw new OutboundRefused('dns_failure', `no address for ${bare}`);
  if (!opts.allowPrivate) {
    const bad = addresses.find((a) => !isPublicAddress(a));
    if (bad) throw new OutboundRefused('private_address', `${bare} resolves to a non-public address (${bad})`);
  }
  return addresses[0]!;
}

/**
 * One outbound request for the federation: https (http only with allowPrivate), DNS answers vetted,
 * the socket pinned to the vetted address (no second resolution: defeats DNS rebinding), no redirects
 * followed, connect and total timeouts, response size capped.
 */
export async function safeRequest(url: string, opts: SafeRequestOptions): Promise<SafeResponse> {
  let u: URL;
  try { u = new URL(url); } catch { throw new OutboundRefused('bad_url', 'not a URL'); }
  if (u.protocol !== 'https:' && !(opts.allowPrivate && u.protocol === 'http:')) throw new OutboundRefused('bad_url', 'https only');
  if (u.username || u.password) throw new OutboundRefused('bad_url', 'credentials in URL');
  const address = await vetHost(u.hostname, opts);
  const family = isIP(address);
  const max = opts.maxResponseBytes ?? 1024 * 1024;
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SafeResponse>((resolveOnce, rejectOnce) => {
    let settled = false;
    const done = (r: SafeResponse) => { if (!settled) { settled = true; resolveOnce(r); } };
    const fail = (e: unknown) => { if (!settled) { settled = true; rejectOnce(e); } };
    const req = send(u, {
      method: opts.method,
      headers: { ...opts.headers, ...(opts.body ? { 'content-length': String(opts.body.byteLength) } : {}) },
      // The socket connects to the vetted address only: no second resolution (DNS rebinding).
      lookup: (_h, o, cb) => {
        if ((o as { all?: boolean }).all) (cb as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
        else (cb as (e: null, a: string, f: number) => void)(null, address, family);
      },
      timeout: opts.connectTimeoutMs ?? 5000,
      servername: isIP(u.hostname) ? undefined : u.hostname,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > max) {
          clearTimeout(total);
          fail(new OutboundRefused('too_large', `response above ${max} bytes`));
          res.destroy();
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(total);
        if (size > max) return;
        const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
        done({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', (e) => { clearTimeout(total); fail(e); });
    });
    const total = setTimeout(() => req.destroy(new OutboundRefused('timeout', 'request took too long')), opts.totalTimeoutMs ?? 15_000);
    req.on('timeout', () => req.destroy(new OutboundRefused('timeout', 'connect timeout')));
    req.on('error', (e) => {
      clearTimeout(total);
      fail(e instanceof OutboundRefused ? e : new OutboundRefused('network', e.message, { cause: e }));
    });
    req.end(opts.body);
  });
}
