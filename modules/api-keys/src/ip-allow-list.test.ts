// Proves IP allow-lists: IPv4/IPv6 addresses and CIDR ranges are checked and written canonically,
// bad entries are refused with their position, and matching honours prefixes (including IPv6
// ranges and IPv4 clients reported as IPv4-mapped IPv6 by dual-stack sockets).
import { DomainError } from '@tradeloom/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileIpAllowList, ipAllowListSizeMax, normalizeIpAllowList } from './ip-allow-list.js';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('normalizeIpAllowList', () => {
  it('writes entries canonically and drops duplicates', () => {
    expect(
      normalizeIpAllowList([
        ' 203.0.113.7 ',
        '203.0.113.7/32',
        '10.0.0.0/8',
        '2001:DB8:0:0:0:0:0:0001',
        '2001:db8::/32',
        '::ffff:192.0.2.1',
        '::ffff:198.51.100.0/120',
        '::1/128',
        '0.0.0.0/0',
        '::/0',
      ]),
    ).toEqual([
      '203.0.113.7',
      '10.0.0.0/8',
      '2001:db8::1',
      '2001:db8::/32',
      '192.0.2.1',
      '198.51.100.0/24',
      '::1',
      '0.0.0.0/0',
      '::/0',
    ]);
  });

  it.each([
    ['localhost', 'not an IPv4 or IPv6 address'],
    ['256.1.1.1', 'not an IPv4 or IPv6 address'],
    ['10.0.0.0/33', 'from 0 to 32'],
    ['2001:db8::/129', 'from 0 to 128'],
    ['10.0.0.0/08', 'from 0 to 32'],
    ['10.0.0.0/', 'from 0 to 32'],
    ['10.0.0.1/8', 'host bits are set; the range is 10.0.0.0/8'],
    ['2001:db8::1/32', 'host bits are set; the range is 2001:db8::/32'],
    ['fe80::1%eth0', 'not an IPv4 or IPv6 address'],
    ['::ffff:10.0.0.0/64', 'at least 96'],
    ['', 'not an IPv4 or IPv6 address'],
  ])('refuses %j (%s)', (entry, reason) => {
    const error = errorOf(() => normalizeIpAllowList(['192.0.2.1', entry]));
    expect(error.code).toBe('API_KEY_IP_ALLOW_LIST_INVALID');
    expect(error.message).toContain('entry 2');
    expect(error.message).toContain(reason);
    expect(error.details).toMatchObject({ index: 1, entry });
  });

  it(`refuses more than ${ipAllowListSizeMax} entries`, () => {
    const entries = Array.from({ length: ipAllowListSizeMax + 1 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    expect(errorOf(() => normalizeIpAllowList(entries)).code).toBe('API_KEY_IP_ALLOW_LIST_INVALID');
    expect(normalizeIpAllowList(entries.slice(1))).toHaveLength(ipAllowListSizeMax);
  });
});

describe('compileIpAllowList', () => {
  it('an empty list allows everyone', () => {
    expect(compileIpAllowList([])('198.51.100.1')).toBe(true);
  });

  it('matches single IPv4 addresses and ranges, including IPv4-mapped clients', () => {
    const allows = compileIpAllowList(normalizeIpAllowList(['127.0.0.1', '10.20.0.0/16']));
    expect(allows('127.0.0.1')).toBe(true);
    expect(allows('::ffff:127.0.0.1')).toBe(true);
    expect(allows('127.0.0.2')).toBe(false);
    expect(allows('10.20.255.1')).toBe(true);
    expect(allows('10.21.0.1')).toBe(false);
    expect(allows('::1')).toBe(false);
    expect(allows('not an ip')).toBe(false);
  });

  it('matches IPv6 addresses and CIDR ranges, on odd prefix lengths too', () => {
    const allows = compileIpAllowList(normalizeIpAllowList(['2001:db8:abcd::/48', '::1', 'fc00::/7']));
    expect(allows('2001:db8:abcd:12::1')).toBe(true);
    expect(allows('2001:DB8:ABCD:FFFF:FFFF:FFFF:FFFF:FFFF')).toBe(true);
    expect(allows('2001:db8:abce::1')).toBe(false);
    expect(allows('::1')).toBe(true);
    expect(allows('::2')).toBe(false);
    expect(allows('fc00::1')).toBe(true);
    expect(allows('fdff:ffff::1')).toBe(true);
    expect(allows('fe00::1')).toBe(false);
    expect(allows('127.0.0.1')).toBe(false);
  });

  it('an IPv4 range contains exactly the addresses sharing its first `prefix` bits', () => {
    const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
    fc.assert(
      fc.property(ipv4, ipv4, fc.integer({ min: 0, max: 32 }), (network, client, prefix) => {
        const toInt = (bytes: number[]) => bytes.reduce((sum, byte) => sum * 256 + byte, 0);
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const base = (toInt(network) & mask) >>> 0;
        const text = [24, 16, 8, 0].map((shift) => (base >>> shift) & 255).join('.');
        const allows = compileIpAllowList(normalizeIpAllowList([`${text}/${prefix}`]));
        const expected = (toInt(client) & mask) >>> 0 === base;
        expect(allows(client.join('.'))).toBe(expected);
      }),
    );
  });
});
