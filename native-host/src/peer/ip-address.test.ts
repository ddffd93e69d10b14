import { describe, expect, it } from 'vitest';
import { addressGroup, ipBytes, isLocalOnly } from './ip-address.js';
import { defined } from '../../../shared/defined.js';

describe('isLocalOnly', () => {
  it('flags loopback, unspecified, link-local, multicast and broadcast, in every spelling', () => {
    for (const ip of [
      '127.0.0.1', '127.8.9.10', '0.0.0.0', '0.1.2.3', '169.254.1.1', '224.0.0.1', '255.255.255.255',
      '::1', '::', '[::1]', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'ff02::1',
      '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:a9fe:101', '0:0:0:0:0:0:0:1',
    ]) {
      expect(isLocalOnly(ip), ip).toBe(true);
    }
  });

  it('lets public and private network addresses through, and is false for names', () => {
    for (const ip of ['203.0.113.7', '198.18.0.1', '10.0.0.1', '192.168.1.20', '172.16.0.1', '2001:db8::1', 'fec0::1', '::ffff:203.0.113.7', 'localhost', 'example.org']) {
      expect(isLocalOnly(ip), ip).toBe(false);
    }
  });
});

describe('ipBytes', () => {
  it('maps IPv4 into IPv6 and expands :: compression', () => {
    expect(Buffer.from(defined(ipBytes('1.2.3.4'))).toString('hex')).toBe('00000000000000000000ffff01020304');
    expect(Buffer.from(defined(ipBytes('2001:db8::1'))).toString('hex')).toBe('20010db8000000000000000000000001');
    expect(Buffer.from(defined(ipBytes('::ffff:1.2.3.4'))).toString('hex')).toBe('00000000000000000000ffff01020304');
    expect(ipBytes('nope')).toBeNull();
  });
});

describe('addressGroup', () => {
  it('is the IPv4 address (mapped or not) and the /64 of an IPv6 one', () => {
    expect(addressGroup('203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe('2001:0db8:0001:0002::/64');
    expect(addressGroup('2001:db8:1:2:bbbb::9')).toBe(addressGroup('2001:db8:1:2::1'));
    expect(addressGroup('2001:db8:1:3::1')).not.toBe(addressGroup('2001:db8:1:2::1'));
  });
});
