import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { loadMasterKey } from '../crypto/master-key.js';
import type { SealedMailboxDirectory } from '../store/mailbox/directory.js';
import { openMailboxDirectory } from '../store/mailbox/open.js';
import { configFor, readStdin } from './io.js';

/** Opens the mailbox directory for one command and always closes it (keys zeroed). */
export async function withMailboxes<T>(command: Command, action: (mailboxes: SealedMailboxDirectory) => Promise<T>): Promise<T> {
  const config = configFor(command);
  const masterKey = loadMasterKey(config.data_dir);
  const mailboxes = openMailboxDirectory({ ...config, mailbox: { ...config.mailbox, idle_ttl_s: 0 } }, masterKey);
  masterKey.fill(0);
  try {
    return await action(mailboxes);
  } finally {
    await mailboxes.close();
  }
}

/** A generated password: 24 characters from 144 random bits. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Passwords come one per line on stdin (never as arguments: they would show in `ps`). */
export async function stdinLines(): Promise<string[]> {
  return (await readStdin()).split(/\r?\n/);
}

export function requireLine(lines: string[], index: number, what: string): string {
  const line = lines[index];
  if (!line) throw new UsageError(`expected ${what} on stdin (line ${index + 1})`);
  return line;
}

/** The optional next line of stdin, else a generated password. */
export function passwordOrGenerated(line: string | undefined): { password: string; generated: boolean } {
  return line ? { password: line, generated: false } : { password: generatePassword(), generated: true };
}

export function checkNewPassword(password: string): void {
  if (password.length < 8) throw new UsageError('a mailbox password needs at least 8 characters');
  if (password.length > 1024) throw new UsageError('a mailbox password may have at most 1024 characters');
}
