import { createAddressPolicy, InvalidCidrError } from './address-policy';

const context = { hostname: 'example', family: 4 as const };

describe('createAddressPolicy (SSRF)', () => {
  const strict = createAddressPolicy([]);

  it.each([
    ['169.254.169.254', 'cloud metadata (link-local)'],
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback range'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared address space'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'IPv6 loopback'],
    ['fe80::1', 'IPv6 link-local'],
    ['fd12:3456::1', 'IPv6 unique local'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
  ])('refuses %s (%s)', (address) => {
    expect(strict(address, context)).toBe(false);
  });

  it.each(['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700:4700::1111'])(
    'allows the public address %s',
    (address) => {
      expect(strict(address, context)).toBe(true);
    },
  );

  it('allows internal addresses only inside an allowed CIDR', () => {
    const policy = createAddressPolicy(['127.0.0.1/32', '10.20.0.0/16']);
    expect(policy('127.0.0.1', context)).toBe(true);
    expect(policy('127.0.0.2', context)).toBe(false);
    expect(policy('10.20.5.6', context)).toBe(true);
    expect(policy('10.21.0.1', context)).toBe(false);
    expect(policy('169.254.169.254', context)).toBe(false);
  });

  it('names a malformed CIDR', () => {
    expect(() => createAddressPolicy(['10.0.0.0/33'])).toThrow(InvalidCidrError);
    expect(() => createAddressPolicy(['not-an-ip/8'])).toThrow('"not-an-ip/8" is not a CIDR block');
  });
});
