import { afterEach, describe, expect, it } from 'vitest';
import { redisStateConfig } from '../kit/redis.js';
import { type MxFixture, OUR_DOMAIN, startMxFixture } from '../mx/fixture.js';
import { connectLines, type LineClient, smtpReply as reply } from './clients.js';

// The real MX counts accepted messages per client IP and per envelope sender domain.
const FLOODER = '127.7.0.4';
const ELSEWHERE = '127.7.1.4';
const PER_IP = 3;
const PER_DOMAIN = 5;

/** One SMTP transaction on an open session; returns the reply to the end of DATA. */
async function sendOne(client: LineClient, from: string, n: number): Promise<string> {
  client.send(`MAIL FROM:<${from}>`);
  expect(await reply(client)).toMatch(/^250 /);
  client.send(`RCPT TO:<postmaster@${OUR_DOMAIN}>`);
  expect(await reply(client)).toMatch(/^250 /);
  client.send('DATA');
  expect(await reply(client)).toMatch(/^354 /);
  client.send(`From: <${from}>\r\nTo: <postmaster@${OUR_DOMAIN}>\r\nSubject: report ${n}\r\nMessage-ID: <r${n}@rate.test>\r\n\r\nreport ${n}\r\n.`);
  return reply(client);
}

async function session(port: number, ip: string): Promise<LineClient> {
  const client = await connectLines(port, ip);
  expect(await reply(client)).toMatch(/^220 /);
  client.send('EHLO sender.test');
  expect(await reply(client)).toMatch(/^250 /);
  return client;
}

describe.each(['memory', 'redis'] as const)('MX message rates on %s state', (backend) => {
  let mx: MxFixture;
  afterEach(async () => {
    await mx?.close();
  });

  it('past the per-IP and per-sender-domain hourly limits the MX answers 451 4.7.1, others still get through', async () => {
    mx = await startMxFixture({
      config: {
        ...(backend === 'redis' ? redisStateConfig() : {}),
        'guard.messages.per_ip_per_hour': PER_IP,
        'guard.messages.per_sender_domain_per_hour': PER_DOMAIN,
      },
    });
    await mx.server.server.context.control.aliases.add({ address: `postmaster@${OUR_DOMAIN}`, forwards: ['someone@dest.test'] });

    const flooder = await session(mx.port, FLOODER);
    const answers: string[] = [];
    for (let n = 1; n <= PER_IP + 1; n++) answers.push(await sendOne(flooder, `a${n}@flood.test`, n));
    expect(answers.slice(0, PER_IP).every((a) => a.startsWith('250'))).toBe(true);
    expect(answers.at(-1)).toMatch(/^451 4\.7\.1 /);
    flooder.send('QUIT');

    // Another IP is not held back by the flooder's count; its sender domain has its own budget:
    // flood.test has used 4 of 5, so one more message from it passes and the next is refused.
    const other = await session(mx.port, ELSEWHERE);
    expect(await sendOne(other, 'b1@other.test', 10)).toMatch(/^250 /);
    expect(await sendOne(other, 'b2@flood.test', 11)).toMatch(/^250 /);
    const otherIpNow = await sendOne(other, 'b3@flood.test', 12);
    expect(otherIpNow).toMatch(/^451 4\.7\.1 /);
    other.send('QUIT');
    // The accepted ones were forwarded; the refused ones were not.
    await expect.poll(() => mx.sink.messages.length, { timeout: 15_000 }).toBe(PER_IP + 2);
  });
});
