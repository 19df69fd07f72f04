import { describe, expect, it } from 'vitest';
import { ipLimitKey } from '../../src/edge/ip-limit-key.js';

describe('ipLimitKey', () => {
  it('keeps IPv4 addresses whole', () => {
    expect(ipLimitKey('203.0.113.7', 64)).toBe('203.0.113.7');
    expect(ipLimitKey('203.0.113.8', 64)).not.toBe(ipLimitKey('203.0.113.7', 64));
  });

  it('counts IPv4-mapped IPv6 as the IPv4 address, in both notations', () => {
    expect(ipLimitKey('::ffff:203.0.113.7', 64)).toBe('203.0.113.7');
    expect(ipLimitKey('::FFFF:cb00:7107', 64)).toBe('203.0.113.7');
    expect(ipLimitKey('0:0:0:0:0:ffff:203.0.113.7', 48)).toBe('203.0.113.7');
    expect(ipLimitKey('::ffff:127.0.0.1', 64)).toBe('127.0.0.1');
  });

  it('counts IPv6 by its /64 by default: full and abbreviated forms of one prefix agree', () => {
    const key = '2001:db8:85a3:42:0:0:0:0/64';
    expect(ipLimitKey('2001:0db8:85a3:0042:0000:8a2e:0370:7334', 64)).toBe(key);
    expect(ipLimitKey('2001:db8:85a3:42::1', 64)).toBe(key);
    expect(ipLimitKey('2001:DB8:85A3:42:ffff:ffff:ffff:ffff', 64)).toBe(key);
    expect(ipLimitKey('2001:db8:85a3:43::1', 64)).not.toBe(key);
  });

  it('honours other prefixes: /48 groups subnets, /128 is the exact address', () => {
    expect(ipLimitKey('2001:db8:85a3:42::1', 48)).toBe('2001:db8:85a3:0:0:0:0:0/48');
    expect(ipLimitKey('2001:db8:85a3:ffff::1', 48)).toBe('2001:db8:85a3:0:0:0:0:0/48');
    expect(ipLimitKey('2001:db8:85a4::1', 48)).not.toBe(ipLimitKey('2001:db8:85a3::1', 48));
    expect(ipLimitKey('2001:db8::1', 128)).toBe('2001:db8:0:0:0:0:0:1/128');
    expect(ipLimitKey('2001:db8::2', 128)).not.toBe(ipLimitKey('2001:db8::1', 128));
    // A prefix that is not a multiple of 16 masks inside a group.
    expect(ipLimitKey('2001:db8:ffff::', 36)).toBe('2001:db8:f000:0:0:0:0:0/36');
  });

  it('handles ::, loopback, brackets and zone ids', () => {
    expect(ipLimitKey('::', 64)).toBe('0:0:0:0:0:0:0:0/64');
    expect(ipLimitKey('::1', 128)).toBe('0:0:0:0:0:0:0:1/128');
    expect(ipLimitKey('::1', 64)).toBe('0:0:0:0:0:0:0:0/64');
    expect(ipLimitKey('fe80::1%eth0', 64)).toBe('fe80:0:0:0:0:0:0:0/64');
    expect(ipLimitKey('fe80::2%2', 64)).toBe(ipLimitKey('fe80::1%eth0', 64));
    expect(ipLimitKey('[2001:db8::1]', 64)).toBe('2001:db8:0:0:0:0:0:0/64');
  });

  it('keeps an embedded IPv4 tail that is not a mapped address as IPv6', () => {
    expect(ipLimitKey('64:ff9b::203.0.113.7', 96)).toBe('64:ff9b:0:0:0:0:0:0/96');
    expect(ipLimitKey('64:ff9b::203.0.113.7', 128)).toBe('64:ff9b:0:0:0:0:cb00:7107/128');
  });

  it('keeps invalid input as its own key, never one shared with a real address', () => {
    for (const input of ['', 'not-an-ip', '2001:db8::g', '1.2.3', '2001:db8:::1', '::ffff:999.0.0.1']) {
      expect(ipLimitKey(input, 64)).toBe(input);
    }
  });
});
