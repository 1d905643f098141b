import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type RunningServer, startServer } from '../../src/app/server.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log/logger.js';
import { testCertificateFiles } from './certs.js';
import { type CliResult, runCli } from './cli.js';

export const ALL_PORTS_OFF = {
  'ports.smtp': 0,
  'ports.submission': 0,
  'ports.submissions': 0,
  'ports.imap': 0,
  'ports.imaps': 0,
  'ports.pop3': 0,
  'ports.pop3s': 0,
  'ports.https': 0,
};

export type ListenerName = keyof Config['ports'];

export interface TestServerOptions {
  /** Listeners to start, each on a random free port; every other listener is off. */
  listeners?: ListenerName[];
  /** Further dotted config overrides, e.g. { 'dns.servers': [dns.server] }. */
  config?: Record<string, unknown>;
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface TestServer {
  readonly server: RunningServer;
  readonly config: Readonly<Config>;
  readonly dataDir: string;
  readonly ports: Readonly<Record<string, number>>;
  /** Everything the server logged so far, one JSON line each. */
  logs(): string;
  /** Runs the `sealmail` CLI against this server's data dir and config. */
  cli(args: string[], input?: string): Promise<CliResult>;
  /** Path of a config file equal to this server's config. */
  readonly configFile: string;
  close(): Promise<void>;
}

/** Starts the real server in this process on random ports with a temporary data dir. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'sealmail-test-'));
  const cert = testCertificateFiles('localhost');
  const enabled = Object.fromEntries((options.listeners ?? []).map((name) => [`ports.${name}`, 1]));
  const config = loadConfig({
    overrides: {
      ...ALL_PORTS_OFF,
      ...enabled,
      data_dir: dataDir,
      'tls.cert': cert.cert,
      'tls.key': cert.key,
      'dns.cache_max_ttl_s': 0,
      ...options.config,
    },
  });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const log = createLogger({ level: 'debug', destination });
  const server = await startServer(config, log, { env: { ...options.env }, randomPorts: true });
  const configFile = path.join(dataDir, 'test-config.toml');
  writeFileSync(configFile, toToml(config));

  return {
    server,
    config,
    dataDir,
    ports: server.ports,
    configFile,
    logs: () => lines.join(''),
    cli: (args, input) => runCli(['--config', configFile, ...args], { input }),
    async close() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      rmSync(cert.dir, { recursive: true, force: true });
    },
  };
}

/** A port that was free a moment ago, for servers started as child processes. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A minimal TOML writer for our config shape (tables, nested tables, scalars and arrays). */
export function toToml(config: Readonly<Config> | Record<string, unknown>): string {
  const out: string[] = [];
  const write = (table: Record<string, unknown>, name: string) => {
    const entries = Object.entries(table).filter(([, v]) => v !== undefined);
    const isTable = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (name) out.push(`[${name}]`);
    for (const [k, v] of entries) if (!isTable(v)) out.push(`${k} = ${JSON.stringify(v)}`);
    for (const [k, v] of entries) if (isTable(v)) write(v as Record<string, unknown>, name ? `${name}.${k}` : k);
  };
  write(config as Record<string, unknown>, '');
  return `${out.join('\n')}\n`;
}
