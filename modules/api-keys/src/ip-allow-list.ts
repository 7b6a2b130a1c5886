import { isIPv4, isIPv6 } from 'node:net';
import { DomainError } from '@tradeloom/kernel';
import './errors.js';

/** At most this many entries in one key's allow-list. */
export const ipAllowListSizeMax = 100;

interface Network {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

/** Decides whether a client IP may use a key; built once per key, called per request. */
export type IpAllowListMatcher = (ip: string) => boolean;

/**
 * Checks an allow-list (IPv4 and IPv6 addresses and CIDR ranges) and returns it in canonical form:
 * lower-case compressed IPv6, IPv4-mapped IPv6 written as IPv4, no `/32` or `/128` on single
 * addresses. Throws API_KEY_IP_ALLOW_LIST_INVALID naming the first bad entry.
 */
export function normalizeIpAllowList(entries: readonly string[]): string[] {
  if (entries.length > ipAllowListSizeMax) {
    throw new DomainError(
      'API_KEY_IP_ALLOW_LIST_INVALID',
      `An IP allow-list holds at most ${ipAllowListSizeMax} entries`,
      { sizeMax: ipAllowListSizeMax },
    );
  }
  const seen = new Set<string>();
  const normalized: string[] = [];
  entries.forEach((entry, index) => {
    const network = parseNetwork(entry, index);
    const text = formatNetwork(network);
    if (!seen.has(text)) {
      seen.add(text);
      normalized.push(text);
    }
  });
  return normalized;
}

/** A matcher for a normalized allow-list; an empty list allows every IP. */
export function compileIpAllowList(entries: readonly string[]): IpAllowListMatcher {
  if (entries.length === 0) return () => true;
  const networks = entries.map((entry, index) => parseNetwork(entry, index));
  return (ip) => {
    const address = parseAddress(ip);
    if (address === null) return false;
    return networks.some((network) => contains(network, address));
  };
}

function contains(network: Network, address: { family: 4 | 6; bytes: Uint8Array }): boolean {
  if (network.family !== address.family) return false;
  return prefixEquals(network.bytes, address.bytes, network.prefix);
}

function prefixEquals(left: Uint8Array, right: Uint8Array, bits: number): boolean {
  const whole = bits >>> 3;
  for (let i = 0; i < whole; i++) if (left[i] !== right[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((left[whole] ?? 0) & mask) === ((right[whole] ?? 0) & mask);
}

function invalid(entry: string, index: number, reason: string): DomainError {
  return new DomainError('API_KEY_IP_ALLOW_LIST_INVALID', `IP allow-list entry ${index + 1}: ${reason}`, {
    index,
    entry,
    reason,
  });
}

function parseNetwork(entry: string, index: number): Network {
  const text = entry.trim();
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseAddress(addressText);
  if (address === null) throw invalid(entry, index, 'not an IPv4 or IPv6 address or CIDR range');
  const bitsMax = address.family === 4 && !address.mappedFrom6 ? 32 : 128;
  let prefix = address.family === 4 ? 32 : 128;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bitsMax) {
      throw invalid(entry, index, `the prefix length must be an integer from 0 to ${bitsMax}`);
    }
    prefix = Number(prefixText);
    // An IPv4-mapped range (::ffff:10.0.0.0/104) becomes the IPv4 range it means (10.0.0.0/8).
    if (address.mappedFrom6) {
      if (prefix < 96) throw invalid(entry, index, 'an IPv4-mapped range needs a prefix of at least 96');
      prefix -= 96;
    }
  }
  const network: Network = { family: address.family, bytes: address.bytes, prefix };
  const masked = maskBytes(address.bytes, prefix);
  if (!prefixEquals(masked, address.bytes, address.bytes.length * 8)) {
    throw invalid(
      entry,
      index,
      `host bits are set; the range is ${formatNetwork({ ...network, bytes: masked })}`,
    );
  }
  return network;
}

function maskBytes(bytes: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = (bytes[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

interface Address {
  family: 4 | 6;
  bytes: Uint8Array;
  /** Written as IPv6 (::ffff:a.b.c.d) but an IPv4 address. */
  mappedFrom6: boolean;
}

/** An address as bytes; IPv4-mapped IPv6 (how dual-stack sockets report IPv4 clients) as IPv4. */
function parseAddress(text: string): Address | null {
  if (isIPv4(text)) return { family: 4, bytes: ipv4Bytes(text), mappedFrom6: false };
  // Zone ids (fe80::1%eth0) name an interface of this host, meaningless in an allow-list.
  if (!isIPv6(text) || text.includes('%')) return null;
  const bytes = ipv6Bytes(text);
  const mapped = bytes.subarray(0, 12).every((byte, i) => byte === (i < 10 ? 0 : 0xff));
  if (mapped) return { family: 4, bytes: bytes.slice(12), mappedFrom6: true };
  return { family: 6, bytes, mappedFrom6: false };
}

function ipv4Bytes(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

function ipv6Bytes(text: string): Uint8Array {
  let source = text.toLowerCase();
  const lastColon = source.lastIndexOf(':');
  const tail = source.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Bytes(tail);
    source = `${source.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left = '', right] = source.split('::');
  const head = left === '' ? [] : left.split(':');
  const rest = right === undefined || right === '' ? [] : right.split(':');
  const groups = [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = Number.parseInt(group, 16);
    bytes[i * 2] = value >>> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

function formatNetwork(network: Network): string {
  const bitsMax = network.family === 4 ? 32 : 128;
  const address = network.family === 4 ? Array.from(network.bytes).join('.') : formatIpv6(network.bytes);
  return network.prefix === bitsMax ? address : `${address}/${network.prefix}`;
}

function formatIpv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // The WHATWG URL serializer writes IPv6 hosts in RFC 5952 form (longest zero run compressed).
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}
