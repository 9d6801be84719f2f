import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
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

const RANGES: Array<[string, string, number, 'ipv4' | 'ipv6']> = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'], ['private', '10.0.0.0', 8, 'ipv4'], ['shared (carrier NAT)', '100.64.0.0', 10, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'], ['link-local', '169.254.0.0', 16, 'ipv4'], ['private', '172.16.0.0', 12, 'ipv4'],
  ['IETF protocol assignments', '192.0.0.0', 24, 'ipv4'], ['documentation', '192.0.2.0', 24, 'ipv4'], ['6to4 relay', '192.88.99.0', 24, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'], ['benchmarking', '198.18.0.0', 15, 'ipv4'], ['documentation', '198.51.100.0', 24, 'ipv4'],
  ['documentation', '203.0.113.0', 24, 'ipv4'], ['multicast', '224.0.0.0', 4, 'ipv4'], ['reserved', '240.0.0.0', 4, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'], ['loopback', '::1', 128, 'ipv6'], ['IPv4-compatible', '::', 96, 'ipv6'],
  ['NAT64 local use', '64:ff9b:1::', 48, 'ipv6'], ['discard', '100::', 64, 'ipv6'], ['Teredo', '2001::', 32, 'ipv6'],
  ['benchmarking', '2001:2::', 48, 'ipv6'], ['ORCHID', '2001:10::', 28, 'ipv6'], ['documentation', '2001:db8::', 32, 'ipv6'],
  ['unique-local', 'fc00::', 7, 'ipv6'], ['link-local', 'fe80::', 10, 'ipv6'], ['site-local', 'fec0::', 10, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6'],
];
const lists = new Map<string, BlockList>();
for (const [name, net, prefix, family] of RANGES) {
  let l = lists.get(name);
  if (!l) lists.set(name, l = new BlockList());
  l.addSubnet(net, prefix, family);
}

/** The eight 16-bit groups of an IPv6 address (with "::" and a trailing dotted quad expanded). */
function hextets(ip: string): number[] {
  let s = ip.toLowerCase().split('%')[0]!;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') as [string, string] : [s, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => parseInt(g, 16));
}
const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** The IPv4 address an IPv6 address carries and routes to (mapped, NAT64, 6to4), if any. */
function embeddedIpv4(ip: string): string | null {
  const g = hextets(ip);
  if (g.length !== 8) return null;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return v4(g[6]!, g[7]!); // ::ffff:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4(g[6]!, g[7]!); // 64:ff9b::/96
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!); // 6to4
  return null;
}

/** Why `ip` may not be a webhook target (the name of its range), or null for a public address. */
export function blockedRange(ip: string): string | null {
  const family = isIP(ip);
  if (family === 0) return 'not an address';
  if (family === 6) {
    const inner = embeddedIpv4(ip);
    if (inner) return blockedRange(inner);
  }
  for (const [name, list] of lists) if (list.check(ip, family === 4 ? 'ipv4' : 'ipv6')) return name;
  return null;
}

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
