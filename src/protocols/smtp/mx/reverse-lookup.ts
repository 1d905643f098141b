import net from 'node:net';
import type { DnsResolver } from '../../../dns/resolver.js';

/** The PTR query name of an IPv4 or IPv6 address (in-addr.arpa / ip6.arpa). */
export function ptrName(ip: string): string | undefined {
  if (net.isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (!net.isIPv6(ip)) return undefined;
  const [head = '', tail = ''] = ip.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const full = [...groups(head), ...Array(ip.includes('::') ? missing : 0).fill('0'), ...groups(tail)];
  const nibbles = full.map((g) => g.padStart(4, '0')).join('');
  return `${nibbles.split('').reverse().join('.')}.ip6.arpa`;
}

/** smtp-server's `resolver` option: the client's reverse lookup goes through our one resolver too. */
export function reverseLookupVia(dns: DnsResolver) {
  return {
    reverse(ip: string, callback: (error: Error | null, hostnames?: string[]) => void): void {
      const name = ptrName(ip.replace(/^::ffff:/, ''));
      if (!name) {
        callback(null, []);
        return;
      }
      dns.resolve(name, 'PTR').then(
        (names) => callback(null, names as string[]),
        (error: Error) => callback(error),
      );
    },
  };
}
