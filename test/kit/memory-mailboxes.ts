/**
 * An in-memory MailboxDirectory that follows src/store/mailbox/types.ts, for the protocol tests
 * while the encrypted store (issue 3) is not on main. Protocol code never imports it.
 */
import { timingSafeEqual } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../src/core/errors.js';
import { summariseMessage } from '../../src/mail/imap-structure.js';
import type {
  FlagChange,
  FolderInfo,
  FolderStatus,
  MailboxDirectory,
  MailboxEvent,
  MailboxSession,
  MessageMeta,
  MessageSummary,
  SpecialUse,
} from '../../src/store/mailbox/types.js';

interface StoredMessage extends MessageMeta {
  raw: Buffer;
  /** Parsed once at delivery, as the contract asks of the real store. */
  summary: Pick<MessageSummary, 'envelope' | 'bodyStructure'>;
  /** Lower-cased text for searchText, indexed once like the real store's FTS table. */
  index: { all: string; body: string; headers: Array<[string, string]> };
}

function indexOf(raw: Buffer): StoredMessage['index'] {
  const all = raw.toString('utf8').toLowerCase();
  const split = all.search(/\r?\n\r?\n/);
  const head = split < 0 ? all : all.slice(0, split);
  const headers = head
    .replace(/\r?\n[ \t]/g, ' ')
    .split(/\r?\n/)
    .map((line): [string, string] => {
      const colon = line.indexOf(':');
      return colon > 0 ? [line.slice(0, colon).trim(), line.slice(colon + 1)] : ['', ''];
    });
  return { all, body: split < 0 ? '' : all.slice(split), headers };
}

interface Folder {
  info: FolderInfo;
  uidValidity: number;
  uidNext: number;
  messages: StoredMessage[];
}

interface Box {
  password: string;
  folders: Map<string, Folder>;
  modseq: number;
  watchers: Set<{ owner: object; listener: (event: MailboxEvent) => void }>;
}

const SPECIAL: Array<[string, SpecialUse]> = [
  ['INBOX', '\\Inbox'],
  ['Sent', '\\Sent'],
  ['Drafts', '\\Drafts'],
  ['Junk', '\\Junk'],
  ['Trash', '\\Trash'],
  ['Archive', '\\Archive'],
];

export class MemoryMailboxDirectory implements MailboxDirectory {
  readonly boxes = new Map<string, Box>();
  private validity = 1000;

  async create(address: string, password: string): Promise<void> {
    if (this.boxes.has(address)) throw new ConflictError('mailbox exists');
    const box: Box = { password, folders: new Map(), modseq: 1, watchers: new Set() };
    for (const [name, use] of SPECIAL) box.folders.set(name, this.newFolder(name, use));
    this.boxes.set(address, box);
  }

  newFolder(name: string, specialUse?: SpecialUse): Folder {
    return { info: { name, specialUse, subscribed: true }, uidValidity: this.validity++, uidNext: 1, messages: [] };
  }

  async exists(address: string): Promise<boolean> {
    return this.boxes.has(address);
  }

  async deliver(address: string, raw: Buffer, options: { folder?: SpecialUse; flags?: string[]; internalDate?: Date } = {}) {
    const box = this.boxes.get(address);
    if (!box) throw new NotFoundError('no such mailbox');
    const folder = [...box.folders.values()].find((f) => f.info.specialUse === (options.folder ?? '\\Inbox')) as Folder;
    const meta = appendTo(box, folder, raw, options.flags ?? [], options.internalDate ?? new Date());
    for (const watcher of box.watchers) watcher.listener({ kind: 'exists', folder: folder.info.name, uids: [meta.uid] });
  }

  async unlock(address: string, password: string): Promise<MailboxSession | undefined> {
    const box = this.boxes.get(address);
    const expected = Buffer.from(box?.password ?? 'x'.repeat(password.length));
    const given = Buffer.from(password);
    const same = expected.length === given.length && timingSafeEqual(expected, given);
    if (!box || !same) return undefined;
    return new MemorySession(address, box, this);
  }

  async addPassword(): Promise<string> {
    throw new Error('not supported in memory');
  }
  async revokePassword(): Promise<void> {}
  async reset(): Promise<void> {}
  async destroy(address: string): Promise<void> {
    this.boxes.delete(address);
  }
  async close(): Promise<void> {}
}

