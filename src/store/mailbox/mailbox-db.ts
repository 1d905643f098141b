import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../core/errors.js';
import type { SecretKey } from '../../crypto/secret-key.js';
import type { SqliteDatabase } from '../encrypted-sqlite.js';

export const MAILBOX_FILE = 'mailbox.db';

/**
 * Opens a mailbox file under its raw 256-bit data key (SQLite3MultipleCiphers `chacha20`,
 * ChaCha20-Poly1305 per page, WAL pages included). The key is handed over as a Buffer, never as a
 * string, so no immutable copy of it lingers on the JS heap. PBKDF2 stretching is set to one
 * round: the key is already uniformly random, stretching would only slow every unlock.
 *
 * `key === null` opens the same schema unencrypted; only the benchmark uses that, to measure
 * the cost of encryption.
 */
export function openMailboxDb(file: string, key: SecretKey | null, options: { create: boolean }): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    db = new Database(file, { fileMustExist: !options.create });
  } catch (error) {
    throw new AppError('mailbox_unreadable', 'mailbox file cannot be opened', { cause: error, temporary: true });
  }
  try {
    if (key) {
      db.pragma(`cipher='chacha20'`);
      db.pragma('kdf_iter = 1');
      db.key(key.expose());
    }
    // Any read proves the key and the header: otherwise SQLite reports "file is not a database".
    db.prepare('select count(*) from sqlite_master').get();
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    return db;
  } catch (error) {
    db.close();
    throw new AppError('mailbox_unreadable', 'mailbox file is damaged or the key does not fit', { cause: error, temporary: true });
  }
}
