import type { AccountRepository } from './account-types.js';

/** The control store: domains, aliases, audit, accounts. One interface, a Kysely implementation per dialect. */

export interface Domain {
  name: string;
  verificationToken: string;
  createdAt: string;
}

export interface Alias {
  address: string;
  domain: string;
  forwards: string[];
  mailbox: boolean;
  enabled: boolean;
  createdAt: string;
}

export interface NewAlias {
  address: string;
  forwards?: string[];
  mailbox?: boolean;
  enabled?: boolean;
}

export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown>;
}

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'> & { at?: string };

export interface DomainRepository {
  add(name: string): Promise<Domain>;
  get(name: string): Promise<Domain | undefined>;
  list(): Promise<Domain[]>;
  /** Removes the domain and its aliases; returns the removed alias addresses. */
  remove(name: string): Promise<string[]>;
}

export interface AliasRepository {
  add(alias: NewAlias): Promise<Alias>;
  get(address: string): Promise<Alias | undefined>;
  list(domain?: string): Promise<Alias[]>;
  update(address: string, change: Partial<Pick<Alias, 'forwards' | 'mailbox' | 'enabled'>>): Promise<Alias>;
  remove(address: string): Promise<void>;
  /** The alias a recipient reaches: exact address, then without +tag, then the domain's catch-all. */
  resolve(recipient: string): Promise<Alias | undefined>;
}

export interface AuditRepository {
  record(event: NewAuditEvent): Promise<void>;
  list(options?: { limit?: number; action?: string; actor?: string }): Promise<AuditEvent[]>;
}

/** The keys inbound mail for an alias is encrypted to (OpenPGP/MIME, S/MIME). */
export interface AliasKeys {
  address: string;
  /** ASCII-armored OpenPGP public key. */
  pgpPublicKey?: string;
  /** PEM X.509 certificate. */
  smimeCertificate?: string;
  updatedAt: string;
}

export interface AliasKeyRepository {
  get(address: string): Promise<AliasKeys | undefined>;
  /** Sets (or with null clears) the alias's OpenPGP public key; the alias must exist. */
  setPgp(address: string, armoredKey: string | null): Promise<void>;
  /** Sets (or with null clears) the alias's S/MIME certificate; the alias must exist. */
  setSmime(address: string, pemCertificate: string | null): Promise<void>;
}

export interface BanRecord {
  ip: string;
  reason: string;
  actor: string;
  createdAt: string;
  expiresAt: string;
  /** Lifted with `ban remove` (kept so every node learns of the removal). */
  removed: boolean;
  updatedAt: string;
}

export interface BanRepository {
  /** Records (or renews) a ban of one IP. */
  put(ban: { ip: string; reason: string; actor: string; expiresAt: string }): Promise<BanRecord>;
  /** Marks the ban of `ip` removed; false when there was no active ban. */
  remove(ip: string): Promise<boolean>;
  /** Bans in force now. */
  active(limit?: number): Promise<BanRecord[]>;
  /** Every row changed at or after `since` (ISO time), removed ones included: what a node syncs. */
  changedSince(since: string): Promise<BanRecord[]>;
  /** Deletes rows that expired or were removed before `before`; returns how many. */
  purge(before: string): Promise<number>;
}

export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

export interface DkimKey {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  /** Base64 as published in the DNS `p=` tag. */
  publicKey: string;
  /** The PKCS#8 PEM private key sealed under a key derived from the master key (base64). */
  sealedPrivateKey: string;
  createdAt: string;
  /** Set when rotated out: no longer signs, stays published for the grace period. */
  retiredAt?: string;
}

export interface DkimKeyRepository {
  /** Retires the domain's active keys, deletes keys retired before `forgetRetiredBefore`, adds `keys`: one transaction. */
  rotate(domain: string, keys: DkimKey[], forgetRetiredBefore: string): Promise<void>;
  /** Every stored key of the domain, newest first (active and retired). */
  list(domain: string): Promise<DkimKey[]>;
}

export interface QueueEntry {
  id: string;
  /** Destination domain: one entry per domain, so per-destination concurrency is per entry. */
  domain: string;
  /** The envelope (sender, recipients still to do) as sealed JSON (base64). */
  sealedEnvelope: string;
  size: number;
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  /** The last deferral reason, safe to show (never message content). */
  lastError?: string;
}

export interface QueueRepository {
  add(entry: QueueEntry): Promise<void>;
  get(id: string): Promise<QueueEntry | undefined>;
  /** Entries due at `now`, oldest first. */
  due(now: string, limit: number): Promise<QueueEntry[]>;
  list(): Promise<QueueEntry[]>;
  update(id: string, change: Partial<Pick<QueueEntry, 'sealedEnvelope' | 'attempts' | 'nextAttemptAt' | 'lastError'>>): Promise<void>;
  /** Returns whether the entry existed. */
  remove(id: string): Promise<boolean>;
  /** Makes every entry (or one) due now; returns how many. */
  flush(now: string, id?: string): Promise<number>;
}

export interface ControlStore {
  readonly dialect: 'sqlite' | 'postgres';
  readonly domains: DomainRepository;
  readonly aliases: AliasRepository;
  readonly audit: AuditRepository;
  readonly aliasKeys: AliasKeyRepository;
  readonly accounts: AccountRepository;
  readonly bans: BanRepository;
  readonly dkimKeys: DkimKeyRepository;
  readonly queue: QueueRepository;
  /** A cheap round trip, for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
