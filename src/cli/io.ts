import type { Command } from 'commander';
import { type LoadOptions, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { loadMasterKey } from '../crypto/master-key.js';
import { openControlStore } from '../store/control/open.js';
import type { ControlStore } from '../store/control/types.js';

export interface GlobalOptions {
  dataDir?: string;
  config?: string;
  json?: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

export function configFor(command: Command, extra: LoadOptions['overrides'] = {}): Readonly<Config> {
  const options = globalOptions(command);
  return loadConfig({
    file: options.config,
    env: process.env,
    overrides: { data_dir: options.dataDir, ...extra },
  });
}

/** Opens the control store for one command and always closes it. */
export async function withControlStore<T>(
  command: Command,
  action: (store: ControlStore, config: Readonly<Config>) => Promise<T>,
): Promise<T> {
  const config = configFor(command);
  const masterKey = loadMasterKey(config.data_dir);
  const store = await openControlStore(config, masterKey);
  masterKey.fill(0);
  try {
    return await action(store, config);
  } finally {
    await store.close();
  }
}

/** Prints `data` as JSON with --json, else the human text. */
export function output(command: Command, data: unknown, text: string): void {
  process.stdout.write(globalOptions(command).json ? `${JSON.stringify(data)}\n` : `${text}\n`);
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
