import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { normaliseDomain } from '../core/address.js';
import type { Logger } from '../log/logger.js';
import type { DkimSigner } from '../protocols/smtp/outbound/types.js';
import type { DkimKeyRepository } from '../store/control/types.js';
import { dkimSealingKey, unsealDkimKey } from './dkim-keys.js';

interface LoadedKey {
  selector: string;
  algorithm: string;
  pem: Buffer;
}

interface CacheEntry {
  loadedAt: number;
  keys: LoadedKey[];
}

export interface DkimSignerOptions {
  keys: DkimKeyRepository;
  masterKey: Buffer;
  log: Logger;
  /** How long unsealed keys are reused; a rotation reaches the running server within this time. */
  cacheMs?: number;
}

/**
 * Signs with every active key of the sending domain (RSA-2048 and Ed25519, RFC 8463), via mailauth.
 * Private keys are unsealed under a key derived from the master key and kept only briefly.
 */
export function createDkimSigner(options: DkimSignerOptions): DkimSigner & { clear(): void } {
  const sealingKey = dkimSealingKey(options.masterKey);
  const cache = new Map<string, CacheEntry>();
  const cacheMs = options.cacheMs ?? 30_000;

  const evict = (domain: string) => {
    for (const key of cache.get(domain)?.keys ?? []) key.pem.fill(0);
    cache.delete(domain);
  };

  const keysFor = async (domain: string): Promise<LoadedKey[]> => {
    const cached = cache.get(domain);
    if (cached && Date.now() - cached.loadedAt < cacheMs) return cached.keys;
    evict(domain);
    const stored = (await options.keys.list(domain)).filter((k) => !k.retiredAt);
    const keys = stored.map((k) => ({ selector: k.selector, algorithm: k.algorithm, pem: unsealDkimKey(k, sealingKey) }));
    cache.set(domain, { loadedAt: Date.now(), keys });
    return keys;
  };

  return {
    async sign(raw, input) {
      const domain = normaliseDomain(input);
      const keys = await keysFor(domain);
      if (keys.length === 0) return raw;
      const result = await dkimSign(raw, {
        canonicalization: 'relaxed/relaxed',
        signatureData: keys.map((k) => ({
          signingDomain: domain,
          selector: k.selector,
          privateKey: k.pem,
          algorithm: k.algorithm,
        })),
      } as unknown as Parameters<typeof dkimSign>[1]);
      if (result.errors?.length) {
        options.log.error({ domain, count: result.errors.length }, 'dkim signing failed for some keys');
      }
      const signatures = result.signatures.trim();
      return signatures ? Buffer.concat([Buffer.from(`${signatures}\r\n`), raw]) : raw;
    },
    clear() {
      for (const domain of [...cache.keys()]) evict(domain);
      sealingKey.fill(0);
    },
  };
}
