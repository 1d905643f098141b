import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/kit/postgres.js';
import { openPostgresControlStore, openSqliteControlStore } from '../store/control/open.js';
import type { ControlStore } from '../store/control/types.js';
import { encryptForRecipient } from './encrypt-for-recipient.js';

let dir: string;
let certPem: string;
let database: TestDatabase;
const raw = Buffer.from('From: a@example.org\r\nTo: bob@example.com\r\nSubject: hi\r\n\r\nplain body token 9c1d\r\n');

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sealmail-efr-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-subj', '/CN=bob', '-days', '2'], {
    stdio: 'pipe',
  });
  certPem = readFileSync(path.join(dir, 'c.pem'), 'utf8');
  database = await createTestDatabase();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await database?.drop();
});

const backends: Array<[string, () => Promise<ControlStore>]> = [
  ['sqlite', () => openSqliteControlStore(path.join(dir, `control-${Math.random()}.db`), Buffer.alloc(32, 3))],
  ['postgres', () => openPostgresControlStore(database.url)],
];

describe.each(backends)('alias keys and encryptForRecipient (%s)', (_name, open) => {
  it('stores keys per alias and encrypts only when one is set and the mail is not yet encrypted', async () => {
    const control = await open();
    try {
      await control.domains.add('example.com');
      await control.aliases.add({ address: 'bob@example.com', mailbox: true });
      await control.aliases.add({ address: 'carl@example.com', forwards: ['c@example.net'] });
      await expect(control.aliasKeys.setSmime('nobody@example.com', certPem)).rejects.toMatchObject({ code: 'not_found' });
      expect(await encryptForRecipient(control, 'bob@example.com', raw)).toBe(raw);
      await control.aliasKeys.setSmime('bob@example.com', certPem);
      expect((await control.aliasKeys.get('Bob@Example.com'))?.smimeCertificate).toBe(certPem);
      const encrypted = await encryptForRecipient(control, 'bob@example.com', raw);
      expect(encrypted.toString()).toMatch(/application\/pkcs7-mime/);
      expect(encrypted.toString()).not.toContain('9c1d');
      expect(await encryptForRecipient(control, 'bob@example.com', encrypted)).toBe(encrypted);
      expect(await encryptForRecipient(control, 'carl@example.com', raw)).toBe(raw);
      await control.aliasKeys.setSmime('bob@example.com', null);
      expect(await control.aliasKeys.get('bob@example.com')).toBeUndefined();
      await control.aliasKeys.setSmime('bob@example.com', certPem);
      await control.aliases.remove('bob@example.com');
      expect(await control.aliasKeys.get('bob@example.com')).toBeUndefined();
    } finally {
      await control.close();
    }
  });
});
