import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { redisStateConfig } from '../kit/redis.js';
import { startTestServer, type TestServer } from '../kit/server.js';
import { connectLines } from './clients.js';

// Password guessing on submission (587, STARTTLS, AUTH PLAIN via Nodemailer) meets the same guard as IMAP.
const ATTACKER = '127.8.0.5';
const USER_IP = '127.8.1.5';
const IP_FAILURES = 5;
const ALICE = 'alice@example.test';
const PASSWORD = 'alice correct horse 2026';

describe.each(['memory', 'redis'] as const)('submission brute force on %s state', (backend) => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  const verify = (from: string, pass: string) =>
    nodemailer
      .createTransport({
        host: '127.0.0.1',
        port: server.ports.submission!,
        localAddress: from,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user: ALICE, pass },
      })
      .verify()
      .then(
        () => 'ok',
        (error: { responseCode?: number; response?: string; code?: string }) => `${error.responseCode ?? error.code} ${error.response ?? ''}`,
      );

  it('failed AUTH from one IP is answered 535 until the threshold, then the IP is banned; the user logs in elsewhere', async () => {
    server = await startTestServer({
      listeners: ['submission', 'imaps'],
      config: {
        ...(backend === 'redis' ? redisStateConfig() : {}),
        'guard.auth.ip_failures': IP_FAILURES,
        'guard.auth.delay_ms': 1,
        'guard.auth.max_delay_ms': 4,
      },
    });
    const { control, mailboxes } = server.server.context;
    await control.domains.add('example.test');
    await control.aliases.add({ address: ALICE, mailbox: true });
    await mailboxes.create(ALICE, PASSWORD);

    const answers: string[] = [];
    for (let i = 0; i < IP_FAILURES + 3; i++) answers.push(await verify(ATTACKER, `guess ${i}`));
    expect(answers.slice(0, IP_FAILURES).every((a) => a.startsWith('535'))).toBe(true);
    // Refused from then on, before any password is checked: the right password does not help the attacker.
    expect(await verify(ATTACKER, PASSWORD)).not.toBe('ok');
    expect(answers.slice(IP_FAILURES).some((a) => a.startsWith('535'))).toBe(false);
    expect(await server.server.context.guard.isBanned(ATTACKER)).toBe(true);
    // The ban holds on every listener.
    const imaps = await connectLines(server.ports.imaps!, ATTACKER, { secure: true });
    expect(await imaps.next()).toBe('* BYE [UNAVAILABLE] banned');

    expect(await verify(USER_IP, PASSWORD)).toBe('ok');
  });
});
