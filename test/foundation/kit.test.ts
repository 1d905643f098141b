import { DnsResolver } from '../../src/dns/resolver.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest } from '../kit/https.js';
import { startDnsServer, type TestDnsServer } from '../kit/dns-server.js';
import { startTestServer, type TestServer } from '../kit/server.js';

describe('test kit', () => {
  let dns: TestDnsServer;
  let server: TestServer;

  beforeAll(async () => {
    dns = await startDnsServer({ 'example.test': [{ type: 'MX', exchange: 'mx.example.test', priority: 10 }] });
    server = await startTestServer({ listeners: ['https'], config: { 'dns.servers': [dns.server] } });
  });
  afterAll(async () => {
    await server?.close();
    await dns?.close();
  });

  it('serves /healthz on a random port with every subsystem ok', async () => {
    const response = await httpsRequest(`https://127.0.0.1:${server.ports.https}/healthz`);
    expect(response.status).toBe(200);
    const body = response.json<{ status: string; subsystems: Record<string, Record<string, unknown>> }>();
    expect(body.status).toBe('ok');
    expect(body.subsystems.control_store?.backend).toBe('sqlite');
  });

  it("answers the server's resolver from the declared zone, with long TXT records intact", async () => {
    const long = `v=DKIM1; k=rsa; p=${'A'.repeat(400)}`;
    dns.txt('sel._domainkey.example.test', long);
    const resolver = server.server.context.dns;
    expect(await resolver.mx('example.test')).toEqual([{ exchange: 'mx.example.test', priority: 10 }]);
    expect(await resolver.txt('sel._domainkey.example.test')).toEqual([long]);
    expect(await resolver.exists('nothing.example.test')).toBe(false);
  });

  it('caches answers up to the configured bound', async () => {
    const cached = new DnsResolver({ servers: [dns.server], timeoutMs: 2000, cacheMaxTtlS: 60 });
    dns.set('cache.example.test', [{ type: 'A', address: '192.0.2.1' }]);
    expect(await cached.resolve('cache.example.test', 'A')).toEqual(['192.0.2.1']);
    dns.set('cache.example.test', [{ type: 'A', address: '192.0.2.2' }]);
    expect(await cached.resolve('cache.example.test', 'A')).toEqual(['192.0.2.1']);
    cached.clearCache();
    expect(await cached.resolve('cache.example.test', 'A')).toEqual(['192.0.2.2']);
  });
});
