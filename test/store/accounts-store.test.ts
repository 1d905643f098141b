import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPostgresControlStore, openSqliteControlStore } from '../../src/store/control/open.js';
import { createTestDatabase } from '../kit/postgres.js';
import { accountsContract } from './accounts.contract.js';

accountsContract('SQLite (encrypted)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-accounts-'));
  const store = await openSqliteControlStore(path.join(dir, 'control.db'), randomBytes(32));
  return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

accountsContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const store = await openPostgresControlStore(database.url);
  return { store, cleanup: () => database.drop() };
});
