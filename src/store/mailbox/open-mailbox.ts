import { EventEmitter } from 'node:events';
import type { HybridPublicKey, HybridSecretKey } from '../../crypto/hybrid-seal.js';
import { forgetSecretKey, openSealed } from '../../crypto/hybrid-seal.js';
import type { SecretKey } from '../../crypto/secret-key.js';
import type { SqliteDatabase } from '../encrypted-sqlite.js';
import { folderFor, getFolder } from './folder-ops.js';
import { type PreparedMessage, prepareMessage, type Summarise } from './ingest.js';
import { insertMessage } from './message-ops.js';
import { decodePayload } from './sealed-payload.js';
import type { Spool } from './spool.js';
import type { MailboxEvent, SpecialUse } from './types.js';

export interface DrainHooks {
  /** Test seam: runs after a batch committed into the mailbox and before its spool rows are deleted. */
  afterDrainCommit?: (count: number) => void;
}

export interface DrainReport {
  stored: number;
  unreadable: number;
}

/**
 * One unlocked mailbox, shared by all of its sessions: the open encrypted file, the data key and
 * the private sealing key. Released (keys zeroed) when the last session closes and the idle TTL
 * passes, or at once on shutdown, reset or removal.
 */
export class OpenMailbox {
  readonly events = new EventEmitter();
  sessions = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private drainChain: Promise<unknown> = Promise.resolve();
  private released = false;

  constructor(
    readonly id: string,
    readonly db: SqliteDatabase,
    private readonly dataKey: SecretKey,
    private readonly secretKey: HybridSecretKey,
    private readonly publicKey: HybridPublicKey,
    private readonly spool: Spool,
    private readonly options: { summarise: Summarise; drainBatchBytes: number; hooks: DrainHooks },
  ) {
    this.events.setMaxListeners(0);
  }

  get alive(): boolean {
    return !this.released;
  }

  acquire(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.sessions += 1;
  }

  /** The last session leaving starts the idle timer; `onIdle` then releases the mailbox. */
  releaseSession(idleTtlMs: number, onIdle: () => void): void {
    this.sessions = Math.max(0, this.sessions - 1);
    if (this.sessions > 0 || this.released) return;
    if (idleTtlMs <= 0) {
      onIdle();
      return;
    }
    this.idleTimer = setTimeout(onIdle, idleTtlMs);
    this.idleTimer.unref();
  }

  emit(event: MailboxEvent, origin: unknown): void {
    this.events.emit('change', event, origin);
  }

  /** Moves every sealed message from the spool into the mailbox; serialised per mailbox. */
  drain(): Promise<DrainReport> {
    const run = this.drainChain.then(() => this.drainNow());
    this.drainChain = run.catch(() => undefined);
    return run;
  }

  private async drainNow(): Promise<DrainReport> {
    const report: DrainReport = { stored: 0, unreadable: 0 };
    let after = 0;
    for (;;) {
      if (this.released) return report;
      const rows = this.spool.batch(this.options.drainBatchBytes, after);
      if (rows.length === 0) return report;
      after = rows[rows.length - 1]!.seq;
      const already = this.db.prepare('select 1 from drained where spool_id = ?').pluck();
      const prepared: Array<{ id: string; folder: SpecialUse; flags: string[]; date: Date; message: PreparedMessage }> = [];
      const done: string[] = [];
      for (const row of rows) {
        if (already.get(row.id)) {
          done.push(row.id);
          continue;
        }
        const plain = openSealed(this.secretKey, this.publicKey, row.data);
        if (!plain) {
          // Not ours or altered: keep it in the spool (never delete what we cannot read) and report it.
          report.unreadable += 1;
          continue;
        }
        const payload = decodePayload(plain);
        const message = await prepareMessage(payload.raw, this.options.summarise);
        plain.fill(0);
        prepared.push({ id: row.id, folder: payload.folder, flags: payload.flags, date: new Date(payload.internalDate), message });
      }
      if (this.released) return report;
      const added = new Map<string, number[]>();
      // One transaction per batch: every message and its "drained" marker commit together, so a
      // crash before the spool rows are deleted is repaired by skipping them next time.
      this.db.transaction(() => {
        const mark = this.db.prepare('insert into drained (spool_id) values (?)');
        for (const item of prepared) {
          const folder = getFolder(this.db, folderFor(this.db, item.folder));
          const meta = insertMessage(this.db, folder, item.message, item.flags, item.date);
          mark.run(item.id);
          added.set(folder.name, [...(added.get(folder.name) ?? []), meta.uid]);
        }
      })();
      this.options.hooks.afterDrainCommit?.(prepared.length);
      const removable = [...done, ...prepared.map((p) => p.id)];
      this.spool.remove(removable);
      const unmark = this.db.prepare('delete from drained where spool_id = ?');
      this.db.transaction(() => {
        for (const id of removable) unmark.run(id);
      })();
      report.stored += prepared.length;
      for (const [folder, uids] of added) this.emit({ kind: 'exists', folder, uids }, undefined);
    }
  }

  /** Closes the file and zeroes every key held for this mailbox. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.events.removeAllListeners();
    try {
      this.db.close();
    } finally {
      this.dataKey.dispose();
      forgetSecretKey(this.secretKey);
      this.secretKey.x25519.fill(0);
      this.secretKey.mlkem.fill(0);
    }
  }
}
