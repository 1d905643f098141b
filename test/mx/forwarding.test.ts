import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MxFixture, HOSTNAME, OUR_DOMAIN, type SenderDomain, senderDomain, startMxFixture } from './fixture.js';
import { grepTree } from './grep-tree.js';
import { verifyIndependently } from './independent-verify.js';
import { RawSmtp } from './raw-smtp.js';
import { lastReply, swaks } from './swaks.js';

const PASSWORD = 'correct horse battery staple 42';

describe('MX routing with the real outbound client and mailbox store', () => {
  let mx: MxFixture;
  let sender: SenderDomain;
  const zone: Record<string, string> = {};

  beforeAll(async () => {
    mx = await startMxFixture({
      sink: {
        rejectRecipient: (address) => {
          if (address.startsWith('gone@')) return { code: 550, message: '5.1.1 <gone@dest.test> user unknown' };
          if (address.startsWith('later@')) return { code: 451, message: '4.2.0 mailbox busy' };
          return undefined;
        },
      },
    });
    sender = senderDomain(mx.dns, 'sender.test', { spf: 'v=spf1 ip4:127.0.0.1 -all', dmarc: 'v=DMARC1; p=reject' });
    senderDomain(mx.dns, 'quar.test', { spf: 'v=spf1 ip4:192.0.2.1 -all', dmarc: 'v=DMARC1; p=quarantine' });
    zone[`s1._domainkey.sender.test`] = `v=DKIM1; k=rsa; p=${sender.publicKeyB64}`;
    const rotated = await mx.server.cli(['dkim', 'rotate', OUR_DOMAIN, '--json']);
    expect(rotated.code).toBe(0);
    for (const key of (JSON.parse(rotated.stdout) as { keys: Array<{ name: string; value: string }> }).keys) {
      mx.dns.txt(key.name, key.value);
      zone[key.name] = key.value;
    }
    // The ARC key as `sealmail dns` tells the operator to publish it.
    const printed = await mx.server.cli(['dns', OUR_DOMAIN, '--json']);
    const arcRecord = (JSON.parse(printed.stdout) as Array<{ name: string; value: string }>).find((r) => r.name === `arc._domainkey.${HOSTNAME}`);
    zone[`arc._domainkey.${HOSTNAME}`] = arcRecord?.value ?? 'missing from sealmail dns';
    const cli = async (args: string[], input?: string) => expect((await mx.server.cli(args, input)).code).toBe(0);
    await cli(['alias', 'add', `fwd@${OUR_DOMAIN}`, '--forward', 'bob@dest.test']);
    await cli(['alias', 'add', `box@${OUR_DOMAIN}`, '--mailbox', '--password-stdin'], `${PASSWORD}\n`);
    await cli(['alias', 'add', `gone@${OUR_DOMAIN}`, '--forward', 'gone@dest.test']);
    await cli(['alias', 'add', `later@${OUR_DOMAIN}`, '--forward', 'later@dest.test']);
    // RSA-2048 DKIM key generation and the mailbox password KDF run here; on a loaded 2-core
    // machine (the mx files run in parallel) this takes well over the default 60 s hook timeout.
  }, 180_000);
  afterAll(async () => {
    await mx?.close();
  });

  const mailbox = async () => {
    const session = await mx.server.server.context.mailboxes.unlock(`box@${OUR_DOMAIN}`, PASSWORD);
    if (!session) throw new Error('mailbox did not unlock');
    return session;
  };

  it('forwards a DKIM-signed Nodemailer message: SRS sender, ARC set, DKIM verified by python3-dkim', async () => {
    const before = mx.sink.messages.length;
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: mx.port, secure: false, requireTLS: true, name: 'mail.sender.test',
      tls: { rejectUnauthorized: false },
      dkim: { domainName: sender.domain, keySelector: sender.selector, privateKey: sender.privateKey },
    });
    const info = await transport.sendMail({
      from: 'Alice <alice@sender.test>', to: `fwd@${OUR_DOMAIN}`, subject: 'forward me', text: 'Hello Bob.',
      headers: { 'Authentication-Results': `${HOSTNAME}; dkim=pass header.d=forged.example` },
    });
    transport.close();
    expect(info.response).toMatch(/^250 /);
    const copy = (await mx.sink.waitFor(before + 1))[before]!;
    expect(copy.to).toEqual(['bob@dest.test']);
    expect(copy.from).toMatch(/^SRS0=[a-z2-7]{8}=[a-z2-7]{2}=sender\.test=alice@fwd\.test$/);
    const text = copy.raw.toString();
    expect(text).toMatch(/^ARC-Seal: i=1; /m);
    expect(text).not.toContain('forged.example');
    expect(text).toMatch(new RegExp(`^Authentication-Results: ${HOSTNAME.replace(/\./g, '\\.')};`, 'm'));
    const verdict = verifyIndependently(copy.raw, zone);
    expect(verdict.arc.cv).toBe('pass');
    expect(verdict.dkim).toContainEqual({ d: OUR_DOMAIN, ok: true });
  });

  it('delivers one swaks transaction to a forwarding alias and a mailbox alias (mixed recipients)', async () => {
    const before = mx.sink.messages.length;
    const result = await swaks([
      '--server', `127.0.0.1:${mx.port}`, '--tls', '--ehlo', 'mail.sender.test',
      '--from', 'alice@sender.test', '--to', `fwd@${OUR_DOMAIN},box+news@${OUR_DOMAIN}`,
      '--header', 'From: alice@sender.test', '--header', 'Subject: mixed', '--body', 'to both',
    ]);
    expect(lastReply(result.output)).toMatch(/^250 2\.6\.0/);
    await mx.sink.waitFor(before + 1);
    const session = await mailbox();
    try {
      const inbox = await session.folderFor('\\Inbox');
      const [meta] = (await session.list(inbox)).slice(-1);
      expect((await session.read(inbox, meta!.uid)).toString()).toContain('Subject: mixed');
    } finally {
      await session.close();
    }
  });

  it('DMARC p=quarantine failing mail goes to Junk, forwarded copies carry the spam flag', async () => {
    const before = mx.sink.messages.length;
    const result = await swaks([
      '--server', `127.0.0.1:${mx.port}`, '--ehlo', 'mail.quar.test', '--from', 'x@quar.test',
      '--to', `box@${OUR_DOMAIN},fwd@${OUR_DOMAIN}`, '--header', 'From: x@quar.test', '--header', 'Subject: suspicious',
    ]);
    expect(lastReply(result.output)).toMatch(/^250/);
    const copy = (await mx.sink.waitFor(before + 1))[before]!;
    expect(copy.raw.toString()).toMatch(/^X-Spam-Flag: YES\r$/m);
    const session = await mailbox();
    try {
      const junk = await session.folderFor('\\Junk');
      const messages = await session.list(junk);
      expect(messages).toHaveLength(1);
      expect((await session.read(junk, messages[0]!.uid)).toString()).toContain('Subject: suspicious');
    } finally {
      await session.close();
    }
  });

  it('remote 5xx → 550 with the remote reason (target hidden); remote 4xx → 451; a retry is not delivered twice', async () => {
    const client = await RawSmtp.connect(mx.port);
    await client.command('EHLO mail.sender.test');
    const send = async (to: string[], id: string) => {
      expect(await client.command('MAIL FROM:<alice@sender.test>')).toMatch(/^250/);
      for (const rcpt of to) expect(await client.command(`RCPT TO:<${rcpt}>`)).toMatch(/^250/);
      expect(await client.command('DATA')).toMatch(/^354/);
      client.write(`From: alice@sender.test\r\nMessage-ID: <${id}@sender.test>\r\nSubject: ${id}\r\n\r\nbody\r\n`);
      return client.command('.');
    };
    const refused = await send([`gone@${OUR_DOMAIN}`], 'gone');
    expect(refused).toMatch(/^550 5\.1\.1 delivery failed: .*user unknown/);
    expect(refused).not.toContain('gone@dest.test');
    const before = mx.sink.messages.length;
    expect(await send([`later@${OUR_DOMAIN}`, `fwd@${OUR_DOMAIN}`], 'retry')).toMatch(/^451 4\.2\.0/);
    await mx.sink.waitFor(before + 1);
    // The sender retries the same message: bob already has it, so only the deferred copy is tried again.
    expect(await send([`later@${OUR_DOMAIN}`, `fwd@${OUR_DOMAIN}`], 'retry')).toMatch(/^451/);
    await new Promise((r) => setTimeout(r, 300));
    expect(mx.sink.messages.filter((m) => m.raw.toString().includes('Subject: retry'))).toHaveLength(1);
    client.close();
  });

  it('relays a bounce to an SRS address back to the original sender', async () => {
    const forwarded = mx.sink.messages.find((m) => m.from.startsWith('SRS0='))!;
    const before = mx.sink.messages.length;
    const result = await swaks([
      '--server', `127.0.0.1:${mx.port}`, '--ehlo', 'mx.dest.test', '--from', '<>', '--to', forwarded.from.replace('alice', 'bob2'),
    ]);
    expect(lastReply(result.output)).toMatch(/^550 5\.1\.1/); // tampered: refused
    mx.dns.set('sender.test', [{ type: 'MX', exchange: 'mx.dest.test', priority: 10 }]);
    const ok = await swaks([
      '--server', `127.0.0.1:${mx.port}`, '--ehlo', 'mx.dest.test', '--from', '<>', '--to', forwarded.from,
      '--header', 'From: MAILER-DAEMON@dest.test', '--header', 'Subject: Undelivered Mail',
    ]);
    expect(lastReply(ok.output)).toMatch(/^250/);
    const bounce = (await mx.sink.waitFor(before + 1))[before]!;
    expect(bounce.from).toBe('');
    expect(bounce.to).toEqual(['alice@sender.test']);
  });

  it('accepts and forwards intact a UTF-8 header (SMTPUTF8) and a malformed MIME body', async () => {
    const before = mx.sink.messages.length;
    const client = await RawSmtp.connect(mx.port);
    await client.command('EHLO mail.sender.test');
    expect(await client.command('MAIL FROM:<alice@sender.test> SMTPUTF8 BODY=8BITMIME')).toMatch(/^250/);
    expect(await client.command(`RCPT TO:<fwd@${OUR_DOMAIN}>`)).toMatch(/^250/);
    expect(await client.command('DATA')).toMatch(/^354/);
    const broken =
      'From: alice@sender.test\r\nSubject: Grüße – 8-bit\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n--never-closed\r\nContent-Type: text/plain\r\n' +
      'Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n--wrong-boundary--\r\n';
    client.write(Buffer.from(broken, 'utf8'));
    expect(await client.command('.')).toMatch(/^250/);
    client.close();
    const copy = (await mx.sink.waitFor(before + 1))[before]!;
    expect(copy.raw.toString('utf8')).toContain('Subject: Grüße – 8-bit');
    expect(copy.raw.toString('utf8')).toContain('!!!not base64!!!');
  });

  it('data minimisation: a unique token sent to a forwarding and a mailbox alias is nowhere on disk or in logs', async () => {
    const token = `TOKEN${Date.now()}X${Math.random().toString(36).slice(2)}`;
    const before = mx.sink.messages.length;
    const result = await swaks([
      '--server', `127.0.0.1:${mx.port}`, '--tls', '--ehlo', 'mail.sender.test', '--from', 'alice@sender.test',
      '--to', `fwd@${OUR_DOMAIN},box@${OUR_DOMAIN}`, '--header', 'From: alice@sender.test',
      '--header', `Subject: secret ${token}`, '--body', `the token is ${token}`,
    ]);
    expect(lastReply(result.output)).toMatch(/^250/);
    await mx.sink.waitFor(before + 1);
    expect(mx.sink.messages.at(-1)!.raw.toString()).toContain(token); // it did go through
    expect(grepTree(mx.server.dataDir, token)).toBe('');
    expect(mx.server.logs()).not.toContain(token);
  });
});
