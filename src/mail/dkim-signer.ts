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
  /** One load per domain at a time: concurrent signers share it. */
  keys: Promise<LoadedKey[]>;
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

  const keysFor = (domain: string): Promise<LoadedKey[]> => {
    const cached = cache.get(domain);
    if (cached && Date.now() - cached.loadedAt < cacheMs) return cached.keys;
    // Replaced, not zeroed: a signature in progress may still hold the previous keys.
    const keys = options.keys.list(domain).then((stored) =>
      stored.filter((k) => !k.retiredAt).map((k) => ({ selector: k.selector, algorithm: k.algorithm, pem: unsealDkimKey(k, sealingKey) })),
    );
    cache.set(domain, { loadedAt: Date.now(), keys });
    keys.catch(() => cache.delete(domain));
    return keys;
  };

  return {
    async sign(raw, input) {
      const domain = normaliseDomain(input);
      const keys = await keysFor(domain);
      if (keys.length === 0) return raw;
      const result = await dkimSign(raw, {
        canonicalization: 'relaxed/relaxed',
        // Without it mailauth reads the clock twice, for the signed header and for the written one:
        // a signature that straddles a half second then carries a t= it was not made over.
        signTime: new Date(),
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
      for (const entry of cache.values()) {
        entry.keys
          .then((keys) => {
            for (const k of keys) k.pem.fill(0);
          })
          .catch(() => {});
      }
      cache.clear();
      sealingKey.fill(0);
    },
  };
}
