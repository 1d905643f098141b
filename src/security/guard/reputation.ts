import type { DnsResolver } from '../../dns/resolver.js';
import { type DnsblListing, queryDnsbl } from './dnsbl.js';

export interface ReputationResult {
  ip: string;
  listed: DnsblListing[];
  /** False when a zone did not answer: the IP may be listed there. */
  complete: boolean;
}

export interface ReputationReport {
  checkedAt: string;
  zones: string[];
  results: ReputationResult[];
  listed: number;
}

/** Checks our own sending IPs against the configured DNSBL zones (reputation monitoring). */
export async function checkReputation(
  dns: Pick<DnsResolver, 'resolve'>,
  ips: readonly string[],
  zones: readonly string[],
  clock: () => Date = () => new Date(),
): Promise<ReputationReport> {
  const results = await Promise.all(
    ips.map(async (ip) => {
      const { listings, complete } = await queryDnsbl(dns, ip, zones);
      return { ip, listed: listings, complete };
    }),
  );
  return {
    checkedAt: clock().toISOString(),
    zones: [...zones],
    results,
    listed: results.filter((r) => r.listed.length > 0).length,
  };
}

/** A /healthz probe: the last report, refreshed at most every `everyS` seconds. */
export function reputationProbe(check: () => Promise<ReputationReport>, everyS: number): () => Promise<Record<string, unknown>> {
  let last: { at: number; report: Promise<ReputationReport> } | undefined;
  return async () => {
    if (!last || Date.now() - last.at > everyS * 1000) {
      last = { at: Date.now(), report: check() };
      last.report.catch(() => {
        last = undefined;
      });
    }
    const report = await last.report;
    return {
      checked_at: report.checkedAt,
      sending_ips: report.results.length,
      listed: report.results
        .filter((r) => r.listed.length > 0)
        .map((r) => ({ ip: r.ip, zones: r.listed.map((l) => l.zone) })),
      incomplete: report.results.filter((r) => !r.complete).map((r) => r.ip),
    };
  };
}
