import { createCipheriv, createDecipheriv, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sealMessage } from 'mailauth';
import { deriveKey } from '../crypto/master-key.js';
import { writeFileDurably } from '../store/durable-file.js';

/**
 * ARC sealing of forwarded copies (RFC 8617). We seal as the forwarding intermediary under our own
 * host name (d=<hostname>, s=arc), with one RSA-2048 key generated at first start and stored in the
 * data dir encrypted under a key derived from the master key (AES-256-GCM).
 */
export const ARC_SELECTOR = 'arc';

export interface ArcKey {
  domain: string;
  selector: string;
  privateKeyPem: string;
  /** The TXT value to publish at `<selector>._domainkey.<domain>`. */
  dnsRecord: string;
}

export function loadArcKey(dataDir: string, masterKey: Buffer, hostname: string): ArcKey {
  const file = path.join(dataDir, 'keys', 'arc-seal.key.enc');
  const wrapKey = deriveKey(masterKey, 'arc-seal-key');
  let pem: string;
  if (existsSync(file)) {
    const sealed = readFileSync(file);
    const decipher = createDecipheriv('aes-256-gcm', wrapKey, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    pem = Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  } else {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', wrapKey, iv);
    const body = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileDurably(file, Buffer.concat([iv, cipher.getAuthTag(), body]));
  }
  wrapKey.fill(0);
  const spki = createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
  return { domain: hostname, selector: ARC_SELECTOR, privateKeyPem: pem, dnsRecord: `v=DKIM1; k=rsa; p=${spki}` };
}

export interface ArcChainState {
  /** Our Authentication-Results value (authserv-id and results) for ARC-Authentication-Results. */
  authResults: string;
  /** Validation of the chain as it arrived. */
  cv: 'none' | 'pass' | 'fail';
}

export interface ArcSealer {
  /** The message with a new ARC set (i = n+1) prepended; unchanged when the incoming chain was broken. */
  seal(raw: Buffer, chain: ArcChainState): Promise<Buffer>;
}

export function createArcSealer(key: ArcKey): ArcSealer {
  return {
    async seal(raw, chain) {
      // A failed chain is dead (RFC 8617 §5.1.2): adding to it helps nobody.
      if (chain.cv === 'fail') return raw;
      const headers = await sealMessage(raw, {
        signingDomain: key.domain,
        selector: key.selector,
        privateKey: key.privateKeyPem,
        authResults: chain.authResults,
        cv: chain.cv,
        // one clock reading for the whole set (see dkim-signer.ts)
        signTime: new Date(),
      } as never);
      return Buffer.concat([headers, raw]);
    },
  };
}
