import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../core/errors.js';
import { statement } from './statements.js';

/**
 * The sealed spool: mail delivered while its mailbox is locked. Rows hold only ciphertext sealed
 * to the mailbox's public key; the file is plain SQLite (nothing in it is readable without the
 * mailbox's private key). Commits are fsync'd (WAL + synchronous=FULL) before `append` returns, and
 * drained rows are deleted with secure_delete so their pages are overwritten.
 */
export const SPOOL_FILE = 'spool.db';

export interface SpoolRow {
  seq: number;
  id: string;
  data: Buffer;
}

export class Spool {
  private readonly db: Database.Database;

  constructor(dir: string) {
    try {
      this.db = new Database(path.join(dir, SPOOL_FILE));
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('secure_delete = ON');
      this.db.pragma('busy_timeout = 10000');
      this.db.exec('create table if not exists sealed (seq integer primary key autoincrement, id text not null unique, received_at integer not null, data blob not null)');
    } catch (error) {
      throw storeFailure(error, 'mailbox spool cannot be opened');
    }
  }

  /** Durable once it returns: the commit has been fsync'd. */
  append(data: Buffer): string {
    const id = randomBytes(16).toString('hex');
    try {
      statement(this.db, 'insert into sealed (id, received_at, data) values (?, ?, ?)').run(id, Date.now(), data);
    } catch (error) {
      throw storeFailure(error, 'mailbox spool cannot store the message');
    }
    return id;
  }

  count(): number {
    return (statement(this.db, 'select count(*) as n from sealed').get() as { n: number }).n;
  }

  /** Oldest first, up to `maxBytes` of sealed data per batch (at least one row). */
  batch(maxBytes: number, afterSeq = 0): SpoolRow[] {
    const rows: SpoolRow[] = [];
    let total = 0;
    const statement = this.db.prepare('select seq, id, data from sealed where seq > ? order by seq');
    for (const row of statement.iterate(afterSeq) as IterableIterator<SpoolRow>) {
      rows.push(row);
      total += row.data.length;
      if (total >= maxBytes) break;
    }
    return rows;
  }

  remove(ids: string[]): void {
    const del = this.db.prepare('delete from sealed where id = ?');
    this.db.transaction(() => {
      for (const id of ids) del.run(id);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Disk full, I/O error, locked: a temporary failure (the sender retries), never a lost message. */
export function storeFailure(error: unknown, message: string): AppError {
  const code = (error as { code?: string }).code ?? '';
  const detail = code === 'SQLITE_FULL' || code === 'ENOSPC' ? `${message}: disk full` : message;
  return new AppError('mailbox_unavailable', detail, { cause: error, temporary: true });
}
