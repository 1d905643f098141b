import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { dkimSign } from 'mailauth';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsResolver } from '../../src/dns/resolver.js';
import { createLogger } from '../../src/log/logger.js';
import { createArcSealer, loadArcKey } from '../../src/mail/arc-seal.js';
import { Srs } from '../../src/mail/srs.js';
import type { DkimSigner, OutboundClient, RecipientResult } from '../../src/protocols/smtp/outbound/types.js';
import { forwardCopy } from '../../src/protocols/smtp/mx/forward.js';
import { verifyMessage } from '../../src/security/auth/verify-message.js';
import { startDnsServer, type TestDnsServer } from '../kit/dns-server.js';
import { startSmtpSink, type SmtpSink } from '../kit/smtp-sink.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyIndependently } from './independent-verify.js';

/**
 * The forwarding path as a component: a DKIM-signed message from sender.test is verified (mailauth,
 * real DNS server), forwarded in memory with SRS + ARC + DKIM, delivered over a real SMTP socket to a
 * sink, and the copy is checked by python3-dkim. The outbound client here is a minimal Nodemailer one;
 * the full path through the server's own outbound client is in forwarding.test.ts.
 */
function rsaKey() {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    pem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    record: `v=DKIM1; k=rsa; p=${pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  };
}

function sinkClient(port: number): OutboundClient {
  return {
    async deliver(envelope, raw) {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, tls: { rejectUnauthorized: false } });
      try {
        await transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
        return envelope.to.map((recipient): RecipientResult => ({ recipient, status: 'delivered', code: 250, response: 'ok' }));
      } catch (error) {
        const e = error as { responseCode?: number; response?: string };
        const status = (e.responseCode ?? 451) >= 500 ? 'failed' : 'deferred';
        const enhanced = /\b([245]\.\d+\.\d+)\b/.exec(e.response ?? '')?.[1];
        return envelope.to.map((recipient) => ({ recipient, status, code: e.responseCode, enhanced, response: e.response ?? 'error' }));
      } finally {
        transport.close();
      }
    },
  };
}

describe('forwarding a copy: SRS, ARC, DKIM, DMARC rewrite', () => {
  let dns: TestDnsServer;
  let sink: SmtpSink;
  let dataDir: string;
  const zone: Record<string, string> = {};
  const senderKey = rsaKey();
  const forwardKey = rsaKey();
  const masterKey = randomBytes(32);
  const srs = new Srs({ key: randomBytes(32), maxAgeDays: 21 });
  const log = createLogger({ level: 'silent' });
  const dkim: DkimSigner = {
    async sign(raw, domain) {
      const { signatures } = await dkimSign(raw, { signTime: new Date(), signatureData: [{ signingDomain: domain, selector: 'fw', privateKey: forwardKey.pem }] } as never);
      return Buffer.concat([Buffer.from(signatures), raw]);
    },
  };

  beforeAll(async () => {
    dns = await startDnsServer();
    dataDir = mkdtempSync(path.join(tmpdir(), 'sealmail-arc-'));
    const arcKey = loadArcKey(dataDir, masterKey, 'mx.sealmail.test');
    Object.assign(zone, {
      's1._domainkey.sender.test': senderKey.record,
      'fw._domainkey.fwd.test': forwardKey.record,
      'arc._domainkey.mx.sealmail.test': arcKey.dnsRecord,
    });
    for (const [name, value] of Object.entries(zone)) dns.txt(name, value);
    dns.txt('sender.test', 'v=spf1 ip4:127.0.0.1 -all');
    dns.txt('_dmarc.sender.test', 'v=DMARC1; p=reject');
    sink = await startSmtpSink({
      // The destination refuses mail whose From is still the DMARC-strict author.
      rejectData: (m) =>
        m.to.includes('strict@dest.test') && /^From: .*<alice@sender\.test>/m.test(m.raw.toString())
          ? { code: 550, message: '5.7.26 Unauthenticated email from sender.test is not accepted due to DMARC policy' }
          : undefined,
    });
  });
  afterAll(async () => {
    await sink?.close();
    await dns?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signedMessage = async (subject: string) => {
    const body = Buffer.from(
      `From: Alice <alice@sender.test>\r\nTo: bob@fwd.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@sender.test>\r\n\r\nHello Bob.\r\n`,
    );
    const { signatures } = await dkimSign(body, { signTime: new Date(), signatureData: [{ signingDomain: 'sender.test', selector: 's1', privateKey: senderKey.pem }] } as never);
    return Buffer.concat([Buffer.from(signatures), body]);
  };

  const forward = async (subject: string, targets: string[]) => {
    const raw = await signedMessage(subject);
    const resolver = new DnsResolver({ servers: [dns.server], timeoutMs: 2000, cacheMaxTtlS: 0 });
    const verified = await verifyMessage({
      raw,
      ip: '127.0.0.1',
      helo: 'mail.sender.test',
      mailFrom: 'alice@sender.test',
      hostname: 'mx.sealmail.test',
      resolve: resolver.resolve as never,
    });
    expect(verified.findings.map((f) => `${f.check}=${f.result}`), JSON.stringify(verified.findings)).toEqual(['spf=pass', 'dkim=pass', 'dmarc=pass', 'arc=none']);
    const prepared = Buffer.concat([Buffer.from(`${verified.headers.join('\r\n')}\r\n`), raw]);
    const arc = createArcSealer(loadArcKey(dataDir, masterKey, 'mx.sealmail.test'));
    return forwardCopy(
      { srs, outbound: sinkClient(sink.port), dkim, arc, onTempfail: 'defer', dmarcRewrite: true, log },
      { mailFrom: 'alice@sender.test', domain: 'fwd.test', targets, raw: prepared, arc: verified.arc },
    );
  };

  it('delivers a copy with an SRS sender, an ARC set and a DKIM signature python3-dkim accepts', async () => {
    const results = await forward('plain', ['bob@dest.test']);
    expect(results).toMatchObject([{ recipient: 'bob@dest.test', status: 'delivered' }]);
    const copy = sink.messages.at(-1)!;
    expect(copy.from).toMatch(/^SRS0=[a-z2-7]{8}=[a-z2-7]{2}=sender\.test=alice@fwd\.test$/);
    expect(srs.reverse(copy.from)).toBe('alice@sender.test');
    expect(copy.raw.toString()).toMatch(/^ARC-Seal: i=1; /m);
    const verdict = verifyIndependently(copy.raw, zone);
    expect(verdict.arc.cv).toBe('pass');
    expect(verdict.dkim).toContainEqual({ d: 'fwd.test', ok: true });
    expect(verdict.dkim).toContainEqual({ d: 'sender.test', ok: true });
  });

  it('retries a DMARC refusal once with From rewritten to "Name via domain" and Reply-To the author', async () => {
    const results = await forward('strict', ['strict@dest.test']);
    expect(results).toMatchObject([{ recipient: 'strict@dest.test', status: 'delivered' }]);
    const copy = sink.messages.at(-1)!;
    const text = copy.raw.toString();
    expect(text).toMatch(/^From: "Alice via sender\.test" <SRS0=[^>]+@fwd\.test>\r$/m);
    expect(text).toMatch(/^Reply-To: Alice <alice@sender\.test>\r$/m);
    const verdict = verifyIndependently(copy.raw, zone);
    expect(verdict.dkim).toContainEqual({ d: 'fwd.test', ok: true });
    expect(verdict.arc.cv).toBe('pass');
  });
});
