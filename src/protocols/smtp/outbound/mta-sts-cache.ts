import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openBytes, sealBytes } from '../../../crypto/aead.js';
import type { Logger } from '../../../log/logger.js';
import { writeFileDurably } from '../../../store/durable-file.js';
import type { MtaStsPolicy } from './mta-sts.js';

/** Where known MTA-STS policies outlive a restart. */
export interface MtaStsPolicyStore {
  load(): Map<string, MtaStsPolicy>;
  save(policies: ReadonlyMap<string, MtaStsPolicy>): void;
}

const CONTEXT = 'mta-sts-policies';
/** Beyond this many domains the policies closest to expiry are dropped from the file. */
const MAX_DOMAINS = 20_000;

/**
 * RFC 8461 §5.1: a known policy is what stops an attacker who strips the `_mta-sts` TXT record
 * from downgrading delivery, so it must survive a restart. The file is sealed under a key derived
 * from the master key: the domains our users write to are nobody's business.
 */
export function sealedPolicyFile(file: string, key: Buffer, log: Logger): MtaStsPolicyStore {
  return {
    load() {
      if (!existsSync(file)) return new Map();
      try {
        const entries = JSON.parse(openBytes(key, readFileSync(file), CONTEXT).toString('utf8')) as [string, MtaStsPolicy][];
        return new Map(entries.filter(([, policy]) => policy.expiresAt > Date.now()));
      } catch (error) {
        log.warn({ reason: (error as Error).message }, 'mta-sts policy cache unreadable; starting empty');
        return new Map();
      }
    },
    save(policies) {
      const now = Date.now();
      const entries = [...policies]
        .filter(([, policy]) => policy.expiresAt > now)
        .sort(([, a], [, b]) => b.expiresAt - a.expiresAt)
        .slice(0, MAX_DOMAINS);
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      writeFileDurably(file, sealBytes(key, Buffer.from(JSON.stringify(entries)), CONTEXT));
    },
  };
}
