import type net from 'node:net';
import type { Logger } from '../log/logger.js';
import { type Listener, startTcpListener } from '../net/listener.js';
import type { TlsProvider } from '../net/tls.js';
import { type ConnectGuard, guardConnections } from '../security/guard/listener-hooks.js';
import type { MailboxDirectory } from '../store/mailbox/types.js';
import type { LoginGuard } from './login.js';

/** What every mailbox-access listener (IMAP, POP3) is built from. */
export interface MailAccessOptions {
  host: string;
  port: number;
  hostname: string;
  /** true: TLS from the first byte; false: STARTTLS/STLS required before login. */
  implicitTls: boolean;
  tls: TlsProvider;
  mailboxes: MailboxDirectory;
  guard?: LoginGuard;
  /** The abuse guard's accept-time check (banned, DNSBL, too many connections). */
  connectGuard?: ConnectGuard;
  log: Logger;
}

/**
 * Starts a mailbox-access listener: implicit TLS or plain, behind the guard's accept-time check.
 * `refusal` is the protocol's goodbye line for a refused client.
 */
export function startMailAccessListener(
  options: MailAccessOptions & { maxConnections?: number },
  name: string,
  log: Logger,
  refusal: (reason: string) => string,
  handler: (socket: net.Socket) => void,
): Promise<Listener> {
  return startTcpListener({
    name,
    host: options.host,
    port: options.port,
    log: options.log,
    tls: options.implicitTls ? options.tls : undefined,
    maxConnections: options.maxConnections,
    onConnection: guardConnections(options.connectGuard, name, log, refusal, handler),
  });
}
