import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { DnsRecord } from '../core/dns-records.js';
import { openBytes, sealBytes } from '../crypto/aead.js';
import { deriveKey } from '../crypto/master-key.js';
import type { DkimAlgorithm, DkimKey } from '../store/control/types.js';

/** The key that seals DKIM private keys at rest; derived, never the master key itself. */
export function dkimSealingKey(masterKey: Buffer): Buffer {
  return deriveKey(masterKey, 'dkim');
}

/** A dated selector (UTC, to the second so two rotations a day never collide), per algorithm. */
export function datedSelector(algorithm: DkimAlgorithm, at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `s${stamp}-${algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519'}`;
}

/** A fresh RSA-2048 and Ed25519 (RFC 8463) key pair for `domain`, private halves sealed. */
export function generateDkimKeys(domain: string, masterKey: Buffer, at = new Date()): DkimKey[] {
  const sealingKey = dkimSealingKey(masterKey);
  try {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ed = generateKeyPairSync('ed25519');
    const make = (algorithm: DkimAlgorithm, pair: typeof rsa, publicKey: string): DkimKey => {
      const selector = datedSelector(algorithm, at);
      const pem = Buffer.from(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'utf8');
      const sealed = sealBytes(sealingKey, pem, `${domain}/${selector}`).toString('base64');
      pem.fill(0);
      return { domain, selector, algorithm, publicKey, sealedPrivateKey: sealed, createdAt: at.toISOString() };
    };
    return [
      make('rsa-sha256', rsa, rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')),
      // RFC 8463 §4: p= is the raw 32-byte Ed25519 public key, not SPKI.
      make('ed25519-sha256', ed, rawEd25519(ed.publicKey.export({ type: 'spki', format: 'der' }))),
    ];
  } finally {
    sealingKey.fill(0);
  }
}

function rawEd25519(spki: Buffer): string {
  return spki.subarray(spki.length - 32).toString('base64');
}

/** The PEM private key of a stored DKIM key; the caller zeroes the buffer when done. */
export function unsealDkimKey(key: DkimKey, sealingKey: Buffer): Buffer {
  return openBytes(sealingKey, Buffer.from(key.sealedPrivateKey, 'base64'), `${key.domain}/${key.selector}`);
}

/** The TXT value published at `<selector>._domainkey.<domain>`. */
export function dkimRecordValue(key: Pick<DkimKey, 'algorithm' | 'publicKey'>): string {
  return `v=DKIM1; k=${key.algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519'}; p=${key.publicKey}`;
}

/** Records for `sealmail dns`: active keys, and rotated-out keys still within the grace period. */
export function dkimRecords(keys: DkimKey[], graceDays: number, now = new Date()): DnsRecord[] {
  const cutoff = now.getTime() - graceDays * 86_400_000;
  return keys
    .filter((k) => !k.retiredAt || Date.parse(k.retiredAt) >= cutoff)
    .map((k) => ({
      name: `${k.selector}._domainkey.${k.domain}`,
      type: 'TXT' as const,
      value: dkimRecordValue(k),
      purpose: k.retiredAt
        ? `DKIM (${k.algorithm}), retired ${k.retiredAt.slice(0, 10)}: keep until ${new Date(Date.parse(k.retiredAt) + graceDays * 86_400_000).toISOString().slice(0, 10)}`
        : `DKIM (${k.algorithm}): verifies our signatures`,
    }));
}

/** Checks a PEM parses as the algorithm it claims (used by tests and when loading). */
export function publicKeyMatches(key: DkimKey, pem: Buffer): boolean {
  const pub = createPublicKey(pem);
  const der = pub.export({ type: 'spki', format: 'der' });
  return key.algorithm === 'rsa-sha256' ? der.toString('base64') === key.publicKey : rawEd25519(der) === key.publicKey;
}
