import type { Logger } from '../log/logger.js';
import type { TlsProvider } from '../net/tls.js';
import type { ConnectGuard } from '../security/guard/listener-hooks.js';
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
