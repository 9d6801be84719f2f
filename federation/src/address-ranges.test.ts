import { describe, expect, it } from 'vitest';
import { blockedRange } from './address-ranges.ts';
import { isPublicAddress } from './ssrf.ts';

describe('address ranges', () => {
  it('names the range of every non-public address, IPv4 and IPv6, embedded IPv4 included', () => {
    const cases: Array<[string, string | null]> = [
      ['127.0.0.1', 'loopback'], ['10.0.0.1', 'private'], ['172.31.255.255', 'private'], ['172.32.0.1', null], ['192.168.0.1', 'private'],
      ['169.254.169.254', 'link-local'], ['100.64.0.1', 'shared (carrier NAT)'], ['0.0.0.0', 'unspecified'], ['224.0.0.251', 'multicast'],
      ['255.255.255.255', 'reserved'], ['8.8.8.8', null], ['::1', 'loopback'], ['::', 'unspecified'], ['fe80::1%eth0', 'link-local'],
      ['fd00::1', 'unique-local'], ['ff02::1', 'multicast'], ['::ffff:10.0.0.1', 'private'], ['::ffff:8.8.8.8', null],
      ['::ffff:7f00:1', 'loopback'], ['64:ff9b::7f00:1', 'loopback'], ['64:ff9b::808:808', null], ['2002:a9fe:a9fe::1', 'link-local'],
      ['2001:db8::1', 'documentation'], ['2606:4700:4700::1111', null], ['not-an-ip', 'not an address'],
    ];
    for (const [ip, range] of cases) expect(blockedRange(ip), ip).toBe(range);
  });


  it('gives the federation client the same coverage: IPv6 forms carrying a private IPv4 are not public', () => {
    expect(isPublicAddress('2002:0a00:0001::1')).toBe(false); // 6to4 of 10.0.0.1
    expect(isPublicAddress('64:ff9b::a00:1')).toBe(false); // NAT64 of 10.0.0.1
    expect(isPublicAddress('fec0::1')).toBe(false); // site-local
    expect(isPublicAddress('2606:4700::1111')).toBe(true);
    expect(isPublicAddress('not an ip')).toBe(false);
  });
});
