import type { Command } from 'commander';
import { configFor, output } from '../io.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('configuration');
  config
    .command('check')
    .description('validate the configuration and print the effective values')
    .action((_options, command: Command) => {
      const effective = configFor(command);
      output(command, effective, `configuration is valid\n${JSON.stringify(effective, null, 2)}`);
    });
}
