import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.js';

/** ChaCha20-Poly1305 (RFC 8439) from node:crypto: `nonce(12) || ciphertext || tag(16)`. */
const NONCE = 12;
const TAG = 16;

export function aeadSeal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = Buffer.alloc(0)): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  cipher.setAAD(aad, { plaintextLength: plaintext.length });
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** Returns undefined when the key is wrong or the data was altered (never throws for that). */
export function aeadOpen(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array = Buffer.alloc(0)): Buffer | undefined {
  if (sealed.length < NONCE + TAG) return undefined;
  const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('chacha20-poly1305', key, data.subarray(0, NONCE), { authTagLength: TAG });
  decipher.setAAD(aad, { plaintextLength: data.length - NONCE - TAG });
  decipher.setAuthTag(data.subarray(data.length - TAG));
  try {
    return Buffer.concat([decipher.update(data.subarray(NONCE, data.length - TAG)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** `aeadSeal` with a text context, for the outbound queue and DKIM keys. */
export function sealBytes(key: Buffer, plaintext: Buffer, aad = ''): Buffer {
  if (key.length !== 32) throw new Error('sealBytes needs a 32-byte key');
  return aeadSeal(key, plaintext, Buffer.from(aad, 'utf8'));
}

/** Opens what `sealBytes` produced; a wrong key, context or a tampered blob throws, revealing nothing. */
export function openBytes(key: Buffer, sealed: Buffer, aad = ''): Buffer {
  const opened = aeadOpen(key, sealed, Buffer.from(aad, 'utf8'));
  if (!opened) throw new AppError('sealed_invalid', 'sealed data is damaged or was sealed under another key');
  return opened;
}
