import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MxFixture, OUR_DOMAIN, type SenderDomain, senderDomain, startMxFixture } from './fixture.js';
import { lastReply, swaks } from './swaks.js';

describe('MX authentication verdicts (SPF, DKIM, DMARC) with real clients', () => {
  let mx: MxFixture;
  let sender: SenderDomain;

  beforeAll(async () => {
    mx = await startMxFixture();
    sender = senderDomain(mx.dns, 'sender.test', { spf: 'v=spf1 ip4:127.0.0.1 -all', dmarc: 'v=DMARC1; p=reject' });
    senderDomain(mx.dns, 'strict.test', { spf: 'v=spf1 ip4:192.0.2.1 -all', dmarc: 'v=DMARC1; p=reject' });
    senderDomain(mx.dns, 'lenient.test', { spf: 'v=spf1 ip4:192.0.2.1 -all', dmarc: 'v=DMARC1; p=none' });
    await mx.server.server.context.control.aliases.add({ address: `fwd@${OUR_DOMAIN}`, forwards: ['someone@dest.test'] });
  });
  afterAll(async () => {
    await mx?.close();
  });

  it('SPF fail + DMARC p=reject → 550 5.7.1 (swaks over STARTTLS), nothing forwarded', async () => {
    const result = await swaks([
      '--server', `127.0.0.1:${mx.port}`, '--tls', '--ehlo', 'mail.strict.test',
      '--from', 'ceo@strict.test', '--to', `fwd@${OUR_DOMAIN}`,
      '--header', 'From: CEO <ceo@strict.test>', '--header', 'Subject: wire money',
    ]);
    expect(result.output).toMatch(/STARTTLS/);
    expect(lastReply(result.output)).toMatch(/^550 5\.7\.1 rejected by the sender domain DMARC policy/);
    expect(mx.sink.messages).toHaveLength(0);
    expect(mx.server.logs()).toMatch(/"findings":\["spf=fail","dkim=none","dmarc=fail","arc=none"\]/);
  });

  it('a DKIM-signed message from Nodemailer passes SPF, DKIM and DMARC', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mx.port,
      secure: false,
      requireTLS: true,
      name: 'mail.sender.test',
      tls: { rejectUnauthorized: false },
      dkim: { domainName: sender.domain, keySelector: sender.selector, privateKey: sender.privateKey },
    });
    await transport
      .sendMail({ from: 'Alice <alice@sender.test>', to: `fwd@${OUR_DOMAIN}`, subject: 'hello', text: 'Hi there.' })
      .catch(() => undefined);
    transport.close();
    expect(mx.server.logs()).toMatch(/"findings":\["spf=pass","dkim=pass","dmarc=pass","arc=none","spam=MODEL_(HAM|SPAM)"/);
  });

  it('DMARC p=none failing mail is not refused by the DMARC rule', async () => {
    const result = await swaks([
      '--server', `127.0.0.1:${mx.port}`, '--ehlo', 'mail.lenient.test',
      '--from', 'x@lenient.test', '--to', `fwd@${OUR_DOMAIN}`, '--header', 'From: x@lenient.test',
    ]);
    expect(lastReply(result.output)).not.toMatch(/^550 5\.7\.1/);
    expect(mx.server.logs()).toMatch(/"findings":\["spf=fail","dkim=none","dmarc=fail","arc=none"\]/);
  });
});
