import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../kit/server.js';
import { httpsStatus } from '../guard/clients.js';
import { PASSWORD, signUpAndLogIn } from './accounts-helpers.js';
import { WebClient } from './web-client.js';

// Web logins go through the shared abuse guard: the guessing IP is banned, the owner is not locked out.
const ATTACKER = '127.9.0.5';
const OWNER = '127.9.1.5';
const EMAIL = 'owner@example.net';
const IP_FAILURES = 8;

describe('web login brute force', () => {
  let server: TestServer;
  let base: string;
  beforeAll(async () => {
    server = await startTestServer({
      listeners: ['https'],
      config: { 'web.signup': 'open', 'guard.auth.ip_failures': IP_FAILURES, 'guard.auth.delay_ms': 1, 'guard.auth.max_delay_ms': 4 },
    });
    base = `https://127.0.0.1:${server.ports.https}`;
    await signUpAndLogIn(base, EMAIL);
  });
  afterAll(() => server?.close());

  it('guessing passwords from one IP ends in a ban on HTTPS; the owner logs in from another network', async () => {
    const attacker = new WebClient(base, ATTACKER);
    // The owner's account among guessed ones: it gets locked for the attacker's network on the way.
    const accounts = [EMAIL, ...Array.from({ length: 9 }, (_, i) => `guess${i}@example.net`)];
    const statuses: (number | string)[] = [];
    for (let i = 0; i < IP_FAILURES + 4; i++) {
      const email = accounts[i % accounts.length]!;
      statuses.push(
        await attacker.request('POST', '/login', { form: { email, password: `guess ${i}` } }).then(
          (r) => r.status,
          () => 'dropped',
        ),
      );
    }
    expect(statuses.slice(0, IP_FAILURES)).toEqual(Array(IP_FAILURES).fill(401));
    // Past the threshold no password is checked any more: 429 on the open connection, new ones dropped.
    expect(statuses.slice(IP_FAILURES).every((s) => s === 429 || s === 'dropped')).toBe(true);
    expect(await server.server.context.guard.isBanned(ATTACKER)).toBe(true);
    expect(await httpsStatus(server.ports.https!, ATTACKER)).toBe('dropped');

    const owner = new WebClient(base, OWNER);
    const login = await owner.request('POST', '/login', { form: { email: EMAIL, password: PASSWORD } });
    expect(login.status).toBe(303);
  });
});
