import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTNAME, type MxFixture, OUR_DOMAIN, senderDomain, readMailboxFolder, startMxFixture } from './fixture.js';
import { grepTree } from './grep-tree.js';
import { lastReply, swaks } from './swaks.js';

const PASSWORD = 'correct horse battery staple 42';

describe('MX delivery into encrypted mailboxes', () => {
  let mx: MxFixture;

  beforeAll(async () => {
    mx = await startMxFixture();
    senderDomain(mx.dns, 'sender.test', { spf: 'v=spf1 ip4:127.0.0.1 -all', dmarc: 'v=DMARC1; p=reject' });
    senderDomain(mx.dns, 'quar.test', { spf: 'v=spf1 ip4:192.0.2.1 -all', dmarc: 'v=DMARC1; p=quarantine' });
    const added = await mx.server.cli(['alias', 'add', `box@${OUR_DOMAIN}`, '--mailbox', '--password-stdin'], `${PASSWORD}\n`);
    expect(added.code).toBe(0);
  });
  afterAll(async () => {
    await mx?.close();
  });

  const readFolder = (use: '\\Inbox' | '\\Junk') => readMailboxFolder(mx, `box@${OUR_DOMAIN}`, PASSWORD, use);

  it('answers 250 once sealed into the spool; the stored copy carries our trace and Authentication-Results', async () => {
    const result = await swaks([
      '--server', `127.0.0.1:${mx.port}`, '--tls', '--ehlo', 'mail.sender.test', '--from', 'alice@sender.test',
      '--to', `box+news@${OUR_DOMAIN}`, '--header', 'From: alice@sender.test', '--header', 'Subject: stored',
      '--header', `Authentication-Results: ${HOSTNAME}; spf=pass smtp.mailfrom=forged.example`,
    ]);
    expect(lastReply(result.output)).toMatch(/^250 2\.6\.0/);
    const [stored] = await readFolder('\\Inbox');
    expect(stored).toContain('Subject: stored');
    expect(stored).toMatch(new RegExp(`^Received: from mail\\.sender\\.test .*\\r\\n\\tby ${HOSTNAME.replace(/\./g, '\\.')}`, 'm'));
    expect(stored).toMatch(/^Authentication-Results: mx\.sealmail\.test;\r\n /m);
    expect(stored).toMatch(/^ spf=pass /m);
    expect(stored).not.toContain('forged.example');
  });

  it('DMARC p=quarantine failing mail is stored in Junk', async () => {
    const result = await swaks([
      '--server', `127.0.0.1:${mx.port}`, '--ehlo', 'mail.quar.test', '--from', 'x@quar.test',
      '--to', `box@${OUR_DOMAIN}`, '--header', 'From: x@quar.test', '--header', 'Subject: suspicious',
    ]);
    expect(lastReply(result.output)).toMatch(/^250/);
    const junk = await readFolder('\\Junk');
    expect(junk).toHaveLength(1);
    expect(junk[0]).toContain('Subject: suspicious');
    expect(junk[0]).toMatch(/^X-Spam-Flag: YES\r$/m);
    expect((await readFolder('\\Inbox')).some((m) => m.includes('Subject: suspicious'))).toBe(false);
  });

  it('data minimisation: a unique token sent to a mailbox alias is nowhere in the data dir or the logs', async () => {
    const token = `TOKEN${Date.now()}X${Math.random().toString(36).slice(2)}`;
    const result = await swaks([
      '--server', `127.0.0.1:${mx.port}`, '--tls', '--ehlo', 'mail.sender.test', '--from', 'alice@sender.test',
      '--to', `box@${OUR_DOMAIN}`, '--header', 'From: alice@sender.test', '--header', `Subject: secret ${token}`,
      '--body', `the token is ${token}`,
    ]);
    expect(lastReply(result.output)).toMatch(/^250/);
    expect(grepTree(mx.server.dataDir, token)).toBe('');
    expect(mx.server.logs()).not.toContain(token);
    // It is there for the owner, once unlocked.
    expect((await readFolder('\\Inbox')).some((m) => m.includes(token))).toBe(true);
    expect(grepTree(mx.server.dataDir, token)).toBe('');
  });
});
