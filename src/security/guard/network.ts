import { BlockList, isIP } from 'node:net';

/** The address as listeners should key it: IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes plain IPv4. */
export function canonicalIp(ip: string): string {
  const bare = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  return bare.toLowerCase();
}

/**
 * The source network an account's failures are counted per: /24 for IPv4, /56 for IPv6 (a typical
 * customer allocation). Locking an account per network stops the attacker's network, not the user's.
 */
export function sourceNetwork(ip: string): string {
  const bare = canonicalIp(ip);
  if (isIP(bare) === 4) return `${bare.split('.').slice(0, 3).join('.')}.0/24`;
  const groups = expandIpv6(bare);
  const net = groups.slice(0, 4);
  net[3] = (Number.parseInt(net[3] ?? '0', 16) & 0xff00).toString(16);
  return `${net.join(':')}::/56`;
}

/** The eight groups of an IPv6 address, zero-filled, without leading zeros. */
export function expandIpv6(ip: string): string[] {
  const withoutV4 = ip.includes('.') ? `${ip.slice(0, ip.lastIndexOf(':') + 1)}0:0` : ip;
  const [head = '', tail] = withoutV4.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** Allow-listed networks (`[guard] allow`): never banned, limited or DNSBL-checked. */
export class AllowList {
  private readonly list = new BlockList();
  readonly size: number;

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', bits] = entry.split('/');
      const kind = isIP(address);
      if (kind === 0) throw new RangeError(`not an IP address or network: ${entry}`);
      const type = kind === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(bits), type);
    }
    this.size = entries.length;
  }

  has(ip: string): boolean {
    if (this.size === 0) return false;
    const bare = canonicalIp(ip);
    const kind = isIP(bare);
    if (kind === 0) return false;
    return this.list.check(bare, kind === 4 ? 'ipv4' : 'ipv6');
  }
}
