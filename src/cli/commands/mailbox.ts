import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { normaliseAddress } from '../../core/address.js';
import { AppError, UsageError } from '../../core/errors.js';
import { exportMbox, importMessages, parseMbox, readMaildir } from '../../store/mailbox/portable.js';
import type { MailboxSession } from '../../store/mailbox/types.js';
import { output } from '../io.js';
import { requireLine, stdinLines, withMailboxes } from '../mailboxes.js';

async function withSession<T>(command: Command, address: string, action: (session: MailboxSession) => Promise<T>): Promise<T> {
  const password = requireLine(await stdinLines(), 0, 'the mailbox password');
  return withMailboxes(command, async (mailboxes) => {
    const session = await mailboxes.unlock(address, password);
    if (!session) throw new AppError('auth_failed', 'wrong password or no such mailbox');
    try {
      return await action(session);
    } finally {
      await session.close();
    }
  });
}

/** `mailbox export|import`: the user's own data out and in; the password comes on stdin. */
export function registerMailboxCommands(program: Command): void {
  const mailbox = program.command('mailbox').description('encrypted mailboxes: export and import (password on stdin)');

  mailbox
    .command('export')
    .description('write every folder of the mailbox to an mbox file (mboxrd)')
    .argument('<address>', 'local@domain')
    .requiredOption('--out <file>', 'the mbox file to write (created with mode 0600; must not exist)')
    .action(async (address: string, options: { out: string }, command: Command) => {
      const normalised = normaliseAddress(address);
      const temp = `${options.out}.partial`;
      const count = await withSession(command, normalised, async (session) => {
        let fd: number;
        try {
          if (statSync(options.out, { throwIfNoEntry: false })) throw new UsageError(`${options.out} exists`);
          fd = openSync(temp, 'wx', 0o600);
        } catch (error) {
          if (error instanceof UsageError) throw error;
          throw new UsageError(`cannot create ${options.out}`);
        }
        try {
          const written = await exportMbox(session, (chunk) => {
            writeSync(fd, chunk);
          });
          fsyncSync(fd);
          closeSync(fd);
          renameSync(temp, options.out);
          return written;
        } catch (error) {
          closeSync(fd);
          unlinkSync(temp);
          throw error;
        }
      });
      output(command, { address: normalised, file: options.out, messages: count }, `exported ${count} messages to ${options.out}`);
    });

  mailbox
    .command('import')
    .description('append messages from an mbox file or a Maildir to the mailbox')
    .argument('<address>', 'local@domain')
    .requiredOption('--from <path>', 'an mbox file or a Maildir directory')
    .action(async (address: string, options: { from: string }, command: Command) => {
      const normalised = normaliseAddress(address);
      const info = statSync(options.from, { throwIfNoEntry: false });
      if (!info) throw new UsageError(`${options.from} does not exist`);
      const messages = info.isDirectory() ? readMaildir(options.from) : parseMbox(readFileSync(options.from));
      const count = await withSession(command, normalised, (session) => importMessages(session, messages));
      output(command, { address: normalised, messages: count }, `imported ${count} messages`);
    });
}