function appendTo(box: Box, folder: Folder, raw: Buffer, flags: string[], date: Date): StoredMessage {
  const message: StoredMessage = {
    uid: folder.uidNext++,
    modseq: ++box.modseq,
    flags: [...new Set(flags)],
    internalDate: date.toISOString(),
    size: raw.length,
    raw: Buffer.from(raw),
    summary: summariseMessage(raw),
    index: indexOf(raw),
  };
  folder.messages.push(message);
  return message;
}

const metaOf = (m: StoredMessage): MessageMeta => ({
  uid: m.uid,
  modseq: m.modseq,
  flags: [...m.flags],
  internalDate: m.internalDate,
  size: m.size,
});

class MemorySession implements MailboxSession {
  private readonly owner = {};
  constructor(
    readonly address: string,
    private readonly box: Box,
    private readonly directory: MemoryMailboxDirectory,
  ) {}

  private folder(name: string): Folder {
    const found = this.box.folders.get(name.toUpperCase() === 'INBOX' ? 'INBOX' : name);
    if (!found) throw new NotFoundError('no such folder');
    return found;
  }

  private emit(event: MailboxEvent): void {
    for (const watcher of this.box.watchers) if (watcher.owner !== this.owner) watcher.listener(event);
  }

  async listFolders(): Promise<FolderInfo[]> {
    return [...this.box.folders.values()].map((f) => ({ ...f.info }));
  }
  async createFolder(name: string): Promise<void> {
    if (this.box.folders.has(name) || name.toUpperCase() === 'INBOX') throw new ConflictError('folder exists');
    this.box.folders.set(name, this.directory.newFolder(name));
    this.emit({ kind: 'folders' });
  }
  async deleteFolder(name: string): Promise<void> {
    const folder = this.folder(name);
    if (folder.info.name === 'INBOX') throw new ConflictError('cannot delete INBOX');
    this.box.folders.delete(folder.info.name);
    this.emit({ kind: 'folders' });
  }
  async renameFolder(from: string, to: string): Promise<void> {
    const folder = this.folder(from);
    if (this.box.folders.has(to)) throw new ConflictError('folder exists');
    this.box.folders.delete(folder.info.name);
    folder.info.name = to;
    folder.uidValidity++;
    this.box.folders.set(to, folder);
    this.emit({ kind: 'folders' });
  }
  async setSubscribed(name: string, subscribed: boolean): Promise<void> {
    this.folder(name).info.subscribed = subscribed;
  }
  async folderFor(use: SpecialUse): Promise<string> {
    return [...this.box.folders.values()].find((f) => f.info.specialUse === use)?.info.name ?? 'INBOX';
  }
  async status(name: string): Promise<FolderStatus> {
    const folder = this.folder(name);
    return {
      name: folder.info.name,
      messages: folder.messages.length,
      recent: 0,
      unseen: folder.messages.filter((m) => !m.flags.includes('\\Seen')).length,
      uidNext: folder.uidNext,
      uidValidity: folder.uidValidity,
      highestModseq: this.box.modseq,
      size: folder.messages.reduce((sum, m) => sum + m.size, 0),
    };
  }
  async list(name: string, options: { sinceModseq?: number } = {}): Promise<MessageMeta[]> {
    return this.folder(name)
      .messages.filter((m) => m.modseq > (options.sinceModseq ?? 0))
      .map(metaOf);
  }
  async summaries(name: string, uids: number[]): Promise<MessageSummary[]> {
    const wanted = new Set(uids);
    return this.folder(name)
      .messages.filter((m) => wanted.has(m.uid))
      .map((m) => ({ ...metaOf(m), ...m.summary }));
  }
  async read(name: string, uid: number): Promise<Buffer> {
    const message = this.folder(name).messages.find((m) => m.uid === uid);
    if (!message) throw new NotFoundError('no such message');
    return Buffer.from(message.raw);
  }
  async append(name: string, raw: Buffer, options: { flags?: string[]; internalDate?: Date } = {}): Promise<MessageMeta> {
    const folder = this.folder(name);
    const message = appendTo(this.box, folder, raw, options.flags ?? [], options.internalDate ?? new Date());
    this.emit({ kind: 'exists', folder: folder.info.name, uids: [message.uid] });
    return metaOf(message);
  }
  async setFlags(
    name: string,
    uids: number[],
    mode: 'add' | 'remove' | 'replace',
    flags: string[],
    options: { unchangedSince?: number } = {},
  ) {
    const folder = this.folder(name);
    const wanted = new Set(uids);
    const changed: FlagChange[] = [];
    const failedModified: number[] = [];
    for (const message of folder.messages) {
      if (!wanted.has(message.uid)) continue;
      if (options.unchangedSince !== undefined && message.modseq > options.unchangedSince) {
        failedModified.push(message.uid);
        continue;
      }
      const next = new Set(mode === 'replace' ? [] : message.flags);
      for (const flag of flags) mode === 'remove' ? next.delete(flag) : next.add(flag);
      const after = [...next];
      if (after.length === message.flags.length && after.every((f) => message.flags.includes(f))) continue;
      message.flags = after;
      message.modseq = ++this.box.modseq;
      changed.push({ uid: message.uid, modseq: message.modseq, flags: [...after] });
    }
    if (changed.length) this.emit({ kind: 'flags', folder: folder.info.name, changes: changed });
    return { changed, failedModified };
  }
  async copy(name: string, uids: number[], destination: string): Promise<Map<number, number>> {
    const source = this.folder(name);
    const target = this.folder(destination);
    const map = new Map<number, number>();
    for (const message of source.messages.filter((m) => uids.includes(m.uid))) {
      const copied = appendTo(this.box, target, message.raw, message.flags, new Date(message.internalDate));
      map.set(message.uid, copied.uid);
    }
    if (map.size) this.emit({ kind: 'exists', folder: target.info.name, uids: [...map.values()] });
    return map;
  }
  async move(name: string, uids: number[], destination: string): Promise<Map<number, number>> {
    const map = await this.copy(name, uids, destination);
    const source = this.folder(name);
    source.messages = source.messages.filter((m) => !map.has(m.uid));
    this.box.modseq++;
    this.emit({ kind: 'expunge', folder: source.info.name, uids: [...map.keys()] });
    return map;
  }
  async expunge(name: string, uids?: number[]): Promise<number[]> {
    const folder = this.folder(name);
    const gone = folder.messages
      .filter((m) => m.flags.includes('\\Deleted') && (!uids || uids.includes(m.uid)))
      .map((m) => m.uid);
    folder.messages = folder.messages.filter((m) => !gone.includes(m.uid));
    if (gone.length) {
      this.box.modseq++;
      this.emit({ kind: 'expunge', folder: folder.info.name, uids: gone });
    }
    return gone;
  }
  async searchText(name: string, query: { text?: string; body?: string; header?: [string, string] }): Promise<number[]> {
    const text = query.text?.toLowerCase();
    const body = query.body?.toLowerCase();
    const field = query.header?.[0].toLowerCase();
    const value = query.header?.[1].toLowerCase() ?? '';
    return this.folder(name)
      .messages.filter(({ index }) => {
        if (text !== undefined && !index.all.includes(text)) return false;
        if (body !== undefined && !index.body.includes(body)) return false;
        if (field !== undefined && !index.headers.some(([f, v]) => f === field && v.includes(value))) return false;
        return true;
      })
      .map((m) => m.uid);
  }
  async quota() {
    let used = 0;
    let messages = 0;
    for (const folder of this.box.folders.values()) {
      for (const m of folder.messages) {
        used += m.size;
        messages++;
      }
    }
    return { usedBytes: used, limitBytes: 1024 * 1024 * 1024, messages };
  }
  watch(listener: (event: MailboxEvent) => void): () => void {
    const entry = { owner: this.owner, listener };
    this.box.watchers.add(entry);
    return () => this.box.watchers.delete(entry);
  }
  private readonly settings = new Map<string, string>();
  async getSetting(key: string) {
    return this.settings.get(key);
  }
  async setSetting(key: string, value: string) {
    this.settings.set(key, value);
  }
  async close(): Promise<void> {}
}
