import type { Command } from 'commander';
import { normaliseDomain } from '../../core/address.js';
import { output, withControlStore } from '../io.js';

export function registerDomainCommands(program: Command): void {
  const domain = program.command('domain').description('hosted domains');

  domain
    .command('add')
    .description('host a domain')
    .argument('<domain>', 'domain name (IDN allowed)')
    .action(async (name: string, _options, command: Command) => {
      normaliseDomain(name);
      const added = await withControlStore(command, (store) => store.domains.add(name));
      output(command, added, `added ${added.name}\nrun \`sealmail dns ${added.name}\` for the records to publish`);
    });

  domain
    .command('list')
    .description('list hosted domains')
    .action(async (_options, command: Command) => {
      const domains = await withControlStore(command, (store) => store.domains.list());
      output(command, domains, domains.map((d) => d.name).join('\n') || '(no domains)');
    });

  domain
    .command('remove')
    .description('stop hosting a domain and remove its aliases')
    .argument('<domain>', 'domain name')
    .action(async (name: string, _options, command: Command) => {
      normaliseDomain(name);
      const removed = await withControlStore(command, async (store) => {
        const aliases = await store.domains.remove(name);
        await store.audit.record({ actor: 'cli', action: 'domain.remove', subject: name, detail: { aliases: aliases.length } });
        return aliases;
      });
      output(command, { domain: name, removedAliases: removed }, `removed ${name} and ${removed.length} alias(es)`);
    });
}
