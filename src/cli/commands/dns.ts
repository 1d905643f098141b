import type { Command } from 'commander';
import { normaliseDomain } from '../../core/address.js';
import { formatZone, zoneRecords } from '../../core/dns-records.js';
import { NotFoundError } from '../../core/errors.js';
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
        return zoneRecords({ domain: name, mailHost: config.hostname, verificationToken: domain.verificationToken });
      });
      output(command, records, formatZone(records));
    });
}
