import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDkimSigner } from '../../src/mail/dkim-signer.js';
import { createLogger } from '../../src/log/logger.js';
import { startTestServer, type TestServer } from '../kit/server.js';
import { dkimZone, verifyWithDkimpy } from './dkim-verify.js';

type Rec = { name: string; type: string; value: string };

const message = Buffer.from(
  'From: Alice <alice@example.test>\r\nTo: bob@remote.test\r\nSubject: signed\r\nDate: Sun, 29 Nov 2026 12:00:00 +0000\r\nMessage-ID: <m1@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello, this is signed.\r\n',
);

describe('DKIM: rotate, publish, sign with RSA-2048 and Ed25519', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    expect((await server.cli(['domain', 'add', 'example.test'])).code).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
  });

  const dnsRecords = async () => {
    const result = await server.cli(['--json', 'dns', 'example.test']);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Rec[];
  };

  it('a domain without keys gets the message back unsigned', async () => {
    expect(await server.server.context.dkim.sign(message, 'nokeys.test')).toEqual(message);
  });

  it('rotate makes both keys, dns prints both records, and dkimpy verifies both signatures', async () => {
    const rotated = await server.cli(['--json', 'dkim', 'rotate', 'example.test']);
    expect(rotated.code).toBe(0);
    const keys = (JSON.parse(rotated.stdout) as { keys: Array<{ algorithm: string; selector: string; value: string }> }).keys;
    expect(keys.map((k) => k.algorithm).sort()).toEqual(['ed25519-sha256', 'rsa-sha256']);
    for (const k of keys) expect(k.selector).toMatch(/^s\d{14}-(rsa|ed25519)$/);

    const records = await dnsRecords();
    const dkim = records.filter((r) => r.name.endsWith('._domainkey.example.test'));
    expect(dkim).toHaveLength(2);
    expect(dkim.map((r) => r.value.match(/k=(\w+)/)?.[1]).sort()).toEqual(['ed25519', 'rsa']);
    // RFC 8463: the Ed25519 p= is the raw 32-byte key.
    const ed = dkim.find((r) => r.value.includes('k=ed25519'));
    expect(Buffer.from(ed?.value.split('p=')[1] ?? '', 'base64')).toHaveLength(32);
    expect(records.map((r) => r.type)).toEqual(expect.arrayContaining(['MX', 'TXT', 'CNAME']));
    expect(records.some((r) => r.name === '_mta-sts.example.test')).toBe(true);
    expect(records.some((r) => r.name === '_smtp._tls.example.test')).toBe(true);

    const signed = await server.server.context.dkim.sign(message, 'example.test');
    const results = verifyWithDkimpy(signed, dkimZone(records));
    expect(results).toHaveLength(2);
    expect(results.map((r) => [r.algorithm, r.valid]).sort()).toEqual([
      ['ed25519-sha256', true],
      ['rsa-sha256', true],
    ]);

    // The verifier can say no: a changed body fails both signatures.
    const tampered = Buffer.from(signed.toString().replace('Hello, this is signed.', 'Hello, this is forged.'));
    expect(verifyWithDkimpy(tampered, dkimZone(records)).every((r) => !r.valid)).toBe(true);
  });

  it('private keys are sealed at rest', async () => {
    const stored = await server.server.context.control.dkimKeys.list('example.test');
    expect(stored.length).toBeGreaterThanOrEqual(2);
    for (const key of stored) {
      expect(Buffer.from(key.sealedPrivateKey, 'base64').includes(Buffer.from('PRIVATE KEY'))).toBe(false);
    }
  });

  it('after a rotation new keys sign, the old ones stay published for the grace period', async () => {
    const before = (await dnsRecords()).filter((r) => r.name.endsWith('._domainkey.example.test')).map((r) => r.name);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // selectors are dated to the second
    expect((await server.cli(['dkim', 'rotate', 'example.test'])).code).toBe(0);
    const records = await dnsRecords();
    const names = records.filter((r) => r.name.endsWith('._domainkey.example.test')).map((r) => r.name);
    expect(names).toHaveLength(4);
    expect(names).toEqual(expect.arrayContaining(before));

    const signer = createDkimSigner({
      keys: server.server.context.control.dkimKeys,
      masterKey: server.server.context.masterKey,
      log: createLogger({ level: 'fatal' }),
      cacheMs: 0,
    });
    const signed = await signer.sign(message, 'example.test');
    const results = verifyWithDkimpy(signed, dkimZone(records));
    expect(results.every((r) => r.valid)).toBe(true);
    expect(results.map((r) => `${r.selector}._domainkey.example.test`).some((n) => before.includes(n))).toBe(false);
    // Concurrent signatures with keys loading at the same time: every one gets both signatures.
    const many = await Promise.all(Array.from({ length: 12 }, () => signer.sign(message, 'example.test')));
    for (const one of many) expect(one.toString().match(/^DKIM-Signature:/gim)).toHaveLength(2);
    signer.clear();
  });

  it('rotate refuses a domain that is not hosted', async () => {
    const result = await server.cli(['dkim', 'rotate', 'other.test']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not hosted/);
  });
});
