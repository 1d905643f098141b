import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';
import { UsageError } from '../core/errors.js';
import { splitMessage } from '../mail/mime-entity.js';

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] });

function pemToDer(pem: string): ArrayBuffer {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new UsageError('expected a PEM certificate (-----BEGIN CERTIFICATE-----)');
  const der = Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
}

function parseCertificate(pem: string): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(pemToDer(pem));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError('the certificate cannot be parsed', { cause: error });
  }
}

/** Checks a PEM certificate we can encrypt to (RSA or EC key, not expired); returns its PEM. */
export function validateSmimeCertificate(pem: string, now = new Date()): { pem: string; subject: string } {
  const cert = parseCertificate(pem);
  if (cert.notAfter.value < now) throw new UsageError('the certificate has expired');
  const algorithm = cert.subjectPublicKeyInfo.algorithm.algorithmId;
  if (algorithm !== '1.2.840.113549.1.1.1' && algorithm !== '1.2.840.10045.2.1') {
    throw new UsageError('the certificate must carry an RSA or EC public key');
  }
  const der = Buffer.from(cert.toSchema().toBER(false));
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  const subject = cert.subject.typesAndValues.map((tv) => `${tv.type}=${tv.value.valueBlock.value}`).join(', ');
  return { pem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`, subject };
}

/**
 * S/MIME enveloped data (RFC 8551 §3.3): the MIME entity is encrypted with AES-256-CBC to the
 * certificate's key (RSAES-OAEP-SHA256, or ECDH for EC keys) and sent as application/pkcs7-mime.
 */
export async function encryptSmime(raw: Buffer, pemCertificate: string): Promise<Buffer> {
  const cert = parseCertificate(pemCertificate);
  const { outer, entity } = splitMessage(raw);
  const enveloped = new pkijs.EnvelopedData();
  const isRsa = cert.subjectPublicKeyInfo.algorithm.algorithmId === '1.2.840.113549.1.1.1';
  enveloped.addRecipientByCertificate(cert, isRsa ? { oaepHashAlgorithm: 'SHA-256' } : { kdfAlgorithm: 'SHA-256' }, isRsa ? 1 : 2, engine);
  const content = entity.buffer.slice(entity.byteOffset, entity.byteOffset + entity.byteLength) as ArrayBuffer;
  await enveloped.encrypt({ name: 'AES-CBC', length: 256 } as Parameters<typeof enveloped.encrypt>[0], content, engine);
  const info = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.ENVELOPED_DATA, content: enveloped.toSchema() });
  const der = Buffer.from(info.toSchema().toBER(false));
  const lines = [
    ...outer,
    'MIME-Version: 1.0',
    'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="smime.p7m"',
    '',
    der.toString('base64').replace(/(.{76})/g, '$1\r\n').trimEnd(),
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}
