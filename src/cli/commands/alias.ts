import type { Command } from 'commander';
import { normaliseAddress, normaliseDomain } from '../../core/address.js';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { output, withControlStore } from '../io.js';
import { checkNewPassword, passwordOrGenerated, stdinLines, withMailboxes } from '../mailboxes.js';
import { registerAliasKeyCommands } from './alias-keys.js';
import { registerAliasPasswdCommand } from './alias-passwd.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerAliasCommands(program: Command): void {
  const alias = program.command('alias').description('addresses: forwarding and mailboxes');

  alias
    .command('add')
    .description('create an alias that forwards and/or keeps an encrypted mailbox')
    .argument('<address>', 'local@domain, or *@domain for a catch-all')
    .option('--forward <address>', 'forward to this address (repeatable)', collect, [])
    .option('--mailbox', 'keep an encrypted mailbox for this alias')
    .option('--password-stdin', 'read the mailbox password from stdin (else one is generated and printed)')
    .option('--disabled', 'create the alias disabled')
    .action(async (address: string, options: { forward: string[]; mailbox?: boolean; passwordStdin?: boolean; disabled?: boolean }, command: Command) => {
      // Validate everything before anything is written.
      const normalised = normaliseAddress(address, { allowCatchAll: true });
      for (const target of options.forward) normaliseAddress(target);
      if (options.passwordStdin && !options.mailbox) throw new UsageError('--password-stdin needs --mailbox');
      if (options.mailbox && normalised.startsWith('*@')) throw new UsageError('a catch-all cannot have a mailbox');
      const secret = options.mailbox
        ? passwordOrGenerated(options.passwordStdin ? ((await stdinLines())[0] ?? '') : undefined)
        : undefined;
      if (options.passwordStdin && secret?.generated) throw new UsageError('expected the mailbox password on stdin');
      if (secret) checkNewPassword(secret.password);
      const added = await withControlStore(command, async (store) => {
        const created = await store.aliases.add({
          address,
          forwards: options.forward,
          mailbox: options.mailbox ?? false,
          enabled: !options.disabled,
        });
        if (secret) {
          try {
            await withMailboxes(command, (mailboxes) => mailboxes.create(created.address, secret.password));
          } catch (error) {
            await store.aliases.remove(created.address);
            throw error;
          }
        }
        await store.audit.record({ actor: 'cli', action: 'alias.add', subject: created.address, detail: { mailbox: Boolean(secret) } });
        return created;
      });
      const generated = secret?.generated ? secret.password : undefined;
      output(
        command,
        { address: added.address, forwards: added.forwards, mailbox: added.mailbox, ...(generated ? { password: generated } : {}) },
        generated ? `added ${added.address}\nmailbox password: ${generated}` : `added ${added.address}`,
      );
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
    .description('delete an alias; its mailbox is crypto-shredded (wrapped keys first, then files)')
    .argument('<address>', 'local@domain')
    .action(async (address: string, _options, command: Command) => {
      const normalised = normaliseAddress(address, { allowCatchAll: true });
      await withControlStore(command, async (store) => {
        if (!(await store.aliases.get(normalised))) throw new NotFoundError(`alias ${normalised} does not exist`);
        if (!normalised.startsWith('*@')) await withMailboxes(command, (mailboxes) => mailboxes.destroy(normalised));
        await store.aliases.remove(normalised);
        await store.audit.record({ actor: 'cli', action: 'alias.remove', subject: normalised, detail: {} });
      });
      output(command, { address: normalised, removed: true }, `removed ${normalised}`);
    });

  registerAliasPasswdCommand(alias);
  registerAliasKeyCommands(alias);
}
