import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config/schema.js';
import { SmtpReply } from '../../core/errors.js';
import type { DnsResolver } from '../../dns/resolver.js';
import type { Anonymiser } from '../../log/anonymise.js';
import type { Logger } from '../../log/logger.js';
import type { ControlStore } from '../../store/control/types.js';
import type { StateStore } from '../../store/state/types.js';
import { BanRegistry } from './bans.js';
import { type DnsblListing, queryDnsbl } from './dnsbl.js';
import { Counter } from './limiters.js';
import { classifyFirstBytes, type MisuseKind } from './misuse.js';
import { AllowList, canonicalIp, sourceNetwork } from './network.js';
import { NftablesPusher } from './nftables.js';

export type GuardConfig = Config['guard'];

export interface GuardDeps {
  config: GuardConfig;
  state: StateStore;
  control: Pick<ControlStore, 'bans' | 'audit'>;
  dns: Pick<DnsResolver, 'resolve'>;
  log: Logger;
  anonymiser: Anonymiser;
  nft?: NftablesPusher;
}

export type RefusalReason = 'banned' | 'dnsbl' | 'too_many_connections' | 'locked' | 'rate_limited' | 'unknown_recipients';

export interface ConnectVerdict {
  allowed: boolean;
  reason?: RefusalReason;
  /** The SMTP reply to send before closing (IMAP/POP3/HTTPS just close or say BYE with `reason`). */
  reply?: SmtpReply;
  /** DNSBL score when `[guard.dnsbl] policy = "score"`. */
  score: number;
  listings: DnsblListing[];
  /** Call once when the connection ends (frees its concurrent-connection slot). Idempotent. */
  release(): void;
}

export interface Verdict {
  allowed: boolean;
  reason?: RefusalReason;
  reply?: SmtpReply;
}

const ALLOWED: Verdict = { allowed: true };
const BANNED_REPLY = new SmtpReply(554, '5.7.1', 'access denied');

