import { pino, type Logger, type DestinationStream } from 'pino';
import { Anonymiser } from './anonymise.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout by default. Tests pass a capturing stream. */
  destination?: DestinationStream | NodeJS.WritableStream;
  anonymiser?: Anonymiser;
}

/**
 * The one logger: JSON lines, every record and every message text passed through the anonymiser,
 * so no caller can put a raw IP, an address, a password or message content into a log.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const anonymiser = options.anonymiser ?? new Anonymiser();
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (record) => anonymiser.record(record) as Record<string, unknown>,
        bindings: (bindings) => anonymiser.record(bindings) as Record<string, unknown>,
      },
      serializers: { err: (error: unknown) => anonymiser.record(error), error: (error: unknown) => anonymiser.record(error) },
      hooks: {
        logMethod(args, method) {
          const safe = args.map((arg) => (typeof arg === 'string' ? anonymiser.text(arg) : arg));
          return method.apply(this, safe as Parameters<typeof method>);
        },
      },
    },
    (options.destination ?? process.stdout) as DestinationStream,
  );
}
