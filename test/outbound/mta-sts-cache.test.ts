import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsResolver } from '../../src/dns/resolver.js';
import { createLogger } from '../../src/log/logger.js';
import { MtaStsResolver } from '../../src/protocols/smtp/outbound/mta-sts.js';
import { sealedPolicyFile } from '../../src/protocols/smtp/outbound/mta-sts-cache.js';
import { createTestCa, type TestCa } from '../kit/ca.js';
import { startDnsServer, type TestDnsServer } from '../kit/dns-server.js';
import { type PolicyHost, policyText, startPolicyHost } from '../kit/policy-host.js';

const DOMAIN = 'strict-recipient-domain.test';

describe('known MTA-STS policies survive a restart, sealed', () => {
  let ca: TestCa;
  let dns: TestDnsServer;
  let host: PolicyHost;
  let dir: string;
  const key = randomBytes(32);
  const log = createLogger({ level: 'silent' });

  beforeAll(async () => {
    ca = createTestCa();
    host = await startPolicyHost(ca.issue(`mta-sts.${DOMAIN}`));
    dns = await startDnsServer({ [`mta-sts.${DOMAIN}`]: [{ type: 'A', address: '127.0.0.1' }] });
    dns.txt(`_mta-sts.${DOMAIN}`, 'v=STSv1; id=20261129');
    host.set(DOMAIN, policyText('enforce', ['mx.strict.test']));
    dir = mkdtempSync(path.join(tmpdir(), 'sealmail-sts-'));
  });
  afterAll(async () => {
    await host?.close();
    await dns?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const resolver = (file: string) =>
    new MtaStsResolver({
      dns: new DnsResolver({ servers: [dns.server], timeoutMs: 2000, cacheMaxTtlS: 0 }),
      log,
      ca: [ca.cert],
      port: host.port,
      store: sealedPolicyFile(file, key, log),
    });

  it('a restarted server still enforces a policy whose TXT record an attacker has stripped', async () => {
    const file = path.join(dir, 'mta-sts-policies.enc');
    expect((await resolver(file).policyFor(DOMAIN))?.mode).toBe('enforce');
    expect(readFileSync(file).includes(Buffer.from('strict-recipient'))).toBe(false);

    dns.set(`_mta-sts.${DOMAIN}`, []);
    host.set(DOMAIN, undefined);
    const restarted = resolver(file);
    expect(await restarted.policyFor(DOMAIN)).toMatchObject({ mode: 'enforce', mx: ['mx.strict.test'] });
    // Without the file, the stripped record would have downgraded delivery.
    expect(await resolver(path.join(dir, 'none.enc')).policyFor(DOMAIN)).toBeUndefined();
  });

  it('a damaged or foreign cache file starts empty instead of failing', async () => {
    const file = path.join(dir, 'damaged.enc');
    writeFileSync(file, randomBytes(200));
    expect(sealedPolicyFile(file, key, log).load().size).toBe(0);
    const other = path.join(dir, 'other-key.enc');
    sealedPolicyFile(other, randomBytes(32), log).save(new Map([[DOMAIN, { id: '1', mode: 'enforce', mx: [], maxAge: 60, expiresAt: Date.now() + 60_000 }]]));
    expect(sealedPolicyFile(other, key, log).load().size).toBe(0);
  });
});
