import { AppError } from '../../core/errors.js';
import * as folders from './folder-ops.js';
import { prepareMessage, type Summarise } from './ingest.js';
import * as messages from './message-ops.js';
import type { OpenMailbox } from './open-mailbox.js';
import type {
  FlagChange,
  FlagMode,
  FolderInfo,
  FolderStatus,
  MailboxEvent,
  MailboxSession,
  MessageMeta,
  MessageSummary,
  Quota,
  SpecialUse,
} from './types.js';

/** One client's view of an unlocked mailbox. Changes it makes are announced to the other sessions. */
export class SealedMailboxSession implements MailboxSession {
  private closed = false;
  private readonly unwatchers = new Set<() => void>();

  constructor(
    readonly address: string,
    private readonly mailbox: OpenMailbox,
    private readonly summarise: Summarise,
    private readonly onClose: (mailbox: OpenMailbox) => void,
  ) {}

  private get db() {
    if (this.closed || !this.mailbox.alive) throw new AppError('session_closed', 'mailbox session is closed', { temporary: true });
    return this.mailbox.db;
  }

  private announce(event: MailboxEvent): void {
    this.mailbox.emit(event, this);
  }

  async listFolders(): Promise<FolderInfo[]> {
    return folders.listFolders(this.db);
  }

  async createFolder(name: string): Promise<void> {
    folders.createFolder(this.db, name);
    this.announce({ kind: 'folders' });
  }

  async deleteFolder(name: string): Promise<void> {
    folders.deleteFolder(this.db, name);
    this.announce({ kind: 'folders' });
  }

  async renameFolder(from: string, to: string): Promise<void> {
    const db = this.db;
    folders.renameFolder(db, from, to, (source, target) => {
      const uids = messages.listMessages(db, source.name).map((m) => m.uid);
      messages.copyMessages(db, source.name, uids, target);
      messages.removeMessages(db, source.name, uids, false);
    });
    this.announce({ kind: 'folders' });
  }

  async setSubscribed(name: string, subscribed: boolean): Promise<void> {
    folders.setSubscribed(this.db, name, subscribed);
  }

  async folderFor(use: SpecialUse): Promise<string> {
    return folders.folderFor(this.db, use);
  }

  async status(folder: string): Promise<FolderStatus> {
    return folders.folderStatus(this.db, folder);
  }

  async list(folder: string, options: { sinceModseq?: number } = {}): Promise<MessageMeta[]> {
    return messages.listMessages(this.db, folder, options.sinceModseq);
  }

  async summaries(folder: string, uids: number[]): Promise<MessageSummary[]> {
    return messages.summaries(this.db, folder, uids);
  }

  async read(folder: string, uid: number): Promise<Buffer> {
    return messages.readRaw(this.db, folder, uid);
  }

  async append(folder: string, raw: Buffer, options: { flags?: string[]; internalDate?: Date } = {}): Promise<MessageMeta> {
    const quota = messages.quotaUsage(this.db);
    if (quota.usedBytes + raw.length > quota.limitBytes) throw new AppError('over_quota', 'mailbox quota exceeded');
    const prepared = await prepareMessage(raw, this.summarise);
    const db = this.db;
    const target = folders.getFolder(db, folder);
    const meta = db.transaction(() => messages.insertMessage(db, target, prepared, options.flags ?? [], options.internalDate ?? new Date()))();
    this.announce({ kind: 'exists', folder: target.name, uids: [meta.uid] });
    return meta;
  }

  async setFlags(
    folder: string,
    uids: number[],
    mode: FlagMode,
    flags: string[],
    options: { unchangedSince?: number } = {},
  ): Promise<{ changed: FlagChange[]; failedModified: number[] }> {
    const result = messages.setFlags(this.db, folder, uids, mode, flags, options.unchangedSince);
    if (result.changed.length) this.announce({ kind: 'flags', folder: folders.canonicalName(folder), changes: result.changed });
    return result;
  }

  async copy(folder: string, uids: number[], destination: string): Promise<Map<number, number>> {
    const mapping = messages.copyMessages(this.db, folder, uids, destination);
    if (mapping.size) this.announce({ kind: 'exists', folder: folders.canonicalName(destination), uids: [...mapping.values()] });
    return mapping;
  }

  async move(folder: string, uids: number[], destination: string): Promise<Map<number, number>> {
    const db = this.db;
    let mapping = new Map<number, number>();
    db.transaction(() => {
      mapping = messages.copyMessages(db, folder, uids, destination);
      messages.removeMessages(db, folder, [...mapping.keys()], false);
    })();
    if (mapping.size) {
      this.announce({ kind: 'exists', folder: folders.canonicalName(destination), uids: [...mapping.values()] });
      this.announce({ kind: 'expunge', folder: folders.canonicalName(folder), uids: [...mapping.keys()] });
    }
    return mapping;
  }

  async expunge(folder: string, uids?: number[]): Promise<number[]> {
    const removed = messages.removeMessages(this.db, folder, uids, true);
    if (removed.length) this.announce({ kind: 'expunge', folder: folders.canonicalName(folder), uids: removed });
    return removed;
  }

  async searchText(folder: string, query: { text?: string; body?: string; header?: [string, string] }): Promise<number[]> {
    return messages.searchText(this.db, folder, query);
  }

  async quota(): Promise<Quota> {
    return messages.quotaUsage(this.db);
  }

  watch(listener: (event: MailboxEvent) => void): () => void {
    const handler = (event: MailboxEvent, origin: unknown) => {
      if (origin !== this) listener(event);
    };
    this.mailbox.events.on('change', handler);
    const unwatch = () => {
      this.mailbox.events.off('change', handler);
      this.unwatchers.delete(unwatch);
    };
    this.unwatchers.add(unwatch);
    return unwatch;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = this.db.prepare('select value from settings where key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.db.prepare('insert or replace into settings (key, value) values (?, ?)').run(key, value);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const unwatch of [...this.unwatchers]) unwatch();
    this.closed = true;
    this.onClose(this.mailbox);
  }
}
