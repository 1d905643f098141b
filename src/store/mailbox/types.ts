/**
 * The contract between the encrypted mailbox store and everything that reads or writes mail
 * (MX delivery, submission's Sent copy, IMAP, POP3, the web API). The store implements it;
 * protocols depend only on this file.
 *
 * Two halves, matching the key hierarchy in DESIGN.md:
 * - `MailboxDirectory`: what a process WITHOUT any mailbox key may do: create, seal into the spool,
 *   unlock with a password, manage passwords, destroy.
 * - `MailboxSession`: an unlocked mailbox (its data key in memory until `close()` and the idle TTL).
 */

export type SpecialUse = '\\Inbox' | '\\Sent' | '\\Drafts' | '\\Junk' | '\\Trash' | '\\Archive';

export interface FolderInfo {
  name: string;
  /** '/'-separated hierarchy in IMAP's UTF-8 form (the protocol layer does modified UTF-7). */
  specialUse?: SpecialUse;
  subscribed: boolean;
}

export interface FolderStatus {
  name: string;
  messages: number;
  recent: number;
  unseen: number;
  uidNext: number;
  uidValidity: number;
  highestModseq: number;
  /** Total bytes of the folder's messages. */
  size: number;
}

export interface MessageMeta {
  uid: number;
  modseq: number;
  flags: string[];
  /** ISO 8601 */
  internalDate: string;
  size: number;
}

/** Parsed once at delivery and cached, so FETCH ENVELOPE/BODYSTRUCTURE never re-parse. */
export interface MessageSummary extends MessageMeta {
  /** The IMAP ENVELOPE structure as JSON (RFC 3501 §7.4.2), built by src/mail. */
  envelope: unknown;
  /** The IMAP BODYSTRUCTURE as JSON, built by src/mail. */
  bodyStructure: unknown;
}

export type FlagMode = 'add' | 'remove' | 'replace';

export interface FlagChange {
  uid: number;
  modseq: number;
  flags: string[];
}

/** A change another session made, for untagged EXISTS / EXPUNGE / FETCH FLAGS and IDLE. */
export type MailboxEvent =
  | { kind: 'exists'; folder: string; uids: number[] }
  | { kind: 'expunge'; folder: string; uids: number[] }
  | { kind: 'flags'; folder: string; changes: FlagChange[] }
  | { kind: 'folders' };

export interface Quota {
  usedBytes: number;
  limitBytes: number;
  messages: number;
}

export interface SealedDelivery {
  /** Target folder by special use; default \Inbox. Quarantined mail goes to \Junk. */
  folder?: SpecialUse;
  flags?: string[];
  internalDate?: Date;
}

export interface MailboxDirectory {
  /** Creates an empty mailbox whose data key is wrapped by `password`. Throws ConflictError if it exists. */
  create(address: string, password: string): Promise<void>;
  exists(address: string): Promise<boolean>;
  /**
   * Seals a message to the mailbox's public key and appends it to the spool, durably (fsync'd)
   * before returning. Needs no key and never reads the mailbox.
   */
  deliver(address: string, raw: Buffer, options?: SealedDelivery): Promise<void>;
  /**
   * Verifies the password (same cost whether or not the mailbox exists), opens the mailbox and
   * drains its spool. Returns undefined for a wrong password or unknown mailbox: the two are
   * indistinguishable to the caller.
   */
  unlock(address: string, password: string): Promise<MailboxSession | undefined>;
  /** Adds another password (app password) wrapping the same data key; O(1). Returns its id. */
  addPassword(address: string, currentPassword: string, newPassword: string, label?: string): Promise<string>;
  /** Revokes one app password by id. */
  revokePassword(address: string, currentPassword: string, passwordId: string): Promise<void>;
  /** Admin reset: a new empty mailbox under `newPassword`; the old one is destroyed unless `keepOld`. */
  reset(address: string, newPassword: string, options: { keepOld: boolean }): Promise<void>;
  /** Crypto-shredding: destroys wrapped keys first, then the files. */
  destroy(address: string): Promise<void>;
  /** Drops every cached key (shutdown). */
  close(): Promise<void>;
}

export interface MailboxSession {
  readonly address: string;
  listFolders(): Promise<FolderInfo[]>;
  createFolder(name: string): Promise<void>;
  deleteFolder(name: string): Promise<void>;
  renameFolder(from: string, to: string): Promise<void>;
  setSubscribed(name: string, subscribed: boolean): Promise<void>;
  /** Folder name for a special use (e.g. where \Junk lives). */
  folderFor(use: SpecialUse): Promise<string>;
  status(folder: string): Promise<FolderStatus>;

  /** Messages in UID order; `sinceModseq` for CONDSTORE/QRESYNC. */
  list(folder: string, options?: { sinceModseq?: number }): Promise<MessageMeta[]>;
  summaries(folder: string, uids: number[]): Promise<MessageSummary[]>;
  /** The raw RFC 5322 bytes. */
  read(folder: string, uid: number): Promise<Buffer>;
  append(folder: string, raw: Buffer, options?: { flags?: string[]; internalDate?: Date }): Promise<MessageMeta>;
  setFlags(
    folder: string,
    uids: number[],
    mode: FlagMode,
    flags: string[],
    options?: { unchangedSince?: number },
  ): Promise<{ changed: FlagChange[]; failedModified: number[] }>;
  /** Returns source UID → destination UID (UIDPLUS COPYUID). */
  copy(folder: string, uids: number[], destination: string): Promise<Map<number, number>>;
  move(folder: string, uids: number[], destination: string): Promise<Map<number, number>>;
  /** Removes \Deleted messages (all, or only `uids`); returns the expunged UIDs. */
  expunge(folder: string, uids?: number[]): Promise<number[]>;
  /** Full-text search (FTS5) over headers and text; returns matching UIDs. */
  searchText(folder: string, query: { text?: string; body?: string; header?: [string, string] }): Promise<number[]>;
  quota(): Promise<Quota>;
  /** Subscribe to changes made by other sessions of the same mailbox; returns an unsubscribe function. */
  watch(listener: (event: MailboxEvent) => void): () => void;
  /** Per-user data kept inside the encrypted file (e.g. the user's spam model). */
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /** Ends this session; the key is zeroed when the last session closes and the idle TTL passes. */
  close(): Promise<void>;
}
