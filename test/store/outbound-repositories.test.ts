import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresControlStore, openSqliteControlStore } from '../../src/store/control/open.js';
import type { ControlStore, DkimKey, QueueEntry } from '../../src/store/control/types.js';
import { createTestDatabase } from '../kit/postgres.js';

/** DKIM keys and the queue index: the same behaviour on every control-store backend. */
function outboundContract(name: string, open: () => Promise<{ store: ControlStore; cleanup(): Promise<void> }>) {
  describe(`outbound repositories: ${name}`, () => {
    let store: ControlStore;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ store, cleanup } = await open());
      await store.domains.add('keys.example');
    });
    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    const key = (selector: string, createdAt: string): DkimKey => ({
      domain: 'keys.example',
      selector,
      algorithm: selector.endsWith('rsa') ? 'rsa-sha256' : 'ed25519-sha256',
      publicKey: 'cHVi',
      sealedPrivateKey: 'c2VhbGVk',
      createdAt,
    });

    it('rotates DKIM keys: old ones retired, then forgotten after the grace period', async () => {
      await store.dkimKeys.rotate('keys.example', [key('a-rsa', '2026-01-01T00:00:00.000Z'), key('a-ed', '2026-01-01T00:00:00.000Z')], '2000-01-01T00:00:00.000Z');
      expect((await store.dkimKeys.list('Keys.Example')).map((k) => [k.selector, k.retiredAt])).toEqual([
        ['a-ed', undefined],
        ['a-rsa', undefined],
      ]);
      await store.dkimKeys.rotate('keys.example', [key('b-rsa', '2026-02-01T00:00:00.000Z')], '2000-01-01T00:00:00.000Z');
      const listed = await store.dkimKeys.list('keys.example');
      expect(listed.map((k) => k.selector)).toEqual(['b-rsa', 'a-ed', 'a-rsa']);
      expect(listed.filter((k) => k.retiredAt).map((k) => k.selector)).toEqual(['a-ed', 'a-rsa']);
      // Everything retired before "the future" is forgotten at the next rotation.
      await store.dkimKeys.rotate('keys.example', [key('c-rsa', '2026-03-01T00:00:00.000Z')], '2999-01-01T00:00:00.000Z');
      expect((await store.dkimKeys.list('keys.example')).map((k) => [k.selector, Boolean(k.retiredAt)])).toEqual([
        ['c-rsa', false],
        ['b-rsa', true],
      ]);
    });

    it('removing a domain removes its DKIM keys', async () => {
      await store.domains.add('gone.example');
      await store.dkimKeys.rotate('gone.example', [{ ...key('x-rsa', '2026-01-01T00:00:00.000Z'), domain: 'gone.example' }], '2000-01-01T00:00:00.000Z');
      await store.domains.remove('gone.example');
      expect(await store.dkimKeys.list('gone.example')).toEqual([]);
    });

    it('keeps the queue index: due order, updates, flush, remove', async () => {
      const entry = (id: string, next: string): QueueEntry => ({
        id,
        domain: 'dest.example',
        sealedEnvelope: 'ZW52',
        size: 10,
        attempts: 0,
        nextAttemptAt: next,
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      await store.queue.add(entry('q2', '2026-01-01T00:02:00.000Z'));
      await store.queue.add(entry('q1', '2026-01-01T00:01:00.000Z'));
      await store.queue.add(entry('q3', '2026-01-02T00:00:00.000Z'));
      expect((await store.queue.due('2026-01-01T12:00:00.000Z', 10)).map((e) => e.id)).toEqual(['q1', 'q2']);
      await store.queue.update('q1', { attempts: 1, nextAttemptAt: '2026-01-03T00:00:00.000Z', lastError: 'connection failed' });
      expect(await store.queue.get('q1')).toMatchObject({ attempts: 1, lastError: 'connection failed' });
      expect((await store.queue.due('2026-01-01T12:00:00.000Z', 10)).map((e) => e.id)).toEqual(['q2']);
      expect(await store.queue.flush('2026-01-01T12:00:00.000Z', 'q3')).toBe(1);
      expect(await store.queue.flush('2026-01-01T12:00:00.000Z', 'missing')).toBe(0);
      expect((await store.queue.due('2026-01-01T12:00:00.000Z', 10)).map((e) => e.id).sort()).toEqual(['q2', 'q3']);
      expect(await store.queue.flush('2026-01-01T12:00:00.000Z')).toBe(3);
      expect(await store.queue.remove('q1')).toBe(true);
      expect(await store.queue.remove('q1')).toBe(false);
      expect((await store.queue.list()).map((e) => e.id).sort()).toEqual(['q2', 'q3']);
    });
  });
}

outboundContract('SQLite (encrypted)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-control-'));
  const store = await openSqliteControlStore(path.join(dir, 'control.db'), randomBytes(32));
  return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

outboundContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const store = await openPostgresControlStore(database.url);
  return { store, cleanup: () => database.drop() };
});
