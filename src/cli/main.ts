#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { AppError, ConfigError, UsageError } from '../core/errors.js';
import { registerAliasCommands } from './commands/alias.js';
import { registerBanCommands } from './commands/ban.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDkimCommands } from './commands/dkim.js';
import { registerDnsCommand } from './commands/dns.js';
import { registerDomainCommands } from './commands/domain.js';
import { registerMailboxCommands } from './commands/mailbox.js';
import { registerReputationCommands } from './commands/reputation.js';
import { registerScanCommand } from './commands/scan.js';
import { registerQueueCommands } from './commands/queue.js';
import { registerServeCommand } from './commands/serve.js';

export function buildProgram(): Command {
  const program = new Command('sealmail')
    .description('private mail: forwarding and encrypted mailboxes the server cannot read')
    .option('--data-dir <dir>', 'data directory (env SEALMAIL_DATA_DIR)')
    .option('--config <file>', 'TOML config file')
    .option('--json', 'machine-readable output')
    .showHelpAfterError(false)
    .exitOverride();
  registerServeCommand(program);
  registerDomainCommands(program);
  registerAliasCommands(program);
  registerMailboxCommands(program);
  registerDnsCommand(program);
  registerDkimCommands(program);
  registerQueueCommands(program);
  registerConfigCommands(program);
  registerScanCommand(program);
  registerBanCommands(program);
  registerReputationCommands(program);
  for (const command of program.commands) applyExitOverride(command);
  return program;
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  for (const child of command.commands) applyExitOverride(child);
}

/** Exit codes: 0 ok, 1 failure, 2 bad usage or config; one line on stderr, never a stack trace. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof UsageError || error instanceof ConfigError) return 2;
  return 1;
}

async function main(): Promise<void> {
  // Nothing we create (keys, databases, spools, logs) is for other users of the host.
  process.umask(0o077);
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    const code = exitCodeFor(error);
    if (!(error instanceof CommanderError)) {
      const message = error instanceof AppError ? error.publicMessage : 'internal error';
      process.stderr.write(`sealmail: ${message}\n`);
    }
    process.exit(code);
  }
}

await main();
