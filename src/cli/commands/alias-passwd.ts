import type { Command } from 'commander';
import { normaliseAddress } from '../../core/address.js';
import { AppError, UsageError } from '../../core/errors.js';
import { output, withControlStore } from '../io.js';
import { checkNewPassword, passwordOrGenerated, requireLine, stdinLines, withMailboxes } from '../mailboxes.js';

interface PasswdOptions {
  add?: boolean;
  label?: string;
  revoke?: string;
  list?: boolean;
  reset?: boolean;
  keepOld?: boolean;
}

/**
 * `alias passwd ADDRESS`: stdin line 1 is the current password, line 2 the new one (generated
 * and printed when absent). `--add` keeps the current password (an app password), `--revoke ID`
 * removes one, `--list` shows ids and labels. `--reset` is the admin reset: no current password,
 * a NEW EMPTY mailbox (the server cannot read the old one); `--keep-old` keeps the old files.
 */
export function registerAliasPasswdCommand(alias: Command): void {
  alias
    .command('passwd')
    .description('change, add or revoke mailbox passwords; --reset gives a new empty mailbox')
    .argument('<address>', 'local@domain')
    .option('--add', 'add an app password, keeping the current one')
    .option('--label <label>', 'label for an added password', 'app')
    .option('--revoke <id>', 'revoke the app password with this id')
    .option('--list', 'list password ids and labels')
    .option('--reset', 'admin reset: a new empty mailbox under a new password (old mail is unreadable without its password)')
    .option('--keep-old', 'with --reset: keep the old encrypted files instead of destroying them')
    .action(async (address: string, options: PasswdOptions, command: Command) => {
      const normalised = normaliseAddress(address);
      const modes = [options.add, options.revoke !== undefined, options.list, options.reset].filter(Boolean).length;
      if (modes > 1) throw new UsageError('choose one of --add, --revoke, --list, --reset');
      if (options.keepOld && !options.reset) throw new UsageError('--keep-old needs --reset');
      await withControlStore(command, async (store) => {
        const found = await store.aliases.get(normalised);
        if (!found?.mailbox) throw new UsageError(`${normalised} has no mailbox`);
        await withMailboxes(command, async (mailboxes) => {
          if (options.list) {
            const slots = await mailboxes.passwords(normalised);
            output(command, slots, slots.map((s) => `${s.id}\t${s.label}\t${s.createdAt}`).join('\n'));
            return;
          }
          const lines = options.list ? [] : await stdinLines();
          if (options.reset) {
            const next = passwordOrGenerated(lines[0]);
            checkNewPassword(next.password);
            await mailboxes.reset(normalised, next.password, { keepOld: options.keepOld ?? false });
            await store.audit.record({ actor: 'cli', action: 'mailbox.reset', subject: normalised, detail: { keepOld: options.keepOld ?? false } });
            report(command, normalised, next, 'mailbox reset (new, empty)');
            return;
          }
          const current = requireLine(lines, 0, 'the current password');
          try {
            if (options.revoke !== undefined) {
              await mailboxes.revokePassword(normalised, current, options.revoke);
              await store.audit.record({ actor: 'cli', action: 'mailbox.password.revoke', subject: normalised, detail: { id: options.revoke } });
              output(command, { address: normalised, revoked: options.revoke }, `revoked ${options.revoke}`);
              return;
            }
            const next = passwordOrGenerated(lines[1]);
            checkNewPassword(next.password);
            const id = options.add
              ? await mailboxes.addPassword(normalised, current, next.password, options.label ?? 'app')
              : await mailboxes.changePassword(normalised, current, next.password);
            await store.audit.record({ actor: 'cli', action: options.add ? 'mailbox.password.add' : 'mailbox.password.change', subject: normalised, detail: { id } });
            report(command, normalised, { ...next, id }, options.add ? `added password ${id}` : 'password changed');
          } catch (error) {
            if (error instanceof AppError && error.code === 'auth_failed') throw new AppError('auth_failed', 'wrong password');
            throw error;
          }
        });
      });
    });
}

function report(command: Command, address: string, next: { password: string; generated: boolean; id?: string }, text: string): void {
  output(
    command,
    { address, ...(next.id ? { id: next.id } : {}), ...(next.generated ? { password: next.password } : {}) },
    next.generated ? `${text}\nnew password: ${next.password}` : text,
  );
}
