import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlStore } from '../../src/store/control/types.js';

const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

/** The accounts part of the control store (migration 004), the same on every backend. */
export function accountsContract(name: string, open: () => Promise<{ store: ControlStore; cleanup(): Promise<void> }>) {
  describe(`accounts contract: ${name}`, () => {
    let store: ControlStore;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store, cleanup } = await open());
      await store.accounts.createUser({ id: 'u1', email: 'a@example.net', passwordHash: 'h', role: 'admin', createdAt: at() });
      await store.accounts.createUser({ id: 'u2', email: 'b@example.net', passwordHash: 'h', role: 'user', createdAt: at() });
    });
    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('creates users once per email', async () => {
      expect(await store.accounts.createUser({ id: 'u3', email: 'a@example.net', passwordHash: 'x', role: 'user', createdAt: at() })).toBe(false);
      expect(await store.accounts.countUsers()).toBe(2);
      expect((await store.accounts.userByEmail('a@example.net'))?.role).toBe('admin');
    });

    it('accepts each TOTP time step once, and never an older one', async () => {
      expect(await store.accounts.claimTotpCounter('u1', 1000)).toBe(true);
      expect(await store.accounts.claimTotpCounter('u1', 1000)).toBe(false);
      expect(await store.accounts.claimTotpCounter('u1', 999)).toBe(false);
      expect(await store.accounts.claimTotpCounter('u1', 1001)).toBe(true);
      const racing = await Promise.all([1002, 1002, 1002].map((c) => store.accounts.claimTotpCounter('u1', c)));
      expect(racing.filter(Boolean)).toHaveLength(1);
    });

    it('uses each recovery code once, and only for its own account', async () => {
      await store.accounts.replaceRecoveryCodes('u1', ['c1', 'c2']);
      expect(await store.accounts.useRecoveryCode('u2', 'c1')).toBe(false);
      expect(await store.accounts.useRecoveryCode('u1', 'c1')).toBe(true);
      expect(await store.accounts.useRecoveryCode('u1', 'c1')).toBe(false);
      expect(await store.accounts.unusedRecoveryCodes('u1')).toBe(1);
      await store.accounts.replaceRecoveryCodes('u1', []);
      expect(await store.accounts.useRecoveryCode('u1', 'c2')).toBe(false);
    });

    it('ends every session of one account (logout everywhere), optionally keeping one', async () => {
      const session = (idHash: string, userId: string) => ({
        idHash, userId, csrf: 'c', mfaDone: true, ip: '127.0.0.0/24', userAgent: 'ua', createdAt: at(), lastSeen: at(), expiresAt: at(3_600_000),
      });
      for (const [id, user] of [['s1', 'u1'], ['s2', 'u1'], ['s3', 'u1'], ['s4', 'u2']] as const) await store.accounts.createSession(session(id, user));
      expect(await store.accounts.deleteSessions('u1', 's1')).toBe(2);
      expect((await store.accounts.sessions('u1')).map((s) => s.idHash)).toEqual(['s1']);
      expect(await store.accounts.deleteSessions('u1')).toBe(1);
      expect(await store.accounts.session('s4')).toBeDefined();
    });

    it('keeps token scopes and revokes a token only for its owner', async () => {
      await store.accounts.createToken({ id: 't1', userId: 'u1', name: 'n', secretHash: 'h', domains: ['a.example'], createdAt: at() });
      expect((await store.accounts.token('t1'))?.domains).toEqual(['a.example']);
      expect(await store.accounts.revokeToken('u2', 't1')).toBe(false);
      expect(await store.accounts.revokeToken('u1', 't1')).toBe(true);
      expect((await store.accounts.token('t1'))?.revokedAt).toBeDefined();
    });

    it('uses invitations once and not after they expire', async () => {
      await store.accounts.createInvite('i1', 'u1', at(60_000));
      await store.accounts.createInvite('i2', 'u1', at(-60_000));
      expect(await store.accounts.useInvite('i1', at())).toBe(true);
      expect(await store.accounts.useInvite('i1', at())).toBe(false);
      expect(await store.accounts.useInvite('i2', at())).toBe(false);
    });

    it('links domains to owners and drops the link with the domain', async () => {
      await store.domains.add('owned.example');
      await store.accounts.setDomainOwner('owned.example', 'u2');
      expect(await store.accounts.domainsOwnedBy('u2')).toEqual(['owned.example']);
      await store.accounts.markDomainVerified('owned.example', at());
      expect((await store.accounts.domainOwner('owned.example'))?.verifiedAt).toBeDefined();
      await store.domains.remove('owned.example');
      expect(await store.accounts.domainsOwnedBy('u2')).toEqual([]);
      await store.accounts.setSetting('require_mfa', 'true');
      await store.accounts.setSetting('require_mfa', 'false');
      expect(await store.accounts.setting('require_mfa')).toBe('false');
    });
  });
}