/** The one guard every listener consults. The API is documented in ./index.ts. */
export class Guard {
  readonly bans: BanRegistry;
  private readonly config: GuardConfig;
  private readonly allow: AllowList;
  private readonly open = new Map<string, number>();
  private readonly authIp: Counter;
  private readonly authAccount: Counter;
  private readonly unknownPerConnection: Counter;
  private readonly unknownPerIp: Counter;
  private readonly messagesPerIp: Counter;
  private readonly messagesPerDomain: Counter;
  private readonly misuse: Counter;
  private syncTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: GuardDeps) {
    const c = deps.config;
    this.config = c;
    this.allow = new AllowList(c.allow);
    this.bans = new BanRegistry({
      state: deps.state,
      bans: deps.control.bans,
      audit: deps.control.audit,
      allow: this.allow,
      anonymiser: deps.anonymiser,
      log: deps.log,
      nft: deps.nft ?? new NftablesPusher(c.nftables, deps.log),
    });
    const counter = (name: string, points: number, durationS: number, local = false) =>
      new Counter(deps.state, { name, points, durationS, local });
    this.authIp = counter('auth_ip', c.auth.ip_failures, c.auth.window_s);
    this.authAccount = counter('auth_account', c.auth.account_failures, c.auth.window_s);
    this.unknownPerConnection = counter('rcpt_conn', c.recipients.unknown_per_connection, 3600, true);
    this.unknownPerIp = counter('rcpt_ip', c.recipients.unknown_per_ip, c.recipients.window_s);
    this.messagesPerIp = counter('msg_ip', c.messages.per_ip_per_hour, 3600);
    this.messagesPerDomain = counter('msg_domain', c.messages.per_sender_domain_per_hour, 3600);
    this.misuse = counter('misuse', c.misuse.threshold, c.misuse.window_s);
  }

  /** Picks up bans made elsewhere (CLI, other nodes) every `ban_sync_ms`. */
  startBanSync(): void {
    if (this.syncTimer) return;
    let running = false;
    let runs = 0;
    const tick = async () => {
      if (running) return;
      running = true;
      try {
        await this.bans.sync();
        if (++runs % 1000 === 0) await this.bans.purge();
      } catch (error) {
        this.deps.log.warn({ err: error }, 'ban sync failed');
      } finally {
        running = false;
      }
    };
    void tick();
    this.syncTimer = setInterval(tick, this.config.ban_sync_ms);
    this.syncTimer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.syncTimer);
    this.syncTimer = undefined;
  }

  isAllowListed(ip: string): boolean {
    return this.allow.has(ip);
  }

  async isBanned(ip: string): Promise<boolean> {
    if (!this.config.enabled || this.allow.has(ip)) return false;
    return this.bans.isBanned(ip);
  }

  async onConnect(ip: string, listener: string): Promise<ConnectVerdict> {
    const address = canonicalIp(ip);
    const verdict = (v: Partial<ConnectVerdict>, release = () => {}): ConnectVerdict => ({
      allowed: true,
      score: 0,
      listings: [],
      release,
      ...v,
    });
    if (!this.config.enabled || this.allow.has(address)) return verdict({});
    if (await this.bans.isBanned(address)) return verdict({ allowed: false, reason: 'banned', reply: BANNED_REPLY });
    const open = (this.open.get(address) ?? 0) + 1;
    if (open > this.config.max_connections_per_ip) {
      return verdict({
        allowed: false,
        reason: 'too_many_connections',
        reply: new SmtpReply(421, '4.7.0', 'too many connections from your address, try again later'),
      });
    }
    this.open.set(address, open);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.open.get(address) ?? 1) - 1;
      if (left <= 0) this.open.delete(address);
      else this.open.set(address, left);
    };
    const dnsbl = this.config.dnsbl;
    if (dnsbl.zones.length === 0 || !dnsbl.listeners.includes(listener)) return verdict({}, release);
    const listings = await this.dnsblListings(address);
    if (listings.length === 0) return verdict({}, release);
    if (dnsbl.policy === 'score') return verdict({ score: listings.length * dnsbl.score, listings }, release);
    release();
    const zones = listings.map((l) => l.zone).join(', ');
    this.deps.log.info({ ip: address, listener, zones }, 'connection refused: DNSBL listing');
    return verdict({
      allowed: false,
      reason: 'dnsbl',
      listings,
      reply: new SmtpReply(554, '5.7.1', `service unavailable; client host listed by ${zones}`),
    });
  }

  /**
   * Before checking a password: refuses a banned IP or an account locked for this source network,
   * and otherwise waits the growing delay earned by earlier failures. The wait depends only on the
   * counters, never on whether the account exists.
   */
  async beforeAuth(ip: string, account: string): Promise<Verdict & { delayMs: number }> {
    const address = canonicalIp(ip);
    if (!this.config.enabled || this.allow.has(address)) return { ...ALLOWED, delayMs: 0 };
    const accountKey = this.accountKey(address, account);
    // One round trip's worth of latency on Redis: the four reads go out together.
    const [banned, locked, byIp, byAccount] = await Promise.all([
      this.bans.isBanned(address),
      this.deps.state.get(`lock:${accountKey}`),
      this.authIp.used(address),
      this.authAccount.used(accountKey),
    ]);
    if (banned) return { allowed: false, reason: 'banned', reply: BANNED_REPLY, delayMs: 0 };
    if (locked) {
      return {
        allowed: false,
        reason: 'locked',
        reply: new SmtpReply(454, '4.7.0', 'temporary authentication failure'),
        delayMs: 0,
      };
    }
    const delayMs = this.delayFor(Math.max(byIp, byAccount));
    if (delayMs > 0) await sleep(delayMs);
    return { ...ALLOWED, delayMs };
  }

  /** Counts a failed login; bans the IP or locks the account for this source network at the limits. */
  async onAuthFailure(ip: string, account: string): Promise<void> {
    const address = canonicalIp(ip);
    if (!this.config.enabled || this.allow.has(address)) return;
    const accountKey = this.accountKey(address, account);
    const [byIp, byAccount] = await Promise.all([this.authIp.hit(address), this.authAccount.hit(accountKey)]);
    if (byIp >= this.config.auth.ip_failures) {
      await this.bans.ban(address, { reason: 'auth_failures', actor: 'guard', ttlS: this.config.ban_ttl_s });
    }
    if (byAccount >= this.config.auth.account_failures) {
      const locked = await this.deps.state.setIfAbsent(`lock:${accountKey}`, '1', this.config.auth.lock_s * 1000);
      if (locked) {
        const network = sourceNetwork(address);
        await this.deps.control.audit.record({
          actor: 'guard',
          action: 'guard.lock',
          subject: this.deps.anonymiser.address(account),
          detail: { network: this.deps.anonymiser.ip(network.split('/')[0]!), ttl_s: this.config.auth.lock_s },
        });
        this.deps.log.warn({ ip: address, address: account }, 'account locked for one source network');
      }
    }
  }

  /** A successful login clears the account's failures from that network (the IP's count stays). */
  async onAuthSuccess(ip: string, account: string): Promise<void> {
    if (!this.config.enabled) return;
    await this.authAccount.reset(this.accountKey(canonicalIp(ip), account));
  }

  /**
   * An RCPT for a recipient we do not have. Past the per-connection or per-IP threshold the IP is
   * banned and the verdict says: reply 421 and close the connection.
   */
  async onUnknownRecipient(ip: string, connectionId: string): Promise<Verdict> {
    const address = canonicalIp(ip);
    if (!this.config.enabled || this.allow.has(address)) return ALLOWED;
    const r = this.config.recipients;
    const [inConnection, fromIp] = await Promise.all([
      this.unknownPerConnection.hit(`${address}|${connectionId}`),
      this.unknownPerIp.hit(address),
    ]);
    if (inConnection < r.unknown_per_connection && fromIp < r.unknown_per_ip) return ALLOWED;
    await this.bans.ban(address, { reason: 'unknown_recipients', actor: 'guard', ttlS: this.config.ban_ttl_s });
    return {
      allowed: false,
      reason: 'unknown_recipients',
      reply: new SmtpReply(421, '4.7.0', 'too many unknown recipients, closing connection'),
    };
  }

  /** One message accepted for delivery: per-IP and per-sender-domain hourly limits (451 when over). */
  async onMessage(ip: string, senderDomain: string | undefined): Promise<Verdict> {
    const address = canonicalIp(ip);
    if (!this.config.enabled || this.allow.has(address)) return ALLOWED;
    const m = this.config.messages;
    const byIp = await this.messagesPerIp.hit(address);
    const byDomain = senderDomain ? await this.messagesPerDomain.hit(senderDomain.toLowerCase()) : 0;
    if (byIp <= m.per_ip_per_hour && byDomain <= m.per_sender_domain_per_hour) return ALLOWED;
    return {
      allowed: false,
      reason: 'rate_limited',
      reply: new SmtpReply(451, '4.7.1', 'too many messages, try again later'),
    };
  }

  /** Something no honest client sends (TLS hello on a plain port, HTTP to SMTP): counts toward a ban. */
  async onProtocolMisuse(ip: string, kind: MisuseKind): Promise<void> {
    const address = canonicalIp(ip);
    if (!this.config.enabled || this.allow.has(address)) return;
    this.deps.log.info({ ip: address, kind }, 'protocol misuse');
    if ((await this.misuse.hit(address)) >= this.config.misuse.threshold) {
      await this.bans.ban(address, { reason: `misuse:${kind}`, actor: 'guard', ttlS: this.config.ban_ttl_s });
    }
  }

  /**
   * For plain-text mail listeners: pass the first chunk a client sent. A TLS hello or an HTTP
   * request is reported as misuse; returns what was found so the listener can close at once.
   */
  async inspectFirstBytes(ip: string, chunk: Buffer): Promise<MisuseKind | undefined> {
    const kind = classifyFirstBytes(chunk);
    if (kind) await this.onProtocolMisuse(ip, kind);
    return kind;
  }

  /** A connection to a trap port: nobody honest connects there, so the IP is banned everywhere. */
  async onTrap(ip: string, port: number): Promise<void> {
    const address = canonicalIp(ip);
    if (!this.config.enabled || this.allow.has(address)) return;
    await this.bans.ban(address, { reason: `trap:${port}`, actor: 'guard', ttlS: this.config.ban_ttl_s });
  }

  private accountKey(ip: string, account: string): string {
    return `${account.trim().toLowerCase()}|${sourceNetwork(ip)}`;
  }

  private delayFor(failures: number): number {
    const a = this.config.auth;
    const over = failures - a.free_failures;
    if (over <= 0 || a.delay_ms === 0) return 0;
    return Math.min(a.max_delay_ms, a.delay_ms * 2 ** Math.min(over - 1, 20));
  }

  private async dnsblListings(ip: string): Promise<DnsblListing[]> {
    const key = `dnsbl:${ip}`;
    const cached = await this.deps.state.get(key);
    if (cached) return JSON.parse(cached) as DnsblListing[];
    const { listings, complete } = await queryDnsbl(this.deps.dns, ip, this.config.dnsbl.zones);
    if (complete) await this.deps.state.set(key, JSON.stringify(listings), this.config.dnsbl.cache_s * 1000);
    return listings;
  }
}
