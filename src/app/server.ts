import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { loadMasterKey } from '../crypto/master-key.js';
import { DnsResolver } from '../dns/resolver.js';
import { expireLogFiles } from '../log/log-files.js';
import type { Logger } from '../log/logger.js';
import type { Listener } from '../net/listener.js';
import { TlsProvider } from '../net/tls.js';
import { startMxListener } from '../protocols/smtp/mx/index.js';
import { createOutbound } from '../protocols/smtp/outbound/index.js';
import { createSubmissionServer, type SubmissionDeps } from '../protocols/smtp/submission/server.js';
import { openControlStore } from '../store/control/open.js';
import { openMailboxDirectory } from '../store/mailbox/open.js';
import { Anonymiser } from '../log/anonymise.js';
import { Guard } from '../security/guard/guard.js';
import { checkReputation, reputationProbe } from '../security/guard/reputation.js';
import { loginGuardOf } from '../security/guard/listener-hooks.js';
import { startTrapListener } from '../security/guard/trap.js';
import { openStateStore } from '../store/state/open.js';
import { webRoutes } from '../web/routes.js';
import { createWebServer } from '../web/server.js';
import { summariseMessage } from '../mail/imap-structure.js';
import { createImapServer } from '../protocols/imap/server.js';
import { createPop3Server } from '../protocols/pop3/server.js';
import type { AppContext } from './context.js';
import { HealthRegistry } from './health.js';

export interface RunningServer {
  readonly context: AppContext;
  /** Actual bound port of each enabled listener, by config name (smtp, imap, https, …). */
  readonly ports: Readonly<Record<string, number>>;
  reloadTls(): boolean;
  close(): Promise<void>;
}

/** The composition root: opens stores, builds every enabled listener, and shuts them down in order. */
export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Bind every enabled listener to a random free port (tests); the config's numbers only enable them. */
  randomPorts?: boolean;
}

