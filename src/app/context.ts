import type { Config } from '../config/schema.js';
import type { DnsResolver } from '../dns/resolver.js';
import type { Logger } from '../log/logger.js';
import type { TlsProvider } from '../net/tls.js';
import type { Guard } from '../security/guard/guard.js';
import type { DkimSigner, OutboundClient, OutboundQueue } from '../protocols/smtp/outbound/types.js';
import type { ControlStore } from '../store/control/types.js';
import type { MailboxDirectory } from '../store/mailbox/types.js';
import type { StateStore } from '../store/state/types.js';
import type { HealthRegistry } from './health.js';

/** What the composition root hands to every listener factory and subsystem. */
export interface AppContext {
  config: Readonly<Config>;
  log: Logger;
  masterKey: Buffer;
  control: ControlStore;
  /** Encrypted mailboxes: create, seal into the spool, unlock into sessions. */
  mailboxes: MailboxDirectory;
  /** Short-lived shared state (rate limits, bans, dedup): memory, or Redis with `[state] redis`. */
  state: StateStore;
  /** The abuse guard every listener consults (src/security/guard/index.ts documents the API). */
  guard: Guard;
  tls: TlsProvider;
  dns: DnsResolver;
  health: HealthRegistry;
  /** Immediate delivery in memory (MX forwarding relays through it). */
  outbound: OutboundClient;
  /** Persistent, encrypted delivery with retries and bounces (submission). */
  queue: OutboundQueue;
  dkim: DkimSigner;
}
