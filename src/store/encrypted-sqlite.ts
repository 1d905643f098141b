import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../core/errors.js';

export type SqliteDatabase = Database.Database;

/**
 * Opens (or creates) an SQLite file encrypted page by page with ChaCha20-Poly1305
 * (SQLite3MultipleCiphers' `chacha20` cipher) under a raw 256-bit key.
 * A wrong key or a file that is not ours fails here, with no key material in the error.
 */
export function openEncryptedSqlite(file: string, key: Buffer, options: { readonly?: boolean } = {}): SqliteDatabase {
  if (key.length !== 32) throw new Error('encrypted SQLite needs a 32-byte key');
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  try {
    db.pragma(`cipher='chacha20'`);
    db.pragma(`hexkey='${key.toString('hex')}'`);
    // Any read proves the key: SQLite reports "file is not a database" otherwise.
    db.prepare('select count(*) from sqlite_master').get();
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) db.pragma('journal_mode = WAL');
    return db;
  } catch (error) {
    db.close();
    throw new AppError('store_unreadable', `cannot open encrypted database ${file}: wrong key or damaged file`, {
      cause: error,
      temporary: true,
    });
  }
}
