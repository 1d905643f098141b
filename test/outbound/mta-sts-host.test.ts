import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mtaStsPolicy } from '../../src/core/dns-records.js';
import { createLogger } from '../../src/log/logger.js';
import { MtaStsResolver } from '../../src/protocols/smtp/outbound/mta-sts.js';
import { createTestCa, type TestCa } from '../kit/ca.js';
import { startDnsServer, type TestDnsServer } from '../kit/dns-server.js';
import { httpsRequest } from '../kit/https.js';
import { startTestServer, type TestServer } from '../kit/server.js';

describe('publishing our MTA-STS policy over HTTPS', () => {
  let ca: TestCa;
  let dns: TestDnsServer;
  let server: TestServer;

  beforeAll(async () => {
    ca = createTestCa();
    const cert = ca.issue('mx.sealmail.test', 'mta-sts.hosted.test');
    const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-mtasts-'));
    writeFileSync(path.join(dir, 'cert.pem'), cert.cert);
    writeFileSync(path.join(dir, 'key.pem'), cert.key);
    dns = await startDnsServer({ 'mta-sts.hosted.test': [{ type: 'A', address: '127.0.0.1' }] });
    server = await startTestServer({
      listeners: ['https'],
      config: {
        hostname: 'mx.sealmail.test',
        'tls.cert': path.join(dir, 'cert.pem'),
        'tls.key': path.join(dir, 'key.pem'),
        'dns.servers': [dns.server],
      },
    });
    expect((await server.cli(['domain', 'add', 'hosted.test'])).code).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    await dns?.close();
  });

  const get = (host: string) =>
    httpsRequest(`https://127.0.0.1:${server.ports.https}/.well-known/mta-sts.txt`, { headers: { host } });

  it('serves the policy for a hosted domain by Host header, as text/plain', async () => {
    const response = await get('mta-sts.hosted.test');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toBe(mtaStsPolicy('mx.sealmail.test'));
    expect(response.text).toMatch(/^version: STSv1\r\nmode: enforce\r\nmx: mx\.sealmail\.test\r\nmax_age: \d+\r\n$/);
    expect((await get('MTA-STS.Hosted.Test:443')).status).toBe(200);
  });

  it('answers 404 for other hosts', async () => {
    expect((await get('mta-sts.unknown.test')).status).toBe(404);
    expect((await get('hosted.test')).status).toBe(404);
    expect((await get('mta-sts.')).status).toBe(404);
    expect((await get('mta-sts.bad..name')).status).toBe(404);
  });

  it('a validating MTA-STS client (ours) fetches it, with the TXT record `sealmail dns` prints', async () => {
    const records = JSON.parse((await server.cli(['--json', 'dns', 'hosted.test'])).stdout) as Array<{ name: string; value: string }>;
    const txt = records.find((r) => r.name === '_mta-sts.hosted.test');
    expect(txt?.value).toMatch(/^v=STSv1; id=\w+$/);
    dns.txt('_mta-sts.hosted.test', txt?.value ?? '');
    const log = createLogger({ level: 'fatal' });
    const resolver = server.server.context.dns;
    const trusting = new MtaStsResolver({ dns: resolver, log, ca: [ca.cert], port: server.ports.https });
    const policy = await trusting.policyFor('hosted.test');
    expect(policy).toMatchObject({ mode: 'enforce', mx: ['mx.sealmail.test'], maxAge: 604800 });
    expect(MtaStsResolver.matches('mx.sealmail.test', policy!)).toBe(true);
    expect(MtaStsResolver.matches('evil.test', policy!)).toBe(false);
    // Without trust in the issuing CA the certificate is refused and no policy is used.
    const untrusting = new MtaStsResolver({ dns: resolver, log, ca: [], port: server.ports.https });
    expect(await untrusting.policyFor('hosted.test')).toBeUndefined();
  });
});
