import { aeadOpen, aeadSeal } from './aead.js';
import { SecretKey } from './secret-key.js';

/**
 * Wraps a data key under a key-encryption key (ChaCha20-Poly1305). The slot id is bound as
 * associated data, so a wrapped key cannot be moved to another slot or mailbox unnoticed.
 */
export function wrapKey(kek: SecretKey, dataKey: SecretKey, context: string): Buffer {
  return aeadSeal(kek.expose(), dataKey.expose(), Buffer.from(`sealmail:wrap:v1:${context}`));
}

/** The data key, or undefined when `kek` does not open this slot (a wrong password). */
export function unwrapKey(kek: SecretKey, wrapped: Uint8Array, context: string): SecretKey | undefined {
  const raw = aeadOpen(kek.expose(), wrapped, Buffer.from(`sealmail:wrap:v1:${context}`));
  return raw ? SecretKey.adopt(raw) : undefined;
}
