/** The IMAP listener factory: plain (STARTTLS) or implicit TLS, on the shared network layer. */
import type { Listener } from '../../net/listener.js';
import { NO_GUARD } from '../login.js';
import { type MailAccessOptions, startMailAccessListener } from '../mail-access-options.js';
import { handleImapConnection } from './connection.js';
import { DEFAULT_LIMITS, type ParseLimits } from './parser.js';

export interface ImapServerOptions extends MailAccessOptions {
  name?: string;
  limits?: Partial<ParseLimits>;
  idleTimeoutMs?: number;
  preauthTimeoutMs?: number;
  maxConnections?: number;
}

export function createImapServer(options: ImapServerOptions): Promise<Listener> {
  const name = options.name ?? (options.implicitTls ? 'imaps' : 'imap');
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log.child({ listener: name });
  return startMailAccessListener(options, name, log, (reason) => `* BYE [UNAVAILABLE] ${reason}\r\n`, (socket) =>
    handleImapConnection(socket, {
      mailboxes: options.mailboxes,
      guard: options.guard ?? NO_GUARD,
      log,
      hostname: options.hostname,
      starttls: !options.implicitTls,
      maxLiteral: limits.maxLiteral,
      tls: options.tls,
      limits,
      idleTimeoutMs: options.idleTimeoutMs ?? 30 * 60_000,
      preauthTimeoutMs: options.preauthTimeoutMs ?? 60_000,
    }),
  );
}
