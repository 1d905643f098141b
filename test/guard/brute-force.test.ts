import { afterEach, describe, expect, it } from 'vitest';
import { redisStateConfig } from '../kit/redis.js';
import { startTestServer, type TestServer } from '../kit/server.js';
import { connectLines, httpsStatus } from './clients.js';

// Issue 7, "Done when": 1,000 failed logins from one brute forcer against the real IMAP listener (imaps, raw client bound to a
// loopback source address) is refused once over the threshold; the real user logs in from elsewhere.
const ATTACKER = '127.1.0.5';
const USER = '127.2.0.7';
const IP_FAILURES = 20;
const ATTEMPTS = 1000;
const PASSWORD = 'correct-horse-battery';

describe.each(['memory', 'redis'] as const)('IMAP brute force on %s state', (backend) => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('many failed logins from one IP: the IP is refused everywhere, the real user logs in from another IP', async () => {
    server = await startTestServer({
      listeners: ['https', 'imaps', 'pop3'],
      config: {
        ...(backend === 'redis' ? redisStateConfig() : {}),
        'guard.auth.ip_failures': IP_FAILURES,
        'guard.auth.account_failures': 1,
        'guard.auth.delay_ms': 1,
        'guard.auth.max_delay_ms': 4,
      },
    });
    const imaps = server.ports.imaps!;
    await server.server.context.mailboxes.create('alice@example.org', PASSWORD);
    // The real account among 19 guessed ones: alice gets locked for the attacker's network on the way.
    const accounts = ['alice@example.org', ...Array.from({ length: 19 }, (_, i) => `guess${i}@example.org`)];

    let failed = 0;
    let refused = 0;
    let attempts = 0;
    while (attempts < ATTEMPTS) {
      const client = await connectLines(imaps, ATTACKER, { secure: true });
      const greeting = await client.next();
      if (!greeting?.startsWith('* OK')) {
        expect(greeting).toBe('* BYE [UNAVAILABLE] banned');
        refused++;
        attempts++;
        await client.closed;
        continue;
      }
      // Many guesses per connection, as a brute forcer does, until the server stops answering them.
      while (attempts < ATTEMPTS) {
        const account = accounts[attempts % accounts.length];
        client.send(`a${attempts} LOGIN ${account} guess${attempts}`);
        attempts++;
        const reply = await client.next();
        if (reply?.includes('NO [AUTHENTICATIONFAILED]')) {
          failed++;
          continue;
        }
        expect(reply).toMatch(/^a\d+ NO \[UNAVAILABLE\]/);
        refused++;
        break;
      }
      client.close();
      await client.closed;
    }
    expect(failed + refused).toBe(ATTEMPTS);
    // Only the failures up to the threshold ever reached a password check.
    expect(failed).toBeLessThanOrEqual(IP_FAILURES);
    expect(refused).toBeGreaterThanOrEqual(ATTEMPTS - IP_FAILURES);

    // Refused at accept on IMAP, POP3 and HTTPS (dropped before TLS).
    const again = await connectLines(imaps, ATTACKER, { secure: true });
    expect(await again.next()).toBe('* BYE [UNAVAILABLE] banned');
    const pop = await connectLines(server.ports.pop3!, ATTACKER);
    expect(await pop.next()).toBe('-ERR [SYS/TEMP] banned');
    expect(await httpsStatus(server.ports.https!, ATTACKER)).toBe('dropped');

    // The real user, from another network, logs in although alice was among the hammered accounts.
    const user = await connectLines(imaps, USER, { secure: true });
    expect(await user.next()).toMatch(/^\* OK/);
    user.send(`u1 LOGIN alice@example.org ${PASSWORD}`);
    expect(await user.next()).toMatch(/^u1 OK .*Logged in/);
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
