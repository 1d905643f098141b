import { isIP } from 'node:net';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { DnsResolver } from '../../dns/resolver.js';
import { checkReputation } from '../../security/guard/reputation.js';
import { configFor, output } from '../io.js';

/**
 * `sealmail reputation check`: are our own sending IPs ([guard.reputation] sending_ips, or --ip) on
 * any of the configured DNSBL zones? Exit 1 when one is listed, so cron and monitoring can alert.
 */
export function registerReputationCommands(program: Command): void {
  const reputation = program.command('reputation').description('reputation of our own sending IPs');

  reputation
    .command('check')
    .description('look up our sending IPs in the configured DNSBL zones')
    .option('--ip <address...>', 'IPs to check instead of [guard.reputation] sending_ips')
    .action(async (options: { ip?: string[] }, command: Command) => {
      const config = configFor(command);
      const ips = options.ip ?? config.guard.reputation.sending_ips;
      for (const ip of ips) if (isIP(ip) === 0) throw new UsageError(`not an IP address: ${ip.slice(0, 64)}`);
      if (ips.length === 0) throw new UsageError('no IPs to check: set [guard.reputation] sending_ips or pass --ip');
      const zones = config.guard.dnsbl.zones;
      if (zones.length === 0) throw new UsageError('no DNSBL zones configured ([guard.dnsbl] zones)');
      const dns = new DnsResolver({ servers: config.dns.servers, timeoutMs: config.dns.timeout_ms, cacheMaxTtlS: 0 });
      const report = await checkReputation(dns, ips, zones);
      const lines = report.results.map((r) => {
        if (r.listed.length) return `${r.ip}\tLISTED\t${r.listed.map((l) => `${l.zone} (${l.codes.join(',')})`).join(', ')}`;
        return `${r.ip}\t${r.complete ? 'clean' : 'unknown (a zone did not answer)'}`;
      });
      output(command, report, lines.join('\n'));
      if (report.listed > 0) process.exitCode = 1;
    });
}
