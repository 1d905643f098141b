import type { Command } from 'commander';
import { normaliseAddress, normaliseDomain } from '../../core/address.js';
import { output, withControlStore } from '../io.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerAliasCommands(program: Command): void {
  const alias = program.command('alias').description('addresses: forwarding and mailboxes');

  alias
    .command('add')
    .description('create an alias that forwards and/or keeps an encrypted mailbox')
    .argument('<address>', 'local@domain, or *@domain for a catch-all')
    .option('--forward <address>', 'forward to this address (repeatable)', collect, [])
    .option('--mailbox', 'keep an encrypted mailbox for this alias')
    .option('--disabled', 'create the alias disabled')
    .action(async (address: string, options: { forward: string[]; mailbox?: boolean; disabled?: boolean }, command: Command) => {
      // Validate everything before anything is written.
      normaliseAddress(address, { allowCatchAll: true });
      for (const target of options.forward) normaliseAddress(target);
      const added = await withControlStore(command, async (store) => {
        const created = await store.aliases.add({
          address,
          forwards: options.forward,
          mailbox: options.mailbox ?? false,
          enabled: !options.disabled,
        });
        await store.audit.record({ actor: 'cli', action: 'alias.add', subject: created.address, detail: {} });
        return created;
      });
      output(command, { address: added.address, forwards: added.forwards, mailbox: added.mailbox }, `added ${added.address}`);
    });

  alias
    .command('list')
    .description('list aliases')
    .option('--domain <domain>', 'only this domain')
    .action(async (options: { domain?: string }, command: Command) => {
      if (options.domain) normaliseDomain(options.domain);
      const aliases = await withControlStore(command, (store) => store.aliases.list(options.domain));
      const text = aliases
        .map((a) => {
          const targets = [...a.forwards, ...(a.mailbox ? ['[mailbox]'] : [])].join(', ');
          return `${a.address} -> ${targets}${a.enabled ? '' : ' (disabled)'}`;
        })
        .join('\n');
      output(command, aliases, text || '(no aliases)');
    });

  alias
    .command('remove')
    .description('delete an alias')
    .argument('<address>', 'local@domain')
    .action(async (address: string, _options, command: Command) => {
      const normalised = normaliseAddress(address, { allowCatchAll: true });
      await withControlStore(command, async (store) => {
        await store.aliases.remove(normalised);
        await store.audit.record({ actor: 'cli', action: 'alias.remove', subject: normalised, detail: {} });
      });
      output(command, { address: normalised, removed: true }, `removed ${normalised}`);
    });
}
