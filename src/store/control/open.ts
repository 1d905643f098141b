import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../../config/schema.js';
import { deriveKey } from '../../crypto/master-key.js';
import { openEncryptedSqlite } from '../encrypted-sqlite.js';
import { KyselyControlStore } from './kysely-store.js';
import { migrate } from './migrations/index.js';
import type { ControlTables } from './tables.js';
import type { ControlStore } from './types.js';

/** Opens the control store chosen by config (PostgreSQL when database.url is set) and migrates it. */
export async function openControlStore(config: Pick<Config, 'data_dir' | 'database'>, masterKey: Buffer): Promise<ControlStore> {
  return config.database.url
    ? openPostgresControlStore(config.database.url)
    : openSqliteControlStore(path.join(config.data_dir, 'control.db'), deriveKey(masterKey, 'control-db'));
}

export async function openSqliteControlStore(file: string, key: Buffer): Promise<ControlStore> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const database = openEncryptedSqlite(file, key);
  const db = new Kysely<ControlTables>({ dialect: new SqliteDialect({ database }) });
  await migrate(db as Kysely<unknown>, { dialect: 'sqlite' });
  return new KyselyControlStore('sqlite', db);
}

export async function openPostgresControlStore(url: string): Promise<ControlStore> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client dropped by the server (restart, failover) emits 'error' on the pool; unheard,
  // that would crash the process. The pool discards the client; the next query gets a fresh one.
  pool.on('error', () => {});
  const db = new Kysely<ControlTables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db as Kysely<unknown>, { dialect: 'postgres' });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyControlStore('postgres', db);
}
