import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { SmtpOutboundClient } from '../../src/protocols/smtp/outbound/client.js';
import { MtaStsResolver } from '../../src/protocols/smtp/outbound/mta-sts.js';
import { createTestCa, type TestCa } from '../kit/ca.js';
import { testCertificate } from '../kit/certs.js';
import { startDnsServer, type TestDnsServer } from '../kit/dns-server.js';
import { type PolicyHost, policyText, startPolicyHost } from '../kit/policy-host.js';
import { freePort, startTestServer, type TestServer } from '../kit/server.js';
import { type SmtpSink, startSmtpSink } from '../kit/smtp-sink.js';

const message = (token: string) =>
  Buffer.from(`From: a@sender.test\r\nTo: b@x.test\r\nSubject: hello\r\nMessage-ID: <${token}@sender.test>\r\n\r\nbody ${token}\r\n`);

// Every remote MX listens on the same port (delivery.port) on its own loopback address.
const PLAIN = '127.0.0.2';
const WRONG_CERT = '127.0.0.3';
const GOOD = '127.0.0.4';
const DEAD = '127.0.0.9';

describe('outbound delivery: MX, STARTTLS, MTA-STS', () => {
  let ca: TestCa;
  let dns: TestDnsServer;
  let policies: PolicyHost;
  let sinks: Record<'plain' | 'wrong' | 'good', SmtpSink>;
  let server: TestServer;
  let port: number;

  const enforceDomains = ['enforce-notls.test', 'enforce-wrongcert.test', 'enforce-ok.test', 'enforce-elsewhere.test', 'testing.test'];

  beforeAll(async () => {
    ca = createTestCa();
    port = await freePort();
    sinks = {
      plain: await startSmtpSink({ host: PLAIN, port, noTls: true }),
      wrong: await startSmtpSink({ host: WRONG_CERT, port, certificate: testCertificate('mx.wrong.test') }),
      good: await startSmtpSink({ host: GOOD, port, certificate: ca.issue('mx.good.test') }),
    };
    policies = await startPolicyHost(ca.issue(...enforceDomains.map((d) => `mta-sts.${d}`)));
    dns = await startDnsServer({
      'mx.plain.test': [{ type: 'A', address: PLAIN }],
      'mx.wrong.test': [{ type: 'A', address: WRONG_CERT }],
      'mx.good.test': [{ type: 'A', address: GOOD }],
      'mx.dead.test': [{ type: 'A', address: DEAD }],
      'plain.test': [{ type: 'MX', exchange: 'mx.plain.test', priority: 10 }],
      'enforce-notls.test': [{ type: 'MX', exchange: 'mx.plain.test', priority: 10 }],
      'enforce-wrongcert.test': [{ type: 'MX', exchange: 'mx.wrong.test', priority: 10 }],
      'enforce-ok.test': [{ type: 'MX', exchange: 'mx.good.test', priority: 10 }],
      'enforce-elsewhere.test': [{ type: 'MX', exchange: 'mx.good.test', priority: 10 }],
      'testing.test': [{ type: 'MX', exchange: 'mx.wrong.test', priority: 10 }],
      'pref.test': [
        { type: 'MX', exchange: 'mx.plain.test', priority: 50 },
        { type: 'MX', exchange: 'mx.dead.test', priority: 5 },
        { type: 'MX', exchange: 'mx.good.test', priority: 10 },
      ],
      'a-only.test': [{ type: 'A', address: GOOD }],
      'nullmx.test': [{ type: 'MX', exchange: '', priority: 0 }],
    });
    for (const domain of enforceDomains) {
      dns.set(`mta-sts.${domain}`, [{ type: 'A', address: '127.0.0.1' }]);
      dns.txt(`_mta-sts.${domain}`, 'v=STSv1; id=20261129');
    }
    policies.set('enforce-notls.test', policyText('enforce', ['mx.plain.test']));
    policies.set('enforce-wrongcert.test', policyText('enforce', ['mx.wrong.test']));
    policies.set('enforce-ok.test', policyText('enforce', ['*.good.test']));
    policies.set('enforce-elsewhere.test', policyText('enforce', ['mx.elsewhere.test']));
    policies.set('testing.test', policyText('testing', ['mx.wrong.test']));
    server = await startTestServer({
      config: {
        'dns.servers': [dns.server],
        'delivery.port': port,
        'delivery.ca_file': ca.certFile,
        'delivery.mta_sts_port': policies.port,
        'delivery.timeout': '5s',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all(Object.values(sinks ?? {}).map((s) => s.close()));
    await policies?.close();
    await dns?.close();
  });

  const deliver = (to: string, token: string) => server.server.context.outbound.deliver({ from: 'a@sender.test', to: [to] }, message(token));
  const received = (sink: SmtpSink, token: string) => sink.messages.filter((m) => m.raw.includes(token));

  it('delivers without a policy, opportunistically, even to an MX without TLS', async () => {
    const [result] = await deliver('b@plain.test', 'tok-plain');
    expect(result).toMatchObject({ recipient: 'b@plain.test', status: 'delivered', code: 250 });
    expect(received(sinks.plain, 'tok-plain')).toHaveLength(1);
  });

  it('enforce: an MX offering no TLS gets nothing, the message is deferred', async () => {
    const [result] = await deliver('b@enforce-notls.test', 'tok-enforce-notls');
    expect(result?.status).toBe('deferred');
    expect(result?.response).toMatch(/MTA-STS/);
    expect(received(sinks.plain, 'tok-enforce-notls')).toHaveLength(0);
  });

  it('enforce: an MX with an untrusted certificate gets nothing', async () => {
    const [result] = await deliver('b@enforce-wrongcert.test', 'tok-enforce-wrong');
    expect(result?.status).toBe('deferred');
    expect(received(sinks.wrong, 'tok-enforce-wrong')).toHaveLength(0);
  });

  it('enforce: an MX not listed in the policy is never contacted', async () => {
    const [result] = await deliver('b@enforce-elsewhere.test', 'tok-elsewhere');
    expect(result?.status).toBe('deferred');
    expect(received(sinks.good, 'tok-elsewhere')).toHaveLength(0);
    expect(server.logs()).toMatch(/MX not in policy, skipped/);
  });

  it('enforce: a policy MX with a valid certificate gets the message over TLS', async () => {
    const [result] = await deliver('b@enforce-ok.test', 'tok-enforce-ok');
    expect(result?.status).toBe('delivered');
    const [got] = received(sinks.good, 'tok-enforce-ok');
    expect(got?.secure).toBe(true);
    expect(policies.fetches.get('mta-sts.enforce-ok.test')).toBe(1);
    // Cached by id: a second delivery does not fetch the policy again.
    await deliver('c@enforce-ok.test', 'tok-enforce-ok-2');
    expect(policies.fetches.get('mta-sts.enforce-ok.test')).toBe(1);
  });

  it('testing: delivers despite a bad certificate, and logs the policy failure', async () => {
    const [result] = await deliver('b@testing.test', 'tok-testing');
    expect(result?.status).toBe('delivered');
    expect(received(sinks.wrong, 'tok-testing')).toHaveLength(1);
    expect(server.logs()).toMatch(/mta-sts testing: no valid TLS/);
  });

  it('tries MX hosts in preference order, skipping one that does not answer', async () => {
    const [result] = await deliver('b@pref.test', 'tok-pref');
    expect(result?.status).toBe('delivered');
    expect(received(sinks.good, 'tok-pref')).toHaveLength(1);
    expect(received(sinks.plain, 'tok-pref')).toHaveLength(0);
  });

  it('falls back to the A record without MX, and fails permanently for a null MX or no domain', async () => {
    expect((await deliver('b@a-only.test', 'tok-a'))[0]?.status).toBe('delivered');
    expect(received(sinks.good, 'tok-a')).toHaveLength(1);
    expect((await deliver('b@nullmx.test', 'tok-null'))[0]).toMatchObject({ status: 'failed', code: 550 });
    expect((await deliver('b@nowhere.test', 'tok-nx'))[0]).toMatchObject({ status: 'failed' });
  });

  it('reports per recipient: a 5xx RCPT fails, a 4xx defers, the rest is delivered', async () => {
    const sink = await startSmtpSink({
      host: '127.0.0.5',
      port,
      rejectRecipient: (a) =>
        a.startsWith('perm') ? { code: 550, message: '5.1.1 no such user' } : a.startsWith('temp') ? { code: 451, message: '4.3.0 later' } : undefined,
    });
    try {
      dns.set('mx.mixed.test', [{ type: 'A', address: '127.0.0.5' }]);
      dns.set('mixed.test', [{ type: 'MX', exchange: 'mx.mixed.test', priority: 1 }]);
      const results = await server.server.context.outbound.deliver(
        { from: 'a@sender.test', to: ['ok@mixed.test', 'perm@mixed.test', 'temp@mixed.test'] },
        message('tok-mixed'),
      );
      expect(Object.fromEntries(results.map((r) => [r.recipient, [r.status, r.code]]))).toEqual({
        'ok@mixed.test': ['delivered', 250],
        'perm@mixed.test': ['failed', 550],
        'temp@mixed.test': ['deferred', 451],
      });
      expect(sink.messages[0]?.to).toEqual(['ok@mixed.test']);
    } finally {
      await sink.close();
    }
  });

  it('require_tls: never delivers in plain text', async () => {
    const log = createLogger({ level: 'fatal' });
    const resolver = server.server.context.dns;
    const client = new SmtpOutboundClient({
      dns: resolver,
      log,
      mtaSts: new MtaStsResolver({ dns: resolver, log, ca: [ca.cert], port: policies.port }),
      hostname: 'sender.test',
      port,
      requireTls: true,
      ca: [ca.cert],
      timeoutMs: 5000,
    });
    const [plain] = await client.deliver({ from: 'a@sender.test', to: ['b@plain.test'] }, message('tok-req-plain'));
    expect(plain?.status).toBe('deferred');
    expect(received(sinks.plain, 'tok-req-plain')).toHaveLength(0);
    const [tlsOk] = await client.deliver({ from: 'a@sender.test', to: ['b@a-only.test'] }, message('tok-req-tls'));
    expect(tlsOk?.status).toBe('delivered');
    expect(received(sinks.good, 'tok-req-tls')[0]?.secure).toBe(true);
  });
});
