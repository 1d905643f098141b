import { Algorithm, hashRaw } from '@node-rs/argon2';
import { SecretKey } from './secret-key.js';

/** Argon2id parameters, stored next to each mailbox's salt so they can be raised later. */
export interface KdfParams {
  algorithm: 'argon2id';
  /** KiB */
  memoryKib: number;
  iterations: number;
  parallelism: number;
}

/** The floor the issue demands for stored mailboxes: 64 MiB, t=3. */
export const DEFAULT_KDF: KdfParams = { algorithm: 'argon2id', memoryKib: 65_536, iterations: 3, parallelism: 1 };

/** password + salt → 256-bit key-encryption key, in a zeroable buffer. */
export async function deriveKek(password: string, salt: Uint8Array, params: KdfParams): Promise<SecretKey> {
  const raw = await hashRaw(Buffer.from(password.normalize('NFC'), 'utf8'), {
    algorithm: Algorithm.Argon2id,
    memoryCost: params.memoryKib,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    outputLen: 32,
    salt: Buffer.from(salt),
  });
  return SecretKey.adopt(raw);
}
