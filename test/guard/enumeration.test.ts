import { afterEach, describe, expect, it } from 'vitest';
import { redisStateConfig } from '../kit/redis.js';
import { type MxFixture, OUR_DOMAIN, startMxFixture } from '../mx/fixture.js';
import { connectLines, httpsStatus, smtpReply as reply } from './clients.js';

// The real MX listener: unknown recipients are reported to the guard, which cuts the walker off.
const WALKER = '127.3.0.4';
const HONEST = '127.4.0.8';
const PER_CONNECTION = 10;

describe.each(['memory', 'redis'] as const)('recipient enumeration on %s state', (backend) => {
  let mx: MxFixture;
  afterEach(async () => {
    await mx?.close();
  });

  it('a client walking 200 unknown recipients is cut off at the threshold with 421 and banned', async () => {
    mx = await startMxFixture({
      listeners: ['smtp', 'https'],
      config: { ...(backend === 'redis' ? redisStateConfig() : {}), 'guard.recipients.unknown_per_connection': PER_CONNECTION },
    });
    const server = mx.server;
    const smtp = { port: mx.port };
    await server.server.context.control.aliases.add({ address: `postmaster@${OUR_DOMAIN}`, forwards: ['someone@dest.test'] });

    const walker = await connectLines(smtp.port, WALKER);
    expect(await reply(walker)).toMatch(/^220 /);
    walker.send('EHLO walker.test');
    expect(await reply(walker)).toMatch(/^250 /);
    walker.send('MAIL FROM:<probe@walker.test>');
    expect(await reply(walker)).toMatch(/^250 /);
    const answers: string[] = [];
    for (let i = 0; i < 200; i++) {
      walker.send(`RCPT TO:<user${i}@${OUR_DOMAIN}>`);
      const answer = await reply(walker);
      answers.push(answer);
      if (!answer.startsWith('550')) break;
    }
    expect(answers).toHaveLength(PER_CONNECTION);
    expect(answers.slice(0, PER_CONNECTION - 1).every((a) => a.startsWith('550'))).toBe(true);
    expect(answers.at(-1)).toMatch(/^421 .*too many unknown recipients/);
    await walker.closed;

    // Banned: the next connection is refused at the greeting, and HTTPS drops it too.
    const back = await connectLines(smtp.port, WALKER);
    expect(await reply(back)).toMatch(/^554 /);
    await back.closed;
    expect(await httpsStatus(server.ports.https!, WALKER)).toBe('dropped');

    // Someone else is unaffected and reaches a known recipient.
    const honest = await connectLines(smtp.port, HONEST);
    expect(await reply(honest)).toMatch(/^220 /);
    honest.send('HELO honest.test');
    await reply(honest);
    honest.send('MAIL FROM:<a@honest.test>');
    await reply(honest);
    honest.send(`RCPT TO:<postmaster@${OUR_DOMAIN}>`);
    expect(await reply(honest)).toMatch(/^250 /);
    honest.send('QUIT');

    const bans = await server.server.context.guard.bans.list();
    expect(bans.map((b) => [b.ip, b.reason])).toEqual([[WALKER, 'unknown_recipients']]);
    expect(server.logs()).not.toContain(WALKER);
  });
});
