import { readFileSync, statSync } from 'node:fs';

/**
 * The operator's list of known-bad domains: one per line, `#` comments. The file is re-read
 * when its modification time changes (checked at most once per `checkEveryMs`), so edits
 * take effect without a restart. A missing or unreadable file is an empty list.
 */
export interface BadDomains {
  /** the listed domain that `host` is or is under, if any */
  match(host: string): string | undefined;
}

export function badDomainsFile(path: string | undefined, checkEveryMs = 2000, now = Date.now): BadDomains {
  let domains = new Set<string>();
  let loadedMtime = -1;
  let checkedAt = Number.NEGATIVE_INFINITY;
  const refresh = () => {
    if (!path || now() - checkedAt < checkEveryMs) return;
    checkedAt = now();
    try {
      const mtime = statSync(path).mtimeMs;
      if (mtime === loadedMtime) return;
      domains = parseList(readFileSync(path, 'utf8'));
      loadedMtime = mtime;
    } catch {
      domains = new Set();
      loadedMtime = -1;
    }
  };
  return {
    match(host: string) {
      refresh();
      if (domains.size === 0) return undefined;
      const labels = host.toLowerCase().replace(/\.$/, '').split('.');
      for (let i = 0; i < labels.length - 1; i++) {
        const candidate = labels.slice(i).join('.');
        if (domains.has(candidate)) return candidate;
      }
      return undefined;
    },
  };
}

export function parseList(text: string): Set<string> {
  const set = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const domain = line.replace(/#.*/, '').trim().toLowerCase().replace(/\.$/, '');
    if (domain) set.add(domain);
  }
  return set;
}
