import { BlockList, isIP } from 'node:net';

/**
 * Which addresses are not public: an outbound request chosen by someone else (a webhook URL, a
 * federation peer) must never reach them, or it reaches the database port, the cloud metadata
 * service (169.254.169.254) or any host of the private network (SSRF). IPv4 and IPv6 ranges
 * (IANA special-purpose registries), with IPv6 forms that carry an IPv4 address (mapped, NAT64,
 * 6to4) checked on the IPv4 inside.
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
