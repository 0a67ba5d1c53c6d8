import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';

/**
 * Decides whether the client may open a connection to a resolved IP address (the SSRF policy hook).
 * Called at connect time, for every address a name resolves to and for IP-literal hosts, so a DNS
 * answer that changes after validation (rebinding) is still checked. Return false to refuse.
 */
export type AddressCheck = (address: string, context: { hostname: string; family: 4 | 6 }) => boolean;

export const ALLOW_EVERY_ADDRESS: AddressCheck = () => true;

/** A connection the address check refused; permanent for the tile. */
export class AddressNotAllowedError extends Error {
  override readonly name = 'AddressNotAllowedError';

  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(
      hostname === address
        ? `connecting to ${address} is not allowed by the address policy`
        : `connecting to ${address} (resolved from ${hostname}) is not allowed by the address policy`,
    );
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A drop-in for dns.lookup in net.connect / tls.connect options that refuses the connection when any
 * resolved address fails the check. net.connect asks for one address or, with autoSelectFamily (the
 * Node 20 default), for all of them; both shapes are answered.
 */
export function createCheckedLookup(check: AddressCheck) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      const refused = addresses.find(
        (entry) => !check(entry.address, { hostname, family: entry.family === 6 ? 6 : 4 }),
      );
      if (refused) {
        callback(new AddressNotAllowedError(hostname, refused.address), []);
        return;
      }
      if (options.all === true) {
        callback(null, addresses);
        return;
      }
      const first = addresses[0];
      callback(null, first.address, first.family);
    });
  };
}

/** For IP-literal hosts, which net.connect never passes to lookup. undefined when allowed or not a literal. */
export function checkLiteralAddress(
  hostname: string,
  check: AddressCheck,
): AddressNotAllowedError | undefined {
  const family = isIP(hostname);
  if (family === 0) return undefined;
  return check(hostname, { hostname, family: family === 6 ? 6 : 4 })
    ? undefined
    : new AddressNotAllowedError(hostname, hostname);
}
