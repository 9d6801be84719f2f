import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { blockedRange } from '@koprogo/federation';
import { AppError } from '../../platform/errors.ts';

/**
 * Webhook targets must be public addresses: a webhook is an admin-chosen URL the instance calls on
 * its own, so without this check it reaches the database port, the cloud metadata service
 * (169.254.169.254) or any host of the private network (SSRF). The check runs at creation (a clear
 * 422) and again inside every delivery's connection: the name is resolved, every address checked,
 * and the socket connects to the checked address itself — a name that answered a public address at
 * creation and a private one later (DNS rebinding) is refused. WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true
 * lifts it (development, tests on loopback, a trusted LAN).
 */

const refused = (address: string, range: string, host: string) => new AppError('webhook.private_address',
  `The webhook URL reaches ${address} (${range}): only public addresses are allowed (WEBHOOK_ALLOW_PRIVATE_ADDRESSES)`,
  { field: 'url', host, address, range });

/** The host of a URL as the connection will use it: WHATWG-normalised (2130706433 → 127.0.0.1), IPv6 without brackets. */
export function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

export type Resolve = (host: string) => Promise<string[]>;
export const systemResolve: Resolve = (host) => new Promise((resolve, reject) => {
  dnsLookup(host, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) => (err ? reject(err) : resolve(addresses.map((a) => a.address))));
});

/** How long the creation check waits for DNS; an unresolvable name is accepted then, and checked at each delivery. */
export const CREATE_LOOKUP_TIMEOUT_MS = 3000;

/**
 * At creation: a literal address is checked; `localhost` and `*.localhost` are refused (RFC 6761);
 * a name is resolved and every address checked. A name that does not resolve (yet) is accepted:
 * each delivery checks again before connecting.
 */
export async function checkWebhookUrl(url: string, allowPrivate: boolean, resolve: Resolve = systemResolve): Promise<void> {
  if (allowPrivate) return;
  const host = hostOf(url);
  if (isIP(host)) {
    const range = blockedRange(host);
    if (range) throw refused(host, range, host);
    return;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) throw refused(host, 'loopback', host);
  let addresses: string[];
  try {
    addresses = await Promise.race([resolve(host), new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('timeout')), CREATE_LOOKUP_TIMEOUT_MS).unref())]);
  } catch {
    return;
  }
  for (const a of addresses) {
    const range = blockedRange(a);
    if (range) throw refused(a, range, host);
  }
}

/**
 * A `lookup` for http(s).request: resolves the name, refuses the connection if ANY address is not
 * public, and hands the socket the first checked address (so it connects to what was checked).
 */
export function publicOnlyLookup(resolve: Resolve = systemResolve) {
  return (host: string, options: { all?: boolean }, cb: (err: Error | null, address: string | LookupAddress[], family?: number) => void): void => {
    resolve(host).then((addresses) => {
      for (const a of addresses) {
        const range = blockedRange(a);
        if (range) return cb(refused(a, range, host), '', 0);
      }
      if (addresses.length === 0) return cb(Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) return cb(null, addresses.map((a) => ({ address: a, family: isIP(a) })));
      cb(null, addresses[0]!, isIP(addresses[0]!));
    }, (err: Error) => cb(err, '', 0));
  };
}

/** The literal-address half of the delivery-time check (an IP in the URL never goes through `lookup`). */
export function checkLiteralHost(url: string): void {
  const host = hostOf(url);
  if (!isIP(host)) return;
  const range = blockedRange(host);
  if (range) throw refused(host, range, host);
}
