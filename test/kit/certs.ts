import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CertificateMaterial, generateSelfSigned } from '../../src/net/tls.js';

const cache = new Map<string, CertificateMaterial>();

/** A throw-away self-signed certificate for `hostname` (RSA key generation is slow, so one per name). */
export function testCertificate(hostname = 'localhost'): CertificateMaterial {
  let material = cache.get(hostname);
  if (!material) {
    material = generateSelfSigned(hostname, 30);
    cache.set(hostname, material);
  }
  return material;
}

/** Writes a throw-away certificate to files, for `[tls] cert` / `key`. */
export function testCertificateFiles(hostname = 'localhost'): { cert: string; key: string; dir: string } {
  const material = testCertificate(hostname);
  const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-cert-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  writeFileSync(cert, material.cert);
  writeFileSync(key, material.key, { mode: 0o600 });
  return { cert, key, dir };
}
