import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/store/state/types.js';

/** The one suite every StateStore backend must pass (memory and Redis). */
export function stateStoreContract(name: string, open: () => Promise<StateStore>): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    let ns: string;
    beforeEach(async () => {
      store = await open();
      ns = `t-${randomUUID()}:`;
    });
    afterEach(async () => {
      await store.close();
    });

    it('reports its backend and answers ping', async () => {
      expect(store.backend).toBe(name);
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('sets, gets and deletes a value', async () => {
      expect(await store.get(`${ns}a`)).toBeUndefined();
      await store.set(`${ns}a`, 'one', 60_000);
      expect(await store.get(`${ns}a`)).toBe('one');
      await store.set(`${ns}a`, 'two', 60_000);
      expect(await store.get(`${ns}a`)).toBe('two');
      await store.delete(`${ns}a`);
      expect(await store.get(`${ns}a`)).toBeUndefined();
      await expect(store.delete(`${ns}never`)).resolves.toBeUndefined();
    });

    it('expires values after their TTL', async () => {
      await store.set(`${ns}short`, 'x', 60);
      await store.set(`${ns}long`, 'y', 60_000);
      await new Promise((r) => setTimeout(r, 120));
      expect(await store.get(`${ns}short`)).toBeUndefined();
      expect(await store.get(`${ns}long`)).toBe('y');
    });

    it('setIfAbsent sets only once while the key lives', async () => {
      expect(await store.setIfAbsent(`${ns}lock`, 'a', 500)).toBe(true);
      expect(await store.setIfAbsent(`${ns}lock`, 'b', 500)).toBe(false);
      expect(await store.get(`${ns}lock`)).toBe('a');
      await new Promise((r) => setTimeout(r, 700));
      expect(await store.setIfAbsent(`${ns}lock`, 'c', 500)).toBe(true);
      expect(await store.get(`${ns}lock`)).toBe('c');
    });

    it('increments atomically and keeps the first TTL', async () => {
      // Wide margins: the machine running this may be busy.
      const results = await Promise.all(Array.from({ length: 50 }, () => store.increment(`${ns}n`, 1500)));
      expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      await new Promise((r) => setTimeout(r, 800));
      expect(await store.increment(`${ns}n`, 1500)).toBe(51);
      await new Promise((r) => setTimeout(r, 900));
      // The TTL was set when the key was created, not extended by the later increment.
      expect(await store.increment(`${ns}n`, 1500)).toBe(1);
    });

    it('lists keys by prefix, bounded by the limit, without expired ones', async () => {
      for (let i = 0; i < 12; i++) await store.set(`${ns}ban:${i}`, 'x', 60_000);
      await store.set(`${ns}other`, 'x', 60_000);
      await store.set(`${ns}ban:gone`, 'x', 30);
      await new Promise((r) => setTimeout(r, 80));
      const all = await store.keys(`${ns}ban:`);
      expect(all.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `${ns}ban:${i}`).sort());
      expect((await store.keys(`${ns}ban:`, 5)).length).toBe(5);
      expect(await store.keys(`${ns}none:`)).toEqual([]);
    });

    it('treats glob characters in keys and prefixes literally', async () => {
      await store.set(`${ns}a*b`, '1', 60_000);
      await store.set(`${ns}axb`, '2', 60_000);
      expect(await store.keys(`${ns}a*`)).toEqual([`${ns}a*b`]);
    });

    it('rejects a TTL that is not positive', async () => {
      await expect(store.set(`${ns}bad`, 'x', 0)).rejects.toThrow();
      await expect(store.increment(`${ns}bad`, -1)).rejects.toThrow();
    });
  });
}
