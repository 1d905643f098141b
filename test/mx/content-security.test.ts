import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eicar, startClamd, type TestClamd } from '../kit/clamd.js';
import { buildMessage } from '../kit/messages.js';
import { type MxFixture, OUR_DOMAIN, senderDomain, readMailboxFolder, startMxFixture } from './fixture.js';
import { grepTree } from './grep-tree.js';
import { lastReply, swaks } from './swaks.js';

const PASSWORD = 'correct horse battery staple 42';
const BOX = `box@${OUR_DOMAIN}`;
const FWD = `fwd@${OUR_DOMAIN}`;

// Scored by the shipped model + rules: ~26 (phish, credential form, IP-literal link), ~11 (spam, shortener), ~-2 (ham).
const spamMessage = (token: string) =>
  buildMessage({
    to: BOX,
    from: 'PayPal Security <alert@paypa1-secure.xyz>',
    subject: `URGENT: Your account is suspended - verify now ${token}`,
    html:
      '<p>Dear customer, your account has been limited. <a href="http://192.0.2.7/login">https://www.paypal.com/verify</a> ' +
      'Click here to verify your password and claim your prize!!! Free money, viagra, bitcoin</p>' +
      '<form action="http://192.0.2.7/x"><input type="password" name="p"></form>',
  });
const junkMessage = (token: string) =>
  buildMessage({
    to: BOX,
    subject: `Cheap meds FREE offer!!! Limited time ${token}`,
    text: 'Buy cheap viagra now, 90% discount, click http://bit.ly/xyz to unsubscribe winner prize cash free\r\n',
  });

describe('MX content security: antivirus and spam at DATA', () => {
  let mx: MxFixture;
  let clamd: TestClamd;

  beforeAll(async () => {
    clamd = await startClamd();
    mx = await startMxFixture({ config: { 'antivirus.clamd': clamd.socket } });
    senderDomain(mx.dns, 'sender.test', { spf: 'v=spf1 ip4:127.0.0.1 -all' });
    const added = await mx.server.cli(['alias', 'add', BOX, '--mailbox', '--password-stdin'], `${PASSWORD}\n`);
    expect(added.code).toBe(0);
    await mx.server.server.context.control.aliases.add({ address: FWD, forwards: ['someone@dest.test'] });
  }, 60_000);
  afterAll(async () => {
    await mx?.close();
    await clamd?.close();
  });

  const send = (to: string, raw: Buffer) =>
    swaks(['--server', `127.0.0.1:${mx.port}`, '--ehlo', 'mail.sender.test', '--from', 'alice@sender.test', '--to', to, '--data', '-'], raw.toString('latin1'));

  const readFolder = (use: '\\Inbox' | '\\Junk') => readMailboxFolder(mx, BOX, PASSWORD, use);
  const everywhere = async () => [...(await readFolder('\\Inbox')), ...(await readFolder('\\Junk'))].join('\n');

  it('an EICAR attachment is refused with 554 5.7.1 at DATA and nothing is stored or forwarded', async () => {
    const token = `EICAR${Date.now()}`;
    const raw = buildMessage({
      to: BOX,
      subject: `invoice ${token}`,
      attachments: [{ filename: 'invoice.com', contentType: 'application/octet-stream', content: eicar() }],
    });
    const before = mx.sink.messages.length;
    for (const to of [BOX, FWD]) {
      const result = await send(to, raw);
      expect(lastReply(result.output)).toMatch(/^554[ -]5\.7\.1 .*virus/);
    }
    expect(await everywhere()).not.toContain(token);
    expect(mx.sink.messages.length).toBe(before);
    expect(grepTree(mx.server.dataDir, token)).toBe('');
  });

  it('spam above [content] reject_score is refused (554 5.7.1) and never forwarded', async () => {
    const token = `SPAM${Date.now()}`;
    const before = mx.sink.messages.length;
    for (const to of [BOX, FWD]) {
      const result = await send(to, spamMessage(token));
      expect(lastReply(result.output)).toMatch(/^554[ -]5\.7\.1 .*spam/);
    }
    expect(await everywhere()).not.toContain(token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mx.sink.messages.length).toBe(before);
  });

  it('junk-level mail goes to the mailbox Junk folder, and is forwarded flagged', async () => {
    const token = `JUNK${Date.now()}`;
    // A forged verdict from the sender is dropped.
    const raw = Buffer.from(`X-Spam-Flag: NO\r\n${junkMessage(token).toString('latin1')}`, 'latin1');
    expect(lastReply((await send(BOX, raw)).output)).toMatch(/^250/);
    const junk = (await readFolder('\\Junk')).filter((m) => m.includes(token));
    expect(junk).toHaveLength(1);
    expect(junk[0]).toMatch(/^X-Spam-Flag: YES\r$/m);
    expect(junk[0]).not.toMatch(/^X-Spam-Flag: NO/m);
    expect(junk[0]).toMatch(/^X-Spam-Score: (\d+\.\d)\r$/m);
    expect((await readFolder('\\Inbox')).some((m) => m.includes(token))).toBe(false);

    const before = mx.sink.messages.length;
    expect(lastReply((await send(FWD, raw)).output)).toMatch(/^250/);
    const copies = await mx.sink.waitFor(before + 1);
    const copy = copies.at(-1)!.raw.toString('latin1');
    expect(copy).toContain(token);
    expect(copy.match(/^X-Spam-Flag: \w+/gim)).toEqual(['X-Spam-Flag: YES']);
  });

  it('a normal message is accepted to INBOX with X-Spam-Score and X-Spam-Flag: NO', async () => {
    const token = `HAM${Date.now()}`;
    const result = await send(BOX, buildMessage({ to: BOX, subject: `Lunch on Friday ${token}` }));
    expect(lastReply(result.output)).toMatch(/^250/);
    const inbox = (await readFolder('\\Inbox')).filter((m) => m.includes(token));
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatch(/^X-Spam-Score: -?\d+\.\d\r$/m);
    expect(inbox[0]).toMatch(/^X-Spam-Flag: NO\r$/m);
    expect(inbox[0]).toMatch(/^X-Spam-Status: No, score=/m);
  });
});

describe('MX content security: antivirus failure and absence', () => {
  it('clamd configured but unreachable: 451 4.7.1 (fail closed); not configured: accepted without AV', async () => {
    const down = await startMxFixture({ config: { 'antivirus.clamd': '/nonexistent/sealmail-clamd.sock' } });
    const none = await startMxFixture();
    try {
      for (const mx of [down, none]) await mx.server.server.context.control.aliases.add({ address: FWD, forwards: ['someone@dest.test'] });
      const args = (port: number) => ['--server', `127.0.0.1:${port}`, '--from', 'alice@example.net', '--to', FWD, '--data', '-'];
      const raw = buildMessage({ to: FWD }).toString('latin1');
      expect(lastReply((await swaks(args(down.port), raw)).output)).toMatch(/^451[ -]4\.7\.1/);
      expect(down.sink.messages).toHaveLength(0);
      expect(lastReply((await swaks(args(none.port), raw)).output)).toMatch(/^250/);
      expect((await none.sink.waitFor(1))[0]!.raw.toString('latin1')).toMatch(/^X-Spam-Score: /m);
    } finally {
      await down.close();
      await none.close();
    }
  }, 60_000);
});
