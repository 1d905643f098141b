import type { Anonymiser } from '../../log/anonymise.js';
import type { Logger } from '../../log/logger.js';
import type { AuditRepository, BanRecord, BanRepository } from '../../store/control/types.js';
import type { StateStore } from '../../store/state/types.js';
import type { AllowList } from './network.js';
import { canonicalIp } from './network.js';
import type { NftablesPusher } from './nftables.js';

export interface BanInfo {
  reason: string;
  actor: string;
  until: string;
}

export interface BanRegistryDeps {
  state: StateStore;
  bans: BanRepository;
  audit: AuditRepository;
  allow: AllowList;
  anonymiser: Anonymiser;
  log: Logger;
  nft?: NftablesPusher;
  clock?: () => number;
}

const KEY = 'ban:';
// Rows changed this long before the last sync are read again: clocks of several nodes differ a little.
const SYNC_OVERLAP_MS = 60_000;

/**
 * Bans, in two places with two jobs: the state store answers "is this IP banned?" on every
 * connection (in memory, or Redis shared by every node); the control store's guard_bans table is the
 * durable record that `sealmail ban` writes and every node syncs from (`sync()`, every
 * `[guard] ban_sync_ms`). Every ban and unban writes an audit event with the IP anonymised.
 */
export class BanRegistry {
  private readonly clock: () => number;
  private syncedUpTo = '';
  /**
   * The version (updatedAt) of each row this node last applied. The sync window overlaps, so rows
   * come back: applying one again would undo a later unban another node made directly in shared
   * state (Redis), when that node keeps its own control store.
   */
  private readonly applied = new Map<string, string>();

  constructor(private readonly deps: BanRegistryDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async isBanned(ip: string): Promise<boolean> {
    return (await this.deps.state.get(KEY + canonicalIp(ip))) !== undefined;
  }

  async info(ip: string): Promise<BanInfo | undefined> {
    const raw = await this.deps.state.get(KEY + canonicalIp(ip));
    return raw ? (JSON.parse(raw) as BanInfo) : undefined;
  }

  /**
   * Bans `ip` for `ttlS` seconds. Automatic bans (`renew: false`) leave a ban already in force alone,
   * so a burst of triggers writes one record and one audit event. Allow-listed IPs are never banned.
   */
  async ban(ip: string, options: { reason: string; actor: string; ttlS: number; renew?: boolean }): Promise<boolean> {
    const address = canonicalIp(ip);
    if (this.deps.allow.has(address)) return false;
    const until = new Date(this.clock() + options.ttlS * 1000).toISOString();
    const value = JSON.stringify({ reason: options.reason, actor: options.actor, until } satisfies BanInfo);
    const ttlMs = options.ttlS * 1000;
    if (options.renew) await this.deps.state.set(KEY + address, value, ttlMs);
    else if (!(await this.deps.state.setIfAbsent(KEY + address, value, ttlMs))) return false;
    const record = await this.deps.bans.put({ ip: address, reason: options.reason, actor: options.actor, expiresAt: until });
    this.applied.set(address, record.updatedAt);
    await this.deps.audit.record({
      actor: options.actor,
      action: 'guard.ban',
      subject: this.deps.anonymiser.ip(address),
      detail: { reason: options.reason, ttl_s: options.ttlS },
    });
    this.deps.log.warn({ ip: address, reason: options.reason, ttl_s: options.ttlS }, 'ip banned');
    await this.deps.nft?.ban(address, options.ttlS);
    return true;
  }

  async unban(ip: string, actor: string): Promise<boolean> {
    const address = canonicalIp(ip);
    const wasCached = await this.isBanned(address);
    await this.deps.state.delete(KEY + address);
    const wasRecorded = await this.deps.bans.remove(address);
    if (!wasCached && !wasRecorded) return false;
    await this.deps.audit.record({ actor, action: 'guard.unban', subject: this.deps.anonymiser.ip(address), detail: {} });
    this.deps.log.info({ ip: address }, 'ip unbanned');
    await this.deps.nft?.unban(address);
    return true;
  }

  list(): Promise<BanRecord[]> {
    return this.deps.bans.active();
  }

  /** Applies bans and removals other processes (the CLI, other nodes) recorded since the last sync. */
  async sync(): Promise<number> {
    const now = this.clock();
    const since = this.syncedUpTo
      ? new Date(Date.parse(this.syncedUpTo) - SYNC_OVERLAP_MS).toISOString()
      : new Date(0).toISOString();
    const rows = await this.deps.bans.changedSince(since);
    let applied = 0;
    for (const row of rows) {
      if (this.applied.get(row.ip) === row.updatedAt) continue;
      const remaining = Date.parse(row.expiresAt) - now;
      if (row.removed || remaining <= 0 || this.deps.allow.has(row.ip)) {
        await this.deps.state.delete(KEY + row.ip);
      } else {
        const value = JSON.stringify({ reason: row.reason, actor: row.actor, until: row.expiresAt } satisfies BanInfo);
        await this.deps.state.set(KEY + row.ip, value, remaining);
      }
      applied++;
      this.applied.set(row.ip, row.updatedAt);
      if (row.updatedAt > this.syncedUpTo) this.syncedUpTo = row.updatedAt;
    }
    for (const [ip, version] of this.applied) if (version < since) this.applied.delete(ip);
    if (!this.syncedUpTo) this.syncedUpTo = new Date(now).toISOString();
    return applied;
  }

  /** Forgets rows that expired a day ago. */
  purge(): Promise<number> {
    return this.deps.bans.purge(new Date(this.clock() - 86_400_000).toISOString());
  }
}
