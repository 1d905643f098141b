import https from 'node:https';
import { parsePolicy, resolvePolicy, validateMx } from 'mailauth/lib/mta-sts.js';
import type { DnsResolver } from '../../../dns/resolver.js';
import type { Logger } from '../../../log/logger.js';
import { TLS_POLICY } from '../../../net/tls.js';
import type { MtaStsPolicyStore } from './mta-sts-cache.js';

export interface MtaStsPolicy {
  id: string;
  mode: 'enforce' | 'testing' | 'none';
  mx: string[];
  maxAge: number;
  /** Epoch ms after which the cached policy is no longer used. */
  expiresAt: number;
}

export interface MtaStsOptions {
  dns: DnsResolver;
  log: Logger;
  /** Trusted roots for the policy host's certificate (system roots plus any configured extra CA). */
  ca: string[];
  /** 443 per RFC 8461; tests point it at their HTTPS server. */
  port?: number;
  timeoutMs?: number;
  /** Keeps known policies across restarts; without it they live in memory only. */
  store?: MtaStsPolicyStore;
}

const MAX_POLICY_BYTES = 64 * 1024;

/**
 * RFC 8461 policy discovery: `_mta-sts` TXT through our resolver, the policy fetched over HTTPS with
 * full certificate validation (never disabled), cached by id until `max_age` runs out.
 */
export class MtaStsResolver {
  private readonly cache: Map<string, MtaStsPolicy>;

  constructor(private readonly options: MtaStsOptions) {
    this.cache = options.store?.load() ?? new Map();
  }

  /** The policy to apply to `domain`, or undefined when it has none (or none could be obtained). */
  async policyFor(domain: string): Promise<MtaStsPolicy | undefined> {
    const cached = this.cache.get(domain);
    const usable = cached && cached.expiresAt > Date.now() ? cached : undefined;
    let id: string | false;
    try {
      id = await resolvePolicy(domain, { resolver: this.options.dns.resolve as never });
    } catch {
      // A DNS failure must not downgrade a domain we know enforces TLS (§5.1).
      return usable;
    }
    if (!id) return usable;
    if (usable && usable.id === id) return usable;
    try {
      const text = await this.fetch(domain);
      const parsed = parsePolicy(text) as { mode: MtaStsPolicy['mode']; mx?: string[]; maxAge: number };
      const policy: MtaStsPolicy = {
        id,
        mode: parsed.mode,
        mx: parsed.mx ?? [],
        maxAge: parsed.maxAge,
        expiresAt: Date.now() + parsed.maxAge * 1000,
      };
      this.cache.set(domain, policy);
      this.remember();
      this.options.log.info({ domain, mode: policy.mode }, 'mta-sts policy fetched');
      return policy;
    } catch (error) {
      this.options.log.warn({ domain, reason: (error as Error).message }, 'mta-sts policy fetch failed');
      return usable;
    }
  }

  private remember(): void {
    try {
      this.options.store?.save(this.cache);
    } catch (error) {
      this.options.log.warn({ reason: (error as Error).message }, 'mta-sts policy cache not saved');
    }
  }

  /** Whether an MX host name matches one of the policy's `mx` patterns (wildcards per §4.1). */
  static matches(host: string, policy: MtaStsPolicy): boolean {
    return validateMx(host.replace(/\.$/, ''), policy as never).valid;
  }

  private async fetch(domain: string): Promise<string> {
    const host = `mta-sts.${domain}`;
    const [address] = await this.options.dns.addresses(host);
    if (!address) throw new Error(`no address for ${host}`);
    return new Promise((resolve, reject) => {
      const request = https.request(
        {
          host: address,
          port: this.options.port ?? 443,
          path: '/.well-known/mta-sts.txt',
          method: 'GET',
          headers: { host },
          servername: host,
          ca: this.options.ca,
          rejectUnauthorized: true,
          minVersion: TLS_POLICY.minVersion,
          timeout: this.options.timeoutMs ?? 15_000,
          agent: false,
        },
        (response) => {
          // §3.3: no redirects, 200 only, text/plain.
          if (response.statusCode !== 200) {
            response.resume();
            return reject(new Error(`policy host answered HTTP ${response.statusCode}`));
          }
          if (!/^text\/plain\b/i.test(response.headers['content-type'] ?? '')) {
            response.resume();
            return reject(new Error('policy is not text/plain'));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_POLICY_BYTES) {
              request.destroy(new Error('policy too large'));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error('policy fetch timed out')));
      request.on('error', reject);
      request.end();
    });
  }
}
