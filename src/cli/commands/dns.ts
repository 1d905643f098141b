import type { Command } from 'commander';
import { normaliseDomain } from '../../core/address.js';
import { formatZone, zoneRecords } from '../../core/dns-records.js';
import { NotFoundError } from '../../core/errors.js';
import { dkimRecords } from '../../mail/dkim-keys.js';
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
        const extra = dkimRecords(await store.dkimKeys.list(name), config.dkim.grace_days);
        return zoneRecords({ domain: name, mailHost: config.hostname, verificationToken: domain.verificationToken, extra });
      });
      output(command, records, formatZone(records));
    });
}
