import type { Command } from 'commander';
import { normaliseDomain } from '../../core/address.js';
import { formatZone, zoneRecords } from '../../core/dns-records.js';
import { NotFoundError } from '../../core/errors.js';
import { loadMasterKey } from '../../crypto/master-key.js';
import { ARC_SELECTOR, loadArcKey } from '../../mail/arc-seal.js';
import { dkimRecords } from '../../mail/dkim-keys.js';
import type { Config } from '../../config/schema.js';
import type { DnsRecord } from '../../core/dns-records.js';
import { output, withControlStore } from '../io.js';

export function registerDnsCommand(program: Command): void {
  program
    .command('dns')
    .description('print the DNS records to publish for a hosted domain')
    .argument('<domain>', 'a hosted domain')
    .action(async (input: string, _options, command: Command) => {
      const name = normaliseDomain(input);
      const records = await withControlStore(command, async (store, config) => {
        const domain = await store.domains.get(name);
        if (!domain) throw new NotFoundError(`domain ${name} is not hosted here`);
        const extra = [...dkimRecords(await store.dkimKeys.list(name), config.dkim.grace_days), arcRecord(config)];
        return zoneRecords({ domain: name, mailHost: config.hostname, verificationToken: domain.verificationToken, extra });
      });
      output(command, records, formatZone(records));
    });
}

/** The key this host seals forwarded copies with (d=<hostname>): one record in the host name's zone. */
function arcRecord(config: Readonly<Config>): DnsRecord {
  const masterKey = loadMasterKey(config.data_dir);
  try {
    const key = loadArcKey(config.data_dir, masterKey, config.hostname);
    return {
      name: `${ARC_SELECTOR}._domainkey.${config.hostname}`,
      type: 'TXT',
      value: key.dnsRecord,
      purpose: `ARC seal key of ${config.hostname} (once, in its zone): receivers verify the ARC sets of forwarded copies with it`,
    };
  } finally {
    masterKey.fill(0);
  }
}
