import { isIP } from 'node:net';
import type { DnsResolver } from '../../dns/resolver.js';
import { canonicalIp, expandIpv6 } from './network.js';

export interface DnsblListing {
  zone: string;
  /** The A records the zone answered (127.0.0.x return codes). */
  codes: string[];
}

/** The query name for an IP in a DNSBL zone: reversed octets (IPv4) or nibbles (IPv6). */
export function dnsblName(ip: string, zone: string): string {
  const bare = canonicalIp(ip);
  if (isIP(bare) === 4) return `${bare.split('.').reverse().join('.')}.${zone}`;
  const nibbles = expandIpv6(bare)
    .map((g) => g.padStart(4, '0'))
    .join('')
    .split('')
    .reverse()
    .join('.');
  return `${nibbles}.${zone}`;
}

/**
 * A DNSBL listing is an A answer inside 127.0.0.0/8. Answers outside it, and 127.255.255.x (the
 * "query refused / rate limited" codes some lists return to open resolvers), are not listings.
 */
function isListingCode(address: string): boolean {
  return address.startsWith('127.') && !address.startsWith('127.255.255.');
}

/**
 * Queries every zone for one IP through the app's resolver. A zone that does not answer (timeout,
 * SERVFAIL) counts as "not listed": a broken list must not stop mail. `complete` says whether every
 * zone answered, so callers cache only complete answers.
 */
export async function queryDnsbl(
  dns: Pick<DnsResolver, 'resolve'>,
  ip: string,
  zones: readonly string[],
): Promise<{ listings: DnsblListing[]; complete: boolean }> {
  let complete = true;
  const results = await Promise.all(
    zones.map(async (zone): Promise<DnsblListing | undefined> => {
      try {
        const codes = ((await dns.resolve(dnsblName(ip, zone), 'A')) as string[]).filter(isListingCode);
        return codes.length ? { zone, codes } : undefined;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTFOUND' && code !== 'ENODATA') complete = false;
        return undefined;
      }
    }),
  );
  return { listings: results.filter((r): r is DnsblListing => r !== undefined), complete };
}
