import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UsageError } from '../../src/core/errors.js';
import type { ControlStore } from '../../src/store/control/types.js';

/** The one suite every control-store backend must pass. */
export function controlStoreContract(name: string, open: () => Promise<{ store: ControlStore; cleanup(): Promise<void> }>) {
  describe(`control store contract: ${name}`, () => {
    let store: ControlStore;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store, cleanup } = await open());
    });
    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('adds, lists and refuses duplicate domains (normalised)', async () => {
      const added = await store.domains.add('Example.COM');
      expect(added.name).toBe('example.com');
      expect(added.verificationToken).toMatch(/^sealmail-verify=[0-9a-f]{32}$/);
      await expect(store.domains.add('example.com')).rejects.toBeInstanceOf(ConflictError);
      await store.domains.add('bücher.example');
      expect((await store.domains.list()).map((d) => d.name)).toEqual(['example.com', 'xn--bcher-kva.example']);
      expect((await store.domains.get('EXAMPLE.com'))?.name).toBe('example.com');
    });

    it('adds aliases with forwards and refuses bad ones without writing', async () => {
      const alias = await store.aliases.add({ address: 'Joe@Example.com', forwards: ['joe@Elsewhere.org', 'joe@elsewhere.org'] });
      expect(alias).toMatchObject({ address: 'joe@example.com', domain: 'example.com', forwards: ['joe@elsewhere.org'], mailbox: false, enabled: true });
      await expect(store.aliases.add({ address: 'joe@example.com', forwards: ['x@y.org'] })).rejects.toBeInstanceOf(ConflictError);
      await expect(store.aliases.add({ address: 'who@unhosted.org', forwards: ['x@y.org'] })).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.aliases.add({ address: 'nothing@example.com' })).rejects.toBeInstanceOf(UsageError);
      await expect(store.aliases.add({ address: 'self@example.com', forwards: ['self@example.com'] })).rejects.toBeInstanceOf(UsageError);
      await expect(store.aliases.add({ address: 'bad address@example.com', forwards: ['x@y.org'] })).rejects.toBeInstanceOf(UsageError);
      expect(await store.aliases.get('nothing@example.com')).toBeUndefined();
    });

    it('resolves exact, plus-addressed and catch-all recipients, case-insensitively', async () => {
      await store.aliases.add({ address: 'box@example.com', mailbox: true });
      await store.aliases.add({ address: '*@example.com', forwards: ['all@elsewhere.org'] });
      expect((await store.aliases.resolve('JOE@example.com'))?.address).toBe('joe@example.com');
      expect((await store.aliases.resolve('joe+news@example.com'))?.address).toBe('joe@example.com');
      expect((await store.aliases.resolve('box+x@EXAMPLE.COM'))?.address).toBe('box@example.com');
      expect((await store.aliases.resolve('anyone@example.com'))?.address).toBe('*@example.com');
      expect(await store.aliases.resolve('joe@xn--bcher-kva.example')).toBeUndefined();
    });

    it('updates and removes aliases', async () => {
      const updated = await store.aliases.update('joe@example.com', { enabled: false, forwards: ['new@elsewhere.org'] });
      expect(updated).toMatchObject({ enabled: false, forwards: ['new@elsewhere.org'] });
      expect((await store.aliases.get('joe@example.com'))?.enabled).toBe(false);
      await expect(store.aliases.update('joe@example.com', { forwards: [] })).rejects.toBeInstanceOf(UsageError);
      await store.aliases.remove('joe@example.com');
      await expect(store.aliases.remove('joe@example.com')).rejects.toBeInstanceOf(NotFoundError);
      expect((await store.aliases.list('example.com')).map((a) => a.address)).toEqual(['*@example.com', 'box@example.com']);
    });

    it('removing a domain removes its aliases', async () => {
      const removed = await store.domains.remove('example.com');
      expect(removed.sort()).toEqual(['*@example.com', 'box@example.com']);
      expect(await store.aliases.list()).toEqual([]);
      await expect(store.domains.remove('example.com')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('records and lists audit events, newest first', async () => {
      await store.audit.record({ actor: 'cli', action: 'ban.add', subject: '192.0.2.0/24#x', detail: { ttl: 60 } });
      await store.audit.record({ actor: 'cli', action: 'alias.add', subject: 'a@example.com', detail: {} });
      const events = await store.audit.list();
      expect(events.map((e) => e.action)).toEqual(['alias.add', 'ban.add']);
      expect(events[1]?.detail).toEqual({ ttl: 60 });
      expect((await store.audit.list({ action: 'ban.add' })).length).toBe(1);
      await store.ping();
    });

    it('records bans, lifts them, and lists what changed for node sync', async () => {
      const soon = new Date(Date.now() + 600_000).toISOString();
      const past = new Date(Date.now() - 1000).toISOString();
      const before = new Date(Date.now() - 5).toISOString();
      await store.bans.put({ ip: '192.0.2.1', reason: 'trap:2222', actor: 'guard', expiresAt: soon });
      await store.bans.put({ ip: '192.0.2.2', reason: 'manual', actor: 'cli', expiresAt: soon });
      await store.bans.put({ ip: '192.0.2.3', reason: 'old', actor: 'cli', expiresAt: past });
      expect((await store.bans.active()).map((b) => b.ip)).toEqual(['192.0.2.1', '192.0.2.2']);
      // Renewing keeps one row.
      await store.bans.put({ ip: '192.0.2.1', reason: 'auth_failures', actor: 'guard', expiresAt: soon });
      expect((await store.bans.active()).find((b) => b.ip === '192.0.2.1')?.reason).toBe('auth_failures');
      expect(await store.bans.remove('192.0.2.2')).toBe(true);
      expect(await store.bans.remove('192.0.2.2')).toBe(false);
      expect(await store.bans.remove('192.0.2.3')).toBe(false);
      expect((await store.bans.active()).map((b) => b.ip)).toEqual(['192.0.2.1']);
      const changed = await store.bans.changedSince(before);
      expect(changed.map((b) => [b.ip, b.removed]).sort()).toEqual([
        ['192.0.2.1', false],
        ['192.0.2.2', true],
        ['192.0.2.3', false],
      ]);
      expect(await store.bans.changedSince(new Date(Date.now() + 60_000).toISOString())).toEqual([]);
      expect(await store.bans.purge(new Date(Date.now() + 1000).toISOString())).toBe(2);
      expect((await store.bans.active()).map((b) => b.ip)).toEqual(['192.0.2.1']);
    });
  });
}
