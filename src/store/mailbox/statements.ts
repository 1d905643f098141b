import type Database from 'better-sqlite3-multiple-ciphers';
import type { SqliteDatabase } from '../encrypted-sqlite.js';

const caches = new WeakMap<SqliteDatabase, Map<string, Database.Statement>>();

/**
 * The statement for `sql`, prepared once per connection. Parsing SQL again for every IMAP command
 * cost more than running it. Each SQL text keeps one mode (`pluck()` and the like stick to the
 * statement), which holds while every call site uses its own text.
 */
export function statement(db: SqliteDatabase, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let prepared = cache.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    cache.set(sql, prepared);
  }
  return prepared;
}
