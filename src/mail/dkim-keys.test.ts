import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { datedSelector, dkimRecords, dkimSealingKey, generateDkimKeys, publicKeyMatches, unsealDkimKey } from './dkim-keys.js';

describe('DKIM keys', () => {
  const master = randomBytes(32);
  const keys = generateDkimKeys('example.com', master, new Date('2026-11-29T12:34:56Z'));

  it('makes an RSA-2048 and an Ed25519 key with dated selectors, private halves sealed', () => {
    expect(keys.map((k) => [k.algorithm, k.selector])).toEqual([
      ['rsa-sha256', 's20261129123456-rsa'],
      ['ed25519-sha256', 's20261129123456-ed25519'],
    ]);
    for (const key of keys) {
      expect(Buffer.from(key.sealedPrivateKey, 'base64').includes(Buffer.from('PRIVATE'))).toBe(false);
      const pem = unsealDkimKey(key, dkimSealingKey(master));
      expect(pem.toString()).toMatch(/BEGIN PRIVATE KEY/);
      expect(publicKeyMatches(key, pem)).toBe(true);
    }
    expect(() => unsealDkimKey(keys[0]!, dkimSealingKey(randomBytes(32)))).toThrow(/damaged/);
    // A sealed key moved to another selector does not open.
    expect(() => unsealDkimKey({ ...keys[0]!, selector: 'other' }, dkimSealingKey(master))).toThrow(/damaged/);
    expect(datedSelector('ed25519-sha256', new Date('2027-01-02T03:04:05Z'))).toBe('s20270102030405-ed25519');
  });

  it('publishes active keys and retired ones only within the grace period', () => {
    const now = new Date('2026-12-10T00:00:00Z');
    const retired = (days: number) => ({ ...keys[0]!, selector: `old${days}`, retiredAt: new Date(now.getTime() - days * 86_400_000).toISOString() });
    const records = dkimRecords([keys[0]!, keys[1]!, retired(3), retired(8)], 7, now);
    expect(records.map((r) => r.name)).toEqual([
      's20261129123456-rsa._domainkey.example.com',
      's20261129123456-ed25519._domainkey.example.com',
      'old3._domainkey.example.com',
    ]);
    expect(records[1]?.value).toMatch(/^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
    expect(records[2]?.purpose).toMatch(/retired/);
  });
});
