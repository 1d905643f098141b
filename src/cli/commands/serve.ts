import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { startServer } from '../../app/server.js';
import { DailyLogFile } from '../../log/log-files.js';
import { createLogger } from '../../log/logger.js';
import { configFor, output } from '../io.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the mail server (every enabled listener)')
    .action(async (_options, command: Command) => {
      const config = configFor(command);
      const logFile = config.logs.file ? new DailyLogFile(path.join(config.data_dir, 'logs')) : undefined;
      const log = createLogger({ level: config.logs.level, destination: logFile ? tee(logFile) : process.stdout });
      const server = await startServer(config, log);
      output(command, { ports: server.ports, data_dir: config.data_dir }, `sealmail serving on ${config.bind}: ${JSON.stringify(server.ports)}`);

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down');
        await server.close();
        log.info('stopped');
        // The last lines must reach the file before the process ends.
        if (logFile) await new Promise((resolve) => logFile.end(resolve));
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGHUP', () => server.reloadTls());
    });
}

function tee(file: DailyLogFile): NodeJS.WritableStream {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    file.write(chunk);
  });
  return stream;
}
