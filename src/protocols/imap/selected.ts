/**
 * The selected folder as one session sees it: the sequence-number ↔ UID map and cached flags,
 * kept in step with changes from other sessions (which arrive through `MailboxSession.watch`).
 */
import type { FlagChange, MailboxSession, MessageMeta } from '../../store/mailbox/types.js';
import { bad } from './args.js';
import { atom, imapValue, inRanges, parseSequenceSet } from './encode.js';

export class SelectedFolder {
  uids: number[] = [];
  readonly meta = new Map<number, MessageMeta>();
  uidValidity = 0;
  uidNext = 1;
  /** Highest modseq this session has listed (changes above it are still to be reported). */
  syncedModseq = 0;
  private dirty = false;
  private readonly pendingExpunge = new Set<number>();

  constructor(
    readonly name: string,
    readonly readOnly: boolean,
  ) {}

  async load(session: MailboxSession): Promise<void> {
    const [status, list] = await Promise.all([session.status(this.name), session.list(this.name)]);
    this.uidValidity = status.uidValidity;
    this.uidNext = status.uidNext;
    this.syncedModseq = status.highestModseq;
    for (const message of list) {
      this.uids.push(message.uid);
      this.meta.set(message.uid, message);
    }
  }

  get exists(): number {
    return this.uids.length;
  }

  highestModseq(): number {
    let highest = this.syncedModseq;
    for (const meta of this.meta.values()) if (meta.modseq > highest) highest = meta.modseq;
    return highest;
  }

  seqOf(uid: number): number {
    let low = 0;
    let high = this.uids.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const value = this.uids[mid] as number;
      if (value === uid) return mid + 1;
      if (value < uid) low = mid + 1;
      else high = mid - 1;
    }
    return 0;
  }

  /** UIDs addressed by a sequence set (by sequence number, or by UID for UID commands). */
  resolve(set: string, byUid: boolean): number[] {
    if (set === '$') throw bad('Search result variable not supported');
    const max = byUid ? (this.uids[this.uids.length - 1] ?? 0) : this.uids.length;
    const ranges = parseSequenceSet(set, max);
    if (!ranges) throw bad('Invalid sequence set');
    if (byUid) return this.uids.filter((uid) => inRanges(uid, ranges));
    for (const [, to] of ranges) if (to > this.uids.length) throw bad('Invalid message sequence number');
    return this.uids.filter((_uid, index) => inRanges(index + 1, ranges));
  }

  private readonly pendingFlags = new Map<number, FlagChange>();

  /** Another session changed this folder (flag changes carry their new state, so no re-listing). */
  onEvent(event: { kind: 'exists' | 'expunge'; uids: number[] } | { kind: 'flags'; changes: FlagChange[] }): void {
    if (event.kind === 'expunge') for (const uid of event.uids) this.pendingExpunge.add(uid);
    else if (event.kind === 'flags') {
      for (const change of event.changes) {
        const known = this.pendingFlags.get(change.uid);
        if (!known || known.modseq < change.modseq) this.pendingFlags.set(change.uid, change);
      }
    } else this.dirty = true;
  }

  markDirty(): void {
    this.dirty = true;
  }

  get hasPending(): boolean {
    return this.dirty || this.pendingExpunge.size > 0 || this.pendingFlags.size > 0;
  }

  /** Removes one UID and returns the untagged EXPUNGE for it. */
  expungeLine(uid: number): string | undefined {
    const seq = this.seqOf(uid);
    if (!seq) return undefined;
    this.uids.splice(seq - 1, 1);
    this.meta.delete(uid);
    return `* ${seq} EXPUNGE`;
  }

  /**
   * Brings this view up to date and returns the untagged responses that say so. EXPUNGE may not be
   * sent during FETCH/STORE/SEARCH by sequence number (RFC 3501 §7.4.1), so it can be held back.
   */
  async sync(session: MailboxSession, options: { allowExpunge: boolean; condstore: boolean }): Promise<Buffer[]> {
    const out: Buffer[] = [];
    if (options.allowExpunge && this.pendingExpunge.size) {
      for (const uid of [...this.pendingExpunge].sort((a, b) => a - b)) {
        const line = this.expungeLine(uid);
        if (line) out.push(Buffer.from(`${line}\r\n`));
      }
      this.pendingExpunge.clear();
    }
    const changed: MessageMeta[] = [];
    if (this.dirty) {
      this.dirty = false;
      const listed = await session.list(this.name, { sinceModseq: this.syncedModseq });
      for (const message of listed) if (message.modseq > this.syncedModseq) this.syncedModseq = message.modseq;
      changed.push(...listed);
    }
    for (const change of this.pendingFlags.values()) {
      const known = this.meta.get(change.uid);
      if (known && known.modseq < change.modseq) changed.push({ ...known, flags: change.flags, modseq: change.modseq });
    }
    this.pendingFlags.clear();
    const fresh: MessageMeta[] = [];
    for (const message of changed) {
      if (this.pendingExpunge.has(message.uid)) continue;
      const known = this.meta.get(message.uid);
      if (!known) {
        if (message.uid > (this.uids[this.uids.length - 1] ?? 0)) fresh.push(message);
        continue;
      }
      if (known.modseq > message.modseq) continue;
      const same = known.flags.length === message.flags.length && known.flags.every((f) => message.flags.includes(f));
      this.meta.set(message.uid, message);
      if (!same) {
        const items: unknown[] = [atom('UID'), message.uid, atom('FLAGS'), message.flags.map(atom)];
        if (options.condstore) items.push(atom('MODSEQ'), [message.modseq]);
        out.push(Buffer.concat([Buffer.from(`* ${this.seqOf(message.uid)} FETCH `), imapValue(items), Buffer.from('\r\n')]));
      }
    }
    if (fresh.length) {
      for (const message of fresh.sort((a, b) => a.uid - b.uid)) {
        this.uids.push(message.uid);
        this.meta.set(message.uid, message);
        this.uidNext = Math.max(this.uidNext, message.uid + 1);
      }
      out.push(Buffer.from(`* ${this.uids.length} EXISTS\r\n`));
    }
    return out;
  }
}
