import { isIPv4, isIPv6 } from 'node:net';
import type { Limit } from '../ports/rate-limiter.js';

/**
 * The key a per-IP limit counts under. One IPv6 subscriber usually holds a whole /64 (often a /56
 * or /48), so counting IPv6 addresses one by one gives an attacker 2^64 fresh allowances; they are
 * counted by their first `prefixBits` bits instead (RATE_LIMIT_IPV6_PREFIX). IPv4 and IPv4-mapped
 * IPv6 (`::ffff:1.2.3.4`, what a dual-stack socket reports for IPv4 peers) count per address, as
 * the same key. Only limits use this; sessions and security events keep the full address.
 *
 * An input that is no IP at all (it should not happen: it comes from the socket or proxy-addr)
 * is its own key, so it is still counted rather than let through.
 */
export function ipLimitKey(ip: string, prefixBits: number): string {
  if (isIPv4(ip)) return ip;
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  // A zone id (fe80::1%eth0) names the local interface, not a different host.
  const address = bare.split('%')[0] ?? bare;
  if (!isIPv6(address)) return ip;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high, low] = [groups[6]!, groups[7]!];
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  const bits = Math.max(0, Math.min(128, Math.trunc(prefixBits)));
  const masked = groups.map((group, index) => {
    const keep = Math.max(0, Math.min(16, bits - index * 16));
    return keep === 0 ? 0 : group & ((0xffff << (16 - keep)) & 0xffff);
  });
  return `${masked.map((group) => group.toString(16)).join(':')}/${bits}`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => 0);
  return [...left, ...zeros, ...right];
}

/** The same limit, counted by `keyOf(key)`: how a per-IP limit is made to count IPv6 by prefix. */
export function limitKeyedBy(limit: Limit, keyOf: (key: string) => string): Limit {
  return {
    consume: (key, points) => limit.consume(keyOf(key), points),
    reward: (key, points) => limit.reward(keyOf(key), points),
    peek: (key) => limit.peek(keyOf(key)),
    block: (key, seconds) => limit.block(keyOf(key), seconds),
    reset: (key) => limit.reset(keyOf(key)),
  };
}
