import { afterEach, describe, expect, it } from 'vitest';
import type { Listener } from '../../src/net/listener.js';
import { redisStateConfig } from '../kit/redis.js';
import { startTestServer, type TestServer } from '../kit/server.js';
import { connectLines, httpsStatus } from './clients.js';
import { startLoginHarness } from './harness.js';

// IMAP has not landed yet: the login surface is the IMAP-shaped harness listener (test/guard/harness.ts)
// wired to the real server's guard exactly as listeners are told to; HTTPS is the real listener.
const ATTACKER = '127.1.0.5';
const USER = '127.2.0.7';
const IP_FAILURES = 40;

describe.each(['memory', 'redis'] as const)('brute force on %s state', (backend) => {
  let server: TestServer;
  let login: Listener;
  afterEach(async () => {
    await login?.close(0);
    await server?.close();
  });

  it('1,000 failed logins from one IP: the IP is refused everywhere, the real user logs in from another IP', async () => {
    server = await startTestServer({
      listeners: ['https'],
      config: {
        ...(backend === 'redis' ? redisStateConfig() : {}),
        'guard.auth.ip_failures': IP_FAILURES,
        'guard.auth.account_failures': 2,
        'guard.auth.delay_ms': 1,
        'guard.auth.max_delay_ms': 4,
      },
    });
    const guard = server.server.context.guard;
    login = await startLoginHarness(guard, { 'alice@example.org': 'correct-horse-battery' });
    // The real account among 19 guessed ones: alice gets locked for the attacker's network on the way.
    const accounts = ['alice@example.org', ...Array.from({ length: 19 }, (_, i) => `guess${i}@example.org`)];

    let failed = 0;
    let refused = 0;
    let attempts = 0;
    while (attempts < 1000) {
      const client = await connectLines(login.port, ATTACKER);
      const greeting = await client.next();
      if (!greeting?.startsWith('* OK')) {
        expect(greeting).toBe('* BYE banned');
        refused++;
        attempts++;
        await client.closed;
        continue;
      }
      // Many guesses per connection, as a brute forcer does, until the server stops answering them.
      while (attempts < 1000) {
        const account = accounts[attempts % accounts.length];
        client.send(`a${attempts} LOGIN ${account} guess${attempts}`);
        attempts++;
        const reply = await client.next();
        if (reply?.includes('[AUTHENTICATIONFAILED]')) {
          failed++;
          continue;
        }
        expect(reply).toMatch(/NO \[UNAVAILABLE\] (banned|locked)/);
        refused++;
        break;
      }
      client.close();
      await client.closed;
    }
    expect(failed + refused).toBe(1000);
    // Only the failures up to the threshold ever reached a password check.
    expect(failed).toBeLessThanOrEqual(IP_FAILURES);
    expect(refused).toBeGreaterThanOrEqual(1000 - IP_FAILURES);

    // Refused at connect on the login service and on HTTPS (dropped before TLS).
    const again = await connectLines(login.port, ATTACKER);
    expect(await again.next()).toBe('* BYE banned');
    expect(await httpsStatus(server.ports.https!, ATTACKER)).toBe('dropped');

    // The real user, from another network, logs in although alice was among the hammered accounts.
    const user = await connectLines(login.port, USER);
    expect(await user.next()).toBe('* OK ready');
    user.send('u1 LOGIN alice@example.org correct-horse-battery');
    expect(await user.next()).toBe('u1 OK LOGIN completed');
    user.send('u2 LOGOUT');
    expect(await httpsStatus(server.ports.https!, USER)).toBe(200);

    // The ban is listed by the CLI, audited, and the attacker's IP appears in no log or audit record.
    const list = await server.cli(['ban', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ ip: ATTACKER, reason: 'auth_failures', actor: 'guard' })]);
    const audit = await server.server.context.control.audit.list();
    expect(audit.filter((e) => e.action === 'guard.ban')).toHaveLength(1);
    expect(audit.some((e) => e.action === 'guard.lock')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(ATTACKER);
    expect(server.logs()).not.toContain(ATTACKER);
    expect(server.logs()).not.toContain('guess1');
  });
});
