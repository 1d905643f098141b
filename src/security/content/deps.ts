import type { Config } from '../../config/schema.js';
import { badDomainsFile } from '../phishing/bad-domains.js';
import { loadSpamModel } from '../spam/load-model.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { ContentDeps } from './scan.js';

/** Builds the content stage's dependencies from config (the model is read once, here). */
export function contentDepsFromConfig(config: Readonly<Config>): ContentDeps {
  const content = config.content;
  return {
    model: loadSpamModel(content.model_file),
    policy: {
      junkScore: content.junk_score,
      rejectScore: content.reject_score,
      points: content.points,
      onAntivirusError: config.antivirus.on_error,
    },
    limits: {
      ...DEFAULT_LIMITS,
      maxMessageBytes: content.max_message_bytes,
      maxMultiparts: content.max_multiparts,
      maxHtmlChars: content.max_html_chars,
      parseTimeoutMs: content.parse_timeout_ms,
    },
    badDomains: badDomainsFile(content.bad_domains_file),
    protectedDomains: content.protected_domains,
    ...(config.antivirus.clamd ? { clamd: { address: config.antivirus.clamd, timeoutMs: config.antivirus.timeout_ms } } : {}),
  };
}
