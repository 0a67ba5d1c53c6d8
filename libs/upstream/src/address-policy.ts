import { BlockList, isIP } from 'node:net';
import type { AddressCheck } from './address-check';

/**
 * Address ranges a tile source must not reach unless an operator allows them: loopback, link-local
 * (169.254.169.254 is the cloud metadata service), private and shared ranges, unspecified, multicast,
 * reserved, and their IPv6 forms. IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are checked as IPv4.
 */
const INTERNAL_RANGES: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

export class InvalidCidrError extends Error {
  override readonly name = 'InvalidCidrError';
}

/**
 * The SSRF policy: public addresses pass; internal ones pass only when inside an allowed CIDR
 * (e.g. "127.0.0.1/32" for a tile server on the same machine, "10.20.0.0/16" for an internal one).
 */
export function createAddressPolicy(allowedCidrs: readonly string[]): AddressCheck {
  const internal = new BlockList();
  for (const [network, prefix, type] of INTERNAL_RANGES) internal.addSubnet(network, prefix, type);
  const allowed = new BlockList();
  for (const cidr of allowedCidrs) {
    const [network, prefixText] = cidr.split('/');
    const type = isIP(network);
    const prefix = Number(prefixText ?? (type === 6 ? 128 : 32));
    if (type === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === 6 ? 128 : 32)) {
      throw new InvalidCidrError(`"${cidr}" is not a CIDR block such as 10.0.0.0/8 or fd00::/8`);
    }
    allowed.addSubnet(network, prefix, type === 6 ? 'ipv6' : 'ipv4');
  }
  return (address) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const candidate = mapped ?? address;
    const type = isIP(candidate) === 6 ? 'ipv6' : 'ipv4';
    if (!internal.check(candidate, type)) return true;
    return allowed.check(candidate, type);
  };
}
