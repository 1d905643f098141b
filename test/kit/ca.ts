import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import type { CertificateMaterial } from '../../src/net/tls.js';

export interface TestCa {
  /** The CA certificate (PEM), to pass as trust (e.g. `[delivery] ca_file`). */
  readonly cert: string;
  /** A file holding `cert`. */
  readonly certFile: string;
  /** A server certificate for `hostnames` (the first is the CN), signed by this CA. */
  issue(...hostnames: string[]): CertificateMaterial;
}

const rsaPem = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

const serial = () => `01${randomBytes(8).toString('hex')}`;

/**
 * A throw-away certificate authority, so tests can exercise real certificate validation
 * (MTA-STS policy hosts, MX hosts under an enforce policy) without disabling it anywhere.
 */
export function createTestCa(name = 'sealmail test CA'): TestCa {
  const keys = rsaPem();
  const caKey = forge.pki.privateKeyFromPem(keys.privateKey);
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  caCert.serialNumber = serial();
  caCert.validity.notBefore = new Date(Date.now() - 60_000);
  caCert.validity.notAfter = new Date(Date.now() + 30 * 86_400_000);
  const subject = [{ name: 'commonName', value: name }];
  caCert.setSubject(subject);
  caCert.setIssuer(subject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(caKey, forge.md.sha256.create());
  const cert = forge.pki.certificateToPem(caCert);
  const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-ca-'));
  const certFile = path.join(dir, 'ca.pem');
  writeFileSync(certFile, cert);

  return {
    cert,
    certFile,
    issue(...hostnames) {
      const leafKeys = rsaPem();
      const leaf = forge.pki.createCertificate();
      leaf.publicKey = forge.pki.publicKeyFromPem(leafKeys.publicKey);
      leaf.serialNumber = serial();
      leaf.validity.notBefore = new Date(Date.now() - 60_000);
      leaf.validity.notAfter = new Date(Date.now() + 7 * 86_400_000);
      leaf.setSubject([{ name: 'commonName', value: hostnames[0] ?? 'localhost' }]);
      leaf.setIssuer(caCert.subject.attributes);
      leaf.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: hostnames.map((value) => ({ type: 2, value })) },
      ]);
      leaf.sign(caKey, forge.md.sha256.create());
      return { cert: forge.pki.certificateToPem(leaf), key: leafKeys.privateKey };
    },
  };
}
