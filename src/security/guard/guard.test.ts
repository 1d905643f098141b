import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, type GuardFixture, guardFixture } from '../../../test/guard/guard-kit.js';

const ATTACKER = '198.51.100.7';
const USER_IP = '203.0.113.9';

describe.each(BACKENDS)('guard on %s state', (backend) => {
  let fx: GuardFixture;
  afterEach(async () => {
    await fx.close();
  });

  it('bans an IP after ip_failures failed logins and writes one anonymised audit event', async () => {
    fx = await guardFixture(backend, { auth: { ip_failures: 5, account_failures: 100, delay_ms: 0 } });
    for (let i = 0; i < 4; i++) await fx.guard.onAuthFailure(ATTACKER, `user${i}@example.org`);
    expect(await fx.guard.isBanned(ATTACKER)).toBe(false);
    await fx.guard.onAuthFailure(ATTACKER, 'user9@example.org');
    expect(await fx.guard.isBanned(ATTACKER)).toBe(true);
    expect(await fx.guard.isBanned(USER_IP)).toBe(false);
    const refused = await fx.guard.onConnect(ATTACKER, 'imap');
    expect(refused).toMatchObject({ allowed: false, reason: 'banned' });
    expect(refused.reply?.responseCode).toBe(554);
    expect((await fx.guard.beforeAuth(ATTACKER, 'x@example.org')).allowed).toBe(false);
    // A burst of further triggers does not write more records.
    await Promise.all(Array.from({ length: 5 }, () => fx.guard.onAuthFailure(ATTACKER, 'a@example.org')));
    const events = await fx.control.audit.list({ action: 'guard.ban' });
    expect(events).toHaveLength(1);
    expect(events[0]!.subject).toMatch(/^198\.51\.100\.0\/24#/);
    expect(JSON.stringify(events)).not.toContain(ATTACKER);
    expect(fx.logs()).not.toContain(ATTACKER);
  });

  it('locks an account only for the network that hammered it, and grows the delay', async () => {
    fx = await guardFixture(backend, {
      auth: { ip_failures: 1000, account_failures: 6, free_failures: 2, delay_ms: 20, max_delay_ms: 80 },
    });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      delays.push((await fx.guard.beforeAuth(ATTACKER, 'alice@example.org')).delayMs);
      await fx.guard.onAuthFailure(ATTACKER, 'Alice@Example.org');
    }
    expect(delays).toEqual([0, 0, 0, 20, 40, 80]);
    const locked = await fx.guard.beforeAuth('198.51.100.99', 'alice@example.org');
    expect(locked).toMatchObject({ allowed: false, reason: 'locked' });
    // The real user, elsewhere, is not locked out and waits nothing.
    expect(await fx.guard.beforeAuth(USER_IP, 'alice@example.org')).toMatchObject({ allowed: true, delayMs: 0 });
    // Unknown accounts get the same treatment as known ones: the guard never looks them up.
    for (let i = 0; i < 6; i++) await fx.guard.onAuthFailure(ATTACKER, 'nobody@example.org');
    expect(await fx.guard.beforeAuth(ATTACKER, 'nobody@example.org')).toMatchObject({ allowed: false, reason: 'locked' });
    const locks = await fx.control.audit.list({ action: 'guard.lock' });
    expect(locks).toHaveLength(2);
    expect(JSON.stringify(locks)).not.toMatch(/alice|nobody|198\.51\.100\.7/);
  });

  it('clears the account counter on success but keeps the IP counter', async () => {
    fx = await guardFixture(backend, { auth: { ip_failures: 4, account_failures: 3, delay_ms: 0 } });
    await fx.guard.onAuthFailure(USER_IP, 'bob@example.org');
    await fx.guard.onAuthFailure(USER_IP, 'bob@example.org');
    await fx.guard.onAuthSuccess(USER_IP, 'bob@example.org');
    await fx.guard.onAuthFailure(USER_IP, 'bob@example.org');
    expect((await fx.guard.beforeAuth(USER_IP, 'bob@example.org')).allowed).toBe(true);
    await fx.guard.onAuthFailure(USER_IP, 'bob@example.org');
    expect(await fx.guard.isBanned(USER_IP)).toBe(true);
  });

  it('cuts off recipient walking per connection and per IP with 421 and a ban', async () => {
    fx = await guardFixture(backend, { recipients: { unknown_per_connection: 5, unknown_per_ip: 8 } });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await fx.guard.onUnknownRecipient(ATTACKER, 'c1'));
    expect(results.slice(0, 4).every((r) => r.allowed)).toBe(true);
    expect(results[4]).toMatchObject({ allowed: false, reason: 'unknown_recipients' });
    expect(results[4]!.reply?.responseCode).toBe(421);
    expect(await fx.guard.isBanned(ATTACKER)).toBe(true);

    // Spread over connections: the per-IP count catches it.
    for (let i = 0; i < 7; i++) expect((await fx.guard.onUnknownRecipient(USER_IP, `conn${i}`)).allowed).toBe(true);
    expect((await fx.guard.onUnknownRecipient(USER_IP, 'conn-last')).allowed).toBe(false);
  });

  it('limits concurrent connections per IP and frees slots on release', async () => {
    fx = await guardFixture(backend, { max_connections_per_ip: 2 });
    const a = await fx.guard.onConnect(USER_IP, 'imap');
    const b = await fx.guard.onConnect(`::ffff:${USER_IP}`, 'imap');
    const c = await fx.guard.onConnect(USER_IP, 'imap');
    expect([a.allowed, b.allowed, c.allowed]).toEqual([true, true, false]);
    expect(c.reply?.responseCode).toBe(421);
    a.release();
    a.release();
    expect((await fx.guard.onConnect(USER_IP, 'imap')).allowed).toBe(true);
    expect((await fx.guard.onConnect(USER_IP, 'imap')).allowed).toBe(false);
  });

  it('limits messages per IP and per sender domain per hour', async () => {
    fx = await guardFixture(backend, { messages: { per_ip_per_hour: 3, per_sender_domain_per_hour: 4 } });
    const byIp = [];
    for (let i = 0; i < 4; i++) byIp.push((await fx.guard.onMessage(USER_IP, 'a.example')).allowed);
    expect(byIp).toEqual([true, true, true, false]);
    expect((await fx.guard.onMessage('192.0.2.1', 'A.example')).allowed).toBe(false);
    expect((await fx.guard.onMessage('192.0.2.1', 'b.example')).allowed).toBe(true);
  });

  it('bans after repeated protocol misuse and at once on a trap', async () => {
    fx = await guardFixture(backend, { misuse: { threshold: 2 } });
    await fx.guard.onProtocolMisuse(ATTACKER, 'tls_on_plain_port');
    expect(await fx.guard.isBanned(ATTACKER)).toBe(false);
    await fx.guard.onProtocolMisuse(ATTACKER, 'http_on_mail_port');
    expect(await fx.guard.isBanned(ATTACKER)).toBe(true);
    await fx.guard.onTrap(USER_IP, 2222);
    expect((await fx.guard.bans.info(USER_IP))?.reason).toBe('trap:2222');
  });

  it('never bans or limits allow-listed networks', async () => {
    fx = await guardFixture(backend, { allow: ['198.51.100.0/24', '2001:db8::/32'], auth: { ip_failures: 1 } });
    await fx.guard.onAuthFailure(ATTACKER, 'a@example.org');
    await fx.guard.onTrap(ATTACKER, 1);
    await fx.guard.onTrap('2001:db8::5', 1);
    expect(await fx.guard.bans.ban(ATTACKER, { reason: 'manual', actor: 'test', ttlS: 60, renew: true })).toBe(false);
    expect(await fx.guard.isBanned(ATTACKER)).toBe(false);
    expect(await fx.guard.isBanned('2001:db8::5')).toBe(false);
    expect((await fx.guard.onConnect(ATTACKER, 'smtp')).allowed).toBe(true);
  });

  it('shares bans with another node through the control store sync (and Redis directly)', async () => {
    fx = await guardFixture(backend);
    const other = await fx.peer();
    await fx.guard.bans.ban(ATTACKER, { reason: 'manual', actor: 'cli', ttlS: 60, renew: true });
    if (backend === 'redis') expect(await other.isBanned(ATTACKER)).toBe(true);
    await other.bans.sync();
    expect(await other.isBanned(ATTACKER)).toBe(true);
    expect((await other.bans.list()).map((b) => b.ip)).toEqual([ATTACKER]);
    expect(await fx.guard.bans.unban(ATTACKER, 'cli')).toBe(true);
    await other.bans.sync();
    expect(await other.isBanned(ATTACKER)).toBe(false);
    expect(await fx.guard.bans.list()).toEqual([]);
    expect((await fx.control.audit.list({ action: 'guard.unban' })).length).toBe(1);
    expect(await fx.guard.bans.unban(ATTACKER, 'cli')).toBe(false);
  });

  it('does not bring back a ban that another node lifted in the shared state', async () => {
    fx = await guardFixture(backend);
    await fx.guard.bans.ban(ATTACKER, { reason: 'trap', actor: 'guard', ttlS: 600, renew: false });
    await fx.guard.bans.sync();
    // A node with its own control store lifts the ban where both nodes look: the state store.
    await fx.state.delete(`ban:${ATTACKER}`);
    await fx.guard.bans.sync();
    expect(await fx.guard.isBanned(ATTACKER)).toBe(false);
  });

  it('lets a ban expire with its TTL', async () => {
    fx = await guardFixture(backend);
    await fx.guard.bans.ban(ATTACKER, { reason: 'manual', actor: 'test', ttlS: 1, renew: true });
    expect(await fx.guard.isBanned(ATTACKER)).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await fx.guard.isBanned(ATTACKER)).toBe(false);
    expect(await fx.guard.bans.list()).toEqual([]);
  });
});
