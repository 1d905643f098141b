import type { DnsResolver } from '../../../dns/resolver.js';

export type MxRoute =
  | { kind: 'hosts'; hosts: string[] }
  /** RFC 7505 null MX, or a domain that does not exist: permanent. */
  | { kind: 'none'; reason: string }
  /** A DNS failure worth retrying. */
  | { kind: 'temporary'; reason: string };

const isAbsent = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTFOUND' || code === 'ENODATA';
};

/** MX hosts in preference order (ties keep DNS order); no MX records = the domain itself (RFC 5321 §5.1). */
export async function resolveMxRoute(dns: DnsResolver, domain: string): Promise<MxRoute> {
  try {
    const records = await dns.mx(domain);
    if (records.length === 1 && (records[0]?.exchange === '' || records[0]?.exchange === '.')) {
      return { kind: 'none', reason: 'domain does not accept mail (null MX)' };
    }
    const hosts = records
      .map((r, index) => ({ ...r, index }))
      .sort((a, b) => a.priority - b.priority || a.index - b.index)
      .map((r) => r.exchange.toLowerCase().replace(/\.$/, ''))
      .filter((h) => h !== '');
    if (hosts.length) return { kind: 'hosts', hosts };
  } catch (error) {
    if (!isAbsent(error)) return { kind: 'temporary', reason: 'MX lookup failed' };
  }
  try {
    const addresses = await dns.addresses(domain);
    if (addresses.length) return { kind: 'hosts', hosts: [domain] };
    return { kind: 'none', reason: 'domain has no MX and no address' };
  } catch (error) {
    return isAbsent(error)
      ? { kind: 'none', reason: 'domain has no MX and no address' }
      : { kind: 'temporary', reason: 'address lookup failed' };
  }
}
