import { randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';
import { UsageError } from '../core/errors.js';
import { splitMessage } from '../mail/mime-entity.js';

/** Checks an armored OpenPGP public key that can encrypt; returns it re-armored (no private parts). */
export async function validatePgpPublicKey(armored: string): Promise<{ armored: string; fingerprint: string }> {
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch (error) {
    throw new UsageError('not an armored OpenPGP public key', { cause: error });
  }
  if (key.isPrivate()) throw new UsageError('expected a public key, got a private key');
  try {
    await key.getEncryptionKey();
  } catch (error) {
    throw new UsageError('the OpenPGP key has no valid encryption subkey', { cause: error });
  }
  return { armored: key.armor(), fingerprint: key.getFingerprint() };
}

/**
 * OpenPGP/MIME (RFC 3156 §4): the message body and its Content-* headers become one MIME entity,
 * encrypted to `armoredKey` and sent as multipart/encrypted; routing headers stay outside.
 */
export async function encryptOpenPgpMime(raw: Buffer, armoredKey: string): Promise<Buffer> {
  const key = await openpgp.readKey({ armoredKey });
  const { outer, entity } = splitMessage(raw);
  const encrypted = await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: entity }),
    encryptionKeys: key,
    format: 'armored',
  });
  const boundary = `sealmail-pgp-${randomBytes(12).toString('hex')}`;
  const lines = [
    ...outer,
    'MIME-Version: 1.0',
    `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${boundary}"`,
    '',
    'This is an OpenPGP/MIME encrypted message (RFC 3156).',
    `--${boundary}`,
    'Content-Type: application/pgp-encrypted',
    'Content-Description: PGP/MIME version identification',
    '',
    'Version: 1',
    '',
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    'Content-Description: OpenPGP encrypted message',
    'Content-Disposition: inline; filename="encrypted.asc"',
    '',
    String(encrypted).replace(/\r?\n/g, '\r\n').trimEnd(),
    '',
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}
