import { afterEach, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../kit/dns-server.js';
import { httpsRequest } from '../kit/https.js';
import { redisStateConfig } from '../kit/redis.js';
import { startTestServer, type TestServer } from '../kit/server.js';
import { connectLines, httpsStatus } from './clients.js';

const LISTED = '127.6.0.5';
const CLEAN = '127.6.0.6';
const REFUSED_QUERY = '127.6.0.7';

describe.each(['memory', 'redis'] as const)('DNSBL on %s state', (backend) => {
  let dns: TestDnsServer;
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
    await dns?.close();
  });

  it('an IP listed in a DNSBL zone gets 554 at connect; /healthz and the CLI report our own listing', async () => {
    dns = await startDnsServer({
      '5.0.6.127.bl.test': [{ type: 'A', address: '127.0.0.2' }],
      // "Query refused" code of some lists: not a listing.
      '7.0.6.127.bl.test': [{ type: 'A', address: '127.255.255.254' }],
    });
    server = await startTestServer({
      listeners: ['https', 'smtp'],
      config: {
        ...(backend === 'redis' ? redisStateConfig() : {}),
        'dns.servers': [dns.server],
        'guard.dnsbl.zones': ['bl.test', 'other.test'],
        'guard.reputation.sending_ips': [LISTED, CLEAN],
      },
    });
    const smtp = { port: server.ports.smtp! };

    const listed = await connectLines(smtp.port, LISTED);
    expect(await listed.next()).toMatch(/^554 .*listed by bl\.test/);
    await listed.closed;
    for (const ip of [CLEAN, REFUSED_QUERY]) {
      const ok = await connectLines(smtp.port, ip);
      expect(await ok.next()).toMatch(/^220 /);
      ok.close();
    }
    // Cached: the answer holds after the zone drops the record, until cache_s passes.
    dns.set('5.0.6.127.bl.test', []);
    const again = await connectLines(smtp.port, LISTED);
    expect(await again.next()).toMatch(/^554 /);
    // DNSBLs list mail senders: HTTPS (not in [guard.dnsbl] listeners) is not checked; no ban was made.
    expect(await httpsStatus(server.ports.https!, LISTED)).toBe(200);
    expect(await server.server.context.guard.isBanned(LISTED)).toBe(false);

    dns.set('5.0.6.127.bl.test', [{ type: 'A', address: '127.0.0.2' }]);
    const health = (await httpsRequest(`https://127.0.0.1:${server.ports.https}/healthz`)).json<{
      subsystems: Record<string, Record<string, unknown>>;
    }>();
    expect(health.subsystems.reputation).toMatchObject({
      status: 'ok',
      sending_ips: 2,
      listed: [{ ip: LISTED, zones: ['bl.test'] }],
    });

    const check = await server.cli(['reputation', 'check', '--json']);
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout) as { listed: number; results: Array<{ ip: string; listed: unknown[] }> };
    expect(report.listed).toBe(1);
    expect(report.results.map((r) => [r.ip, r.listed.length])).toEqual([
      [LISTED, 1],
      [CLEAN, 0],
    ]);
    const clean = await server.cli(['reputation', 'check', '--ip', CLEAN]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain(`${CLEAN}\tclean`);
  });

  it('with policy = "score" a listed IP is let in with a score', async () => {
    dns = await startDnsServer({ '5.0.6.127.bl.test': [{ type: 'A', address: '127.0.0.2' }] });
    server = await startTestServer({
      config: {
        ...(backend === 'redis' ? redisStateConfig() : {}),
        'dns.servers': [dns.server],
        'guard.dnsbl.zones': ['bl.test'],
        'guard.dnsbl.policy': 'score',
        'guard.dnsbl.score': 7,
      },
    });
    const verdict = await server.server.context.guard.onConnect(LISTED, 'smtp');
    expect(verdict).toMatchObject({ allowed: true, score: 7, listings: [{ zone: 'bl.test', codes: ['127.0.0.2'] }] });
    verdict.release();
    expect((await server.server.context.guard.onConnect(CLEAN, 'smtp')).score).toBe(0);
  });
});

describe('reputation check without configuration', () => {
  it('exits 2 when there are no zones or no IPs', async () => {
    const server = await startTestServer();
    try {
      expect((await server.cli(['reputation', 'check'])).code).toBe(2);
      expect((await server.cli(['reputation', 'check', '--ip', '192.0.2.1'])).stderr).toContain('no DNSBL zones');
      expect((await server.cli(['reputation', 'check', '--ip', 'nonsense'])).code).toBe(2);
    } finally {
      await server.close();
    }
  });
});
