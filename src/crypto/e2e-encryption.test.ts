import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEncrypted, splitMessage } from '../mail/mime-entity.js';
import { encryptOpenPgpMime, validatePgpPublicKey } from './openpgp-mime.js';
import { encryptSmime, validateSmimeCertificate } from './smime.js';

let dir: string;
const gpgEnv = () => ({ ...process.env, GNUPGHOME: path.join(dir, 'gnupg') });
const gpg = (args: string[], input?: Buffer) =>
  execFileSync('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
    env: gpgEnv(),
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });

const ORIGINAL = Buffer.from(
  [
    'From: Alice <alice@example.org>',
    'To: bob@example.com',
    'Subject: Quarterly plan',
    'Message-ID: <plan@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Secret body token 7f3a9 — ünïcode',
    '--b1',
    'Content-Type: application/octet-stream; name="a.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from([0, 1, 2, 250, 251]).toString('base64'),
    '--b1--',
    '',
  ].join('\r\n'),
);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sealmail-e2e-'));
  execFileSync('mkdir', ['-m', '700', path.join(dir, 'gnupg')]);
  gpg(['--quick-gen-key', 'Bob <bob@example.com>', 'future-default', 'default', 'never']);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', '/CN=bob@example.com', '-days', '2'], {
    stdio: 'pipe',
  });
});
afterAll(() => {
  try {
    execFileSync('gpgconf', ['--kill', 'all'], { env: gpgEnv(), stdio: 'ignore' });
  } catch {}
  rmSync(dir, { recursive: true, force: true });
});

describe('end-to-end encryption of inbound mail', () => {
  it('OpenPGP/MIME (RFC 3156) decrypts with gpg to the original body entity', async () => {
    const armored = gpg(['--armor', '--export', 'bob@example.com']).toString();
    const { armored: validated } = await validatePgpPublicKey(armored);
    const encrypted = await encryptOpenPgpMime(ORIGINAL, validated);
    const text = encrypted.toString('latin1');
    expect(text).toMatch(/^Subject: Quarterly plan\r$/m);
    expect(text).toMatch(/Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted"/);
    expect(text).toContain('Version: 1');
    expect(text).not.toContain('7f3a9');
    expect(isEncrypted(encrypted)).toBe(true);
    const armoredPart = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(text)![0];
    const decrypted = gpg(['--decrypt'], Buffer.from(armoredPart));
    expect(decrypted.equals(splitMessage(ORIGINAL).entity)).toBe(true);
    expect(decrypted.toString()).toContain('Secret body token 7f3a9 — ünïcode');
  });

  it('S/MIME enveloped data (RFC 8551) decrypts with openssl cms to the original body entity', async () => {
    const { pem } = validateSmimeCertificate(readFileSync(path.join(dir, 'cert.pem'), 'utf8'));
    const encrypted = await encryptSmime(ORIGINAL, pem);
    expect(encrypted.toString()).toMatch(/Content-Type: application\/pkcs7-mime; smime-type=enveloped-data/);
    expect(encrypted.toString()).not.toContain('7f3a9');
    expect(isEncrypted(encrypted)).toBe(true);
    const file = path.join(dir, 'msg.eml');
    writeFileSync(file, encrypted);
    const decrypted = execFileSync('openssl', ['cms', '-decrypt', '-binary', '-in', file, '-recip', path.join(dir, 'cert.pem'), '-inkey', path.join(dir, 'key.pem')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(decrypted.equals(splitMessage(ORIGINAL).entity)).toBe(true);
  });

  it('rejects bad keys and certificates with clear usage errors', async () => {
    await expect(validatePgpPublicKey('not a key')).rejects.toMatchObject({ code: 'usage' });
    const secret = gpg(['--armor', '--export-secret-keys', 'bob@example.com']).toString();
    await expect(validatePgpPublicKey(secret)).rejects.toThrow(/public key/);
    expect(() => validateSmimeCertificate('garbage')).toThrow(/PEM certificate/);
    expect(() => validateSmimeCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow(/cannot be parsed/);
  });

  it('recognises mail that is already encrypted', () => {
    expect(isEncrypted(ORIGINAL)).toBe(false);
    expect(isEncrypted(Buffer.from('Subject: x\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nabc\r\n-----END PGP MESSAGE-----\r\n'))).toBe(true);
    expect(isEncrypted(Buffer.from('Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\r\nMIAG'))).toBe(true);
    expect(isEncrypted(Buffer.from('Content-Type: application/pkcs7-mime; smime-type=signed-data\r\n\r\nMIAG'))).toBe(false);
  });
});