export async function startServer(config: Readonly<Config>, log: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const portFor = (name: keyof Config['ports']) => (options.randomPorts ? 0 : config.ports[name]);
  mkdirSync(config.data_dir, { recursive: true, mode: 0o700 });
  const masterKey = loadMasterKey(config.data_dir, env);
  const tls = new TlsProvider({
    hostname: config.hostname,
    dataDir: config.data_dir,
    certFile: config.tls.cert,
    keyFile: config.tls.key,
  });
  tls.on('reload', () => log.info('tls certificate reloaded'));
  tls.on('reload-failed', () => log.error('tls certificate reload failed; keeping the previous one'));
  tls.watch();
  const control = await openControlStore(config, masterKey);
  let state: Awaited<ReturnType<typeof openStateStore>>;
  try {
    state = await openStateStore(config);
  } catch (error) {
    tls.close();
    await control.close();
    throw error;
  }
  const dns = new DnsResolver({
    servers: config.dns.servers,
    timeoutMs: config.dns.timeout_ms,
    cacheMaxTtlS: config.dns.cache_max_ttl_s,
  });
  // ENVELOPE/BODYSTRUCTURE are computed once at delivery and cached by the store (IMAP FETCH reads them).
  const mailboxes = openMailboxDirectory(config, masterKey, { log, summarise: summariseMessage });
  const health = new HealthRegistry();
  const guard = new Guard({ config: config.guard, state, control, dns, log, anonymiser: new Anonymiser() });
  guard.startBanSync();
  const outbound = createOutbound({ config, log, masterKey, control, dns });
  const context: AppContext = {
    config,
    log,
    masterKey,
    control,
    state,
    guard,
    tls,
    dns,
    health,
    mailboxes,
    outbound: outbound.client,
    queue: outbound.queue,
    dkim: outbound.dkim,
  };

  health.register('control_store', async () => {
    await control.ping();
    return { backend: control.dialect };
  });
  health.register('state_store', async () => {
    await state.ping();
    return { backend: state.backend };
  });
  if (config.guard.reputation.sending_ips.length && config.guard.dnsbl.zones.length) {
    const { sending_ips, check_every_s } = config.guard.reputation;
    health.register('reputation', reputationProbe(() => checkReputation(dns, sending_ips, config.guard.dnsbl.zones), check_every_s));
  }
  health.register('tls', async () => ({ expires: tls.expiresAt() }));
  health.register('mailboxes', async () => mailboxes.health());

  const timers = startHousekeeping(config, log);
  const listeners: Listener[] = [];
  const closeAll = async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.allSettled(listeners.map((l) => l.close(config.shutdown.grace_ms)));
    await outbound.close(config.shutdown.grace_ms);
    tls.close();
    await mailboxes.close();
    await guard.close();
    await state.close();
    await control.close();
    masterKey.fill(0);
  };
  const submission = (name: SubmissionDeps['name'], port: number) =>
    createSubmissionServer({
      name,
      host: config.bind,
      port,
      implicitTls: name === 'submissions',
      hostname: config.hostname,
      tls,
      log,
      aliases: control.aliases,
      mailboxes,
      queue: outbound.queue,
      dkim: outbound.dkim,
      maxMessageBytes: config.submission.max_message_bytes,
      sentCopy: config.submission.sent_copy,
      graceMs: config.shutdown.grace_ms,
      guard,
    });
  // IMAP and POP3 consult the guard at accept (connectGuard) and around every password check (LoginGuard).
  const mailAccess = {
    host: config.bind,
    hostname: config.hostname,
    tls,
    log,
    mailboxes,
    guard: config.guard.enabled ? loginGuardOf(guard, log) : undefined,
    connectGuard: config.guard.enabled ? guard : undefined,
  };
  // Each protocol adds one entry: the config port that enables it and the factory that starts it.
  const starters: Array<[keyof Config['ports'], (port: number) => Promise<Listener>]> = [
    ['https', (port) => createWebServer({ host: config.bind, port, tls, log, health, guard, routes: webRoutes(context) })],
    ['smtp', (port) => startMxListener(context, port)],
    ['submission', (port) => submission('submission', port)],
    ['submissions', (port) => submission('submissions', port)],
    ['imap', (port) => createImapServer({ ...mailAccess, port, implicitTls: false, ...imapLimits(config) })],
    ['imaps', (port) => createImapServer({ ...mailAccess, port, implicitTls: true, ...imapLimits(config) })],
    ['pop3', (port) => createPop3Server({ ...mailAccess, port, implicitTls: false })],
    ['pop3s', (port) => createPop3Server({ ...mailAccess, port, implicitTls: true })],
  ];
  try {
    for (const [name, start] of starters) {
      if (config.ports[name] !== 0) listeners.push(await start(portFor(name)));
    }
    // Trap ports keep their configured numbers (a scanner finds them there), also in tests.
    for (const port of config.guard.trap_ports) {
      listeners.push(await startTrapListener({ host: config.bind, port, guard, log }));
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  outbound.queue.start();
  health.register('listeners', async () => Object.fromEntries(listeners.map((l) => [l.name, l.port])));

  return {
    context,
    ports: Object.fromEntries(listeners.map((l) => [l.name, l.port])),
    reloadTls: () => tls.reload(),
    close: closeAll,
  };
}

function imapLimits(config: Readonly<Config>) {
  return {
    limits: { maxLiteral: config.imap.max_literal_bytes },
    idleTimeoutMs: config.imap.idle_timeout_s * 1000,
    maxConnections: config.imap.max_connections,
  };
}

function startHousekeeping(config: Readonly<Config>, log: Logger): NodeJS.Timeout[] {
  if (!config.logs.file) return [];
  const dir = path.join(config.data_dir, 'logs');
  const sweep = () => {
    const removed = expireLogFiles(dir, config.logs.retention_days);
    if (removed.length) log.info({ count: removed.length }, 'expired log files deleted');
  };
  sweep();
  const timer = setInterval(sweep, 3_600_000);
  timer.unref();
  return [timer];
}
