import { Resolver } from 'node:dns/promises';

export type RecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'PTR' | 'CNAME' | 'NS';

export interface DnsResolverOptions {
  /** "host:port" entries; empty = the system's resolvers. */
  servers: readonly string[];
  timeoutMs: number;
  /** Upper bound on how long an answer is cached; 0 disables the cache. */
  cacheMaxTtlS: number;
  /** TTL used for record types whose TTL Node does not report. */
  defaultTtlS?: number;
  negativeTtlS?: number;
}

interface CacheEntry {
  expires: number;
  value?: unknown;
  error?: NodeJS.ErrnoException;
}

const MAX_CACHE_ENTRIES = 10_000;

/**
 * The one resolver every lookup goes through (SPF, DKIM, DMARC, MX, MTA-STS, DNSBL, domain checks).
 * `resolve(name, type)` has the shape of `dns.promises.resolve`, so libraries such as mailauth take it as is.
 */
export class DnsResolver {
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly options: DnsResolverOptions) {
    this.resolver = new Resolver({ timeout: options.timeoutMs, tries: 2 });
    if (options.servers.length) this.resolver.setServers([...options.servers]);
  }

  resolve = async (name: string, type: RecordType = 'A'): Promise<unknown> => {
    const key = `${type}:${name.toLowerCase().replace(/\.$/, '')}`;
    const cached = this.cache.get(key);
    if (cached && cached.expires > Date.now()) {
      if (cached.error) throw cached.error;
      return cached.value;
    }
    try {
      const { value, ttl } = await this.query(name, type);
      this.remember(key, { value }, ttl);
      return value;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') {
        this.remember(key, { error: error as NodeJS.ErrnoException }, this.options.negativeTtlS ?? 60);
      }
      throw error;
    }
  };

  async txt(name: string): Promise<string[]> {
    const records = (await this.resolve(name, 'TXT')) as string[][];
    return records.map((chunks) => chunks.join(''));
  }

  async mx(name: string): Promise<Array<{ exchange: string; priority: number }>> {
    return (await this.resolve(name, 'MX')) as Array<{ exchange: string; priority: number }>;
  }

  async addresses(name: string): Promise<string[]> {
    const settled = await Promise.allSettled([this.resolve(name, 'A'), this.resolve(name, 'AAAA')]);
    const found = settled.flatMap((r) => (r.status === 'fulfilled' ? (r.value as string[]) : []));
    if (found.length === 0 && settled[0].status === 'rejected') throw settled[0].reason;
    return found;
  }

  /** Whether the name exists (NXDOMAIN/NODATA = false); other failures are thrown as temporary. */
  async exists(name: string, type: RecordType = 'A'): Promise<boolean> {
    try {
      await this.resolve(name, type);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return false;
      throw error;
    }
  }

  clearCache(): void {
    this.cache.clear();
  }

  private async query(name: string, type: RecordType): Promise<{ value: unknown; ttl: number }> {
    const fallbackTtl = this.options.defaultTtlS ?? 300;
    if (type === 'A' || type === 'AAAA') {
      const records =
        type === 'A'
          ? await this.resolver.resolve4(name, { ttl: true })
          : await this.resolver.resolve6(name, { ttl: true });
      const ttl = Math.min(...records.map((r) => r.ttl), fallbackTtl);
      return { value: records.map((r) => r.address), ttl };
    }
    return { value: await this.resolver.resolve(name, type as 'TXT'), ttl: fallbackTtl };
  }

  private remember(key: string, entry: Omit<CacheEntry, 'expires'>, ttlS: number): void {
    const seconds = Math.min(ttlS, this.options.cacheMaxTtlS);
    if (seconds <= 0) return;
    if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { ...entry, expires: Date.now() + seconds * 1000 });
  }
}
