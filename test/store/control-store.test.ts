import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresControlStore, openSqliteControlStore } from '../../src/store/control/open.js';
import { createTestDatabase } from '../kit/postgres.js';
import { controlStoreContract } from './control-store.contract.js';

controlStoreContract('SQLite (encrypted)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-control-'));
  const store = await openSqliteControlStore(path.join(dir, 'control.db'), randomBytes(32));
  return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

controlStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const store = await openPostgresControlStore(database.url);
  return { store, cleanup: () => database.drop() };
});

describe('PostgreSQL control store when the server drops its connections', () => {
  it('survives idle connections being terminated and reconnects on the next query', async () => {
    const database = await createTestDatabase();
    const store = await openPostgresControlStore(database.url);
    try {
      await store.domains.add('before.example');
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        const killed = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        );
        expect(killed.rowCount).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      // Give the pool time to hear the termination (that is when it emits 'error').
      await new Promise((resolve) => setTimeout(resolve, 200));
      await store.domains.add('after.example');
      expect((await store.domains.list()).map((d) => d.name).sort()).toEqual(['after.example', 'before.example']);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
