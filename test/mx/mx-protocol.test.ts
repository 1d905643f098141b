import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MxFixture, OUR_DOMAIN, startMxFixture } from './fixture.js';
import { RawSmtp } from './raw-smtp.js';

const MAX_BYTES = 20_000;

describe('MX listener: protocol, limits and malformed input', () => {
  let mx: MxFixture;

  beforeAll(async () => {
    mx = await startMxFixture({
      config: { 'mx.max_message_bytes': MAX_BYTES, 'mx.idle_timeout_ms': 1500, 'mx.max_header_bytes': 4096 },
    });
    const { aliases } = mx.server.server.context.control;
    await aliases.add({ address: `fwd@${OUR_DOMAIN}`, forwards: ['someone@dest.test'] });
    await aliases.add({ address: `off@${OUR_DOMAIN}`, forwards: ['someone@dest.test'], enabled: false });
  });
  afterAll(async () => {
    await mx?.close();
  });

  const session = async () => {
    const client = await RawSmtp.connect(mx.port);
    await client.command('EHLO client.example');
    return client;
  };

  it('offers the ESMTP extensions the MX must have, and no AUTH', async () => {
    const client = await RawSmtp.connect(mx.port);
    const ehlo = await client.command('EHLO client.example');
    for (const extension of ['STARTTLS', `SIZE ${MAX_BYTES}`, '8BITMIME', 'SMTPUTF8', 'PIPELINING', 'ENHANCEDSTATUSCODES']) {
      expect(ehlo.split('\n').map((line) => line.slice(4))).toContain(extension);
    }
    expect(ehlo).not.toMatch(/AUTH/);
    expect(await client.command('AUTH PLAIN AGFAYg==')).toMatch(/^50[02]/);
    expect(await client.command('VRFY fwd@fwd.test')).toMatch(/^50[02]/);
    expect(await client.command('EXPN staff')).toMatch(/^50[02]/);
    expect(await client.command('QUIT')).toMatch(/^221/);
    client.close();
  });

  it('answers unknown 550 5.1.1, disabled 550 5.2.1, foreign domains 554 5.7.1', async () => {
    const client = await session();
    expect(await client.command('MAIL FROM:<a@sender.example>')).toMatch(/^250/);
    expect(await client.command(`RCPT TO:<nobody@${OUR_DOMAIN}>`)).toBe('550 5.1.1 no such recipient here');
    expect(await client.command(`RCPT TO:<off@${OUR_DOMAIN}>`)).toBe('550 5.2.1 mailbox disabled, not accepting messages');
    expect(await client.command('RCPT TO:<victim@elsewhere.example>')).toBe('554 5.7.1 relay access denied');
    expect(await client.command(`RCPT TO:<SRS0=abcdefgh=aa=x.example=y@${OUR_DOMAIN}>`)).toMatch(/^550 5\.1\.1/);
    expect(await client.command(`RCPT TO:<fwd+tag@${OUR_DOMAIN}>`)).toMatch(/^250/);
    client.close();
  });

  it('refuses more than 100 recipients with 452 even when they come pipelined in one write', async () => {
    const client = await session();
    const rcpts = Array.from({ length: 105 }, (_, i) => `RCPT TO:<fwd+${i}@${OUR_DOMAIN}>\r\n`).join('');
    client.write(`MAIL FROM:<a@sender.example>\r\n${rcpts}RSET\r\n`);
    expect((await client.reply())[0]).toMatch(/^250/);
    const replies: string[] = [];
    for (let i = 0; i < 105; i++) replies.push((await client.reply())[0]!);
    expect(replies.slice(0, 100).every((r) => r.startsWith('250'))).toBe(true);
    expect(replies.slice(100).every((r) => r.startsWith('452'))).toBe(true);
    expect((await client.reply())[0]).toMatch(/^250/); // RSET
    client.close();
  });

  it('refuses oversize mail by SIZE and by actual size (552), and keeps the session usable', async () => {
    const client = await session();
    expect(await client.command(`MAIL FROM:<a@sender.example> SIZE=${MAX_BYTES + 1}`)).toMatch(/^552/);
    expect(await client.command('MAIL FROM:<a@sender.example>')).toMatch(/^250/);
    expect(await client.command(`RCPT TO:<fwd@${OUR_DOMAIN}>`)).toMatch(/^250/);
    expect(await client.command('DATA')).toMatch(/^354/);
    client.write(`Subject: big\r\n\r\n${'x'.repeat(76)}\r\n`.repeat(400));
    expect(await client.command('.')).toMatch(/^552/);
    expect(await client.command('NOOP')).toMatch(/^250/);
    client.close();
    expect(mx.sink.messages).toHaveLength(0);
  });

  it.each([
    ['bare LF', 'From: a@sender.example\r\nSubject: x\r\n\r\nline one\nline two\r\n', /^550 5\.6\.2/],
    ['bare CR', 'From: a@sender.example\r\nSubject: x\r\n\r\nline one\rline two\r\n', /^550 5\.6\.2/],
    ['header bytes that are not UTF-8', 'From: a@sender.example\r\nSubject: \xff\xfe bad\r\n\r\nbody\r\n', /^550 5\.6\.7/],
    ['an oversized header section', `From: a@sender.example\r\nX-Pad: ${'y'.repeat(5000)}\r\n\r\nbody\r\n`, /^552 5\.3\.4/],
    ['no header at all', '\r\njust a body\r\n', /^550 5\.6\.0/],
  ])('refuses a message with %s', async (_name, message, expected) => {
    const client = await session();
    expect(await client.command('MAIL FROM:<a@sender.example>')).toMatch(/^250/);
    expect(await client.command(`RCPT TO:<fwd@${OUR_DOMAIN}>`)).toMatch(/^250/);
    expect(await client.command('DATA')).toMatch(/^354/);
    client.write(Buffer.from(message, 'latin1'));
    expect(await client.command('.')).toMatch(expected);
    expect(await client.command('QUIT')).toMatch(/^221/);
    client.close();
    expect(mx.sink.messages).toHaveLength(0);
  });

  it('answers a whole transaction written in one go, in order, and treats an SMTP-smuggling attempt as one refused message', async () => {
    const client = await session();
    const smuggled =
      'From: a@sender.example\r\nSubject: x\r\n\r\nhi\n.\r\nMAIL FROM:<evil@sender.example>\r\n' +
      `RCPT TO:<fwd@${OUR_DOMAIN}>\r\nDATA\r\nFrom: ceo@bank.example\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n`;
    client.write(`MAIL FROM:<a@sender.example>\r\nRCPT TO:<fwd@${OUR_DOMAIN}>\r\nDATA\r\n${smuggled}QUIT\r\n`);
    const replies: string[] = [];
    for (let i = 0; i < 5; i++) replies.push((await client.reply())[0]!);
    expect(replies.map((r) => r.slice(0, 3))).toEqual(['250', '250', '354', '550', '221']);
    expect(replies[3]).toMatch(/^550 5\.6\.2/);
    await client.waitClosed();
    expect(mx.sink.messages).toHaveLength(0);
  });

  it('cuts off a client that stalls in the middle of DATA, delivering nothing', async () => {
    const client = await session();
    expect(await client.command('MAIL FROM:<a@sender.example>')).toMatch(/^250/);
    expect(await client.command(`RCPT TO:<fwd@${OUR_DOMAIN}>`)).toMatch(/^250/);
    expect(await client.command('DATA')).toMatch(/^354/);
    client.write('From: a@sender.example\r\nSubject: stall\r\n\r\nhalf a mess');
    const reply = await client.reply(10_000);
    expect(reply[0]).toMatch(/^421/);
    await client.waitClosed();
    await new Promise((r) => setTimeout(r, 300));
    expect(mx.sink.messages).toHaveLength(0);
    // The server is still serving.
    const next = await session();
    expect(await next.command('NOOP')).toMatch(/^250/);
    next.close();
  });

  it('survives garbage and commands out of order', async () => {
    const client = await RawSmtp.connect(mx.port);
    expect(await client.command('DATA')).toMatch(/^503/);
    expect(await client.command('RCPT TO:<fwd@fwd.test>')).toMatch(/^503/);
    expect(await client.command('EHLO client.example')).toMatch(/^250/);
    expect(await client.command('MAIL FROM:<not an address>')).toMatch(/^5/);
    expect(await client.command('\u0000\u0001\u0002')).toMatch(/^5/);
    client.close();
    const again = await session();
    expect(await again.command('NOOP')).toMatch(/^250/);
    again.close();
  });
});

describe('MX listener: total session time', () => {
  let mx: MxFixture;

  beforeAll(async () => {
    mx = await startMxFixture({ config: { 'mx.session_timeout_ms': 2000, 'mx.idle_timeout_ms': 60_000 } });
  });
  afterAll(async () => {
    await mx?.close();
  });

  it('cuts off a client that stays busy (NOOP every 300 ms) once the session time is up', async () => {
    const client = await RawSmtp.connect(mx.port);
    const started = Date.now();
    let last = '';
    while (!client.closed && Date.now() - started < 10_000) {
      client.write('NOOP\r\n');
      last = (await client.reply())[0]!;
      if (last.startsWith('421')) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    // The 421 may have arrived unasked, between two NOOPs.
    if (!last.startsWith('421')) last = (await client.reply())[0]!;
    expect(last).toMatch(/^421 4\.4\.2 session time limit/);
    await client.waitClosed();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
