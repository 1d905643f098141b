import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../core/errors.js';
import type { HybridPublicKey } from '../../crypto/hybrid-seal.js';
import type { KdfParams } from '../../crypto/kdf.js';
import { fsyncDir, writeFileDurably } from '../durable-file.js';

/**
 * `keys.json`, the only part of a mailbox readable without a password: the Argon2id salt and
 * parameters, the password slots (each wraps the same data key) and the public sealing key.
 * It names no address and no folder.
 */
export interface PasswordSlot {
  id: string;
  label: string;
  createdAt: string;
  /** The data key wrapped under this password's KEK (base64). */
  wrapped: string;
}

export interface KeyFile {
  version: 1;
  kdf: KdfParams;
  salt: string;
  publicKey: { x25519: string; mlkem: string };
  slots: PasswordSlot[];
}

export const KEY_FILE = 'keys.json';

export function readKeyFile(dir: string): KeyFile | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dir, KEY_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('mailbox_unreadable', 'mailbox key file cannot be read', { cause: error, temporary: true });
  }
  try {
    const parsed = JSON.parse(text) as KeyFile;
    if (parsed.version !== 1 || !Array.isArray(parsed.slots) || !parsed.publicKey?.mlkem) throw new Error('bad shape');
    return parsed;
  } catch (error) {
    throw new AppError('mailbox_damaged', 'mailbox key file is damaged', { cause: error, temporary: true });
  }
}

export function publicKeyOf(file: KeyFile): HybridPublicKey {
  return {
    x25519: Buffer.from(file.publicKey.x25519, 'base64'),
    mlkem: Buffer.from(file.publicKey.mlkem, 'base64'),
  };
}

export function writeKeyFile(dir: string, file: KeyFile): void {
  writeFileDurably(path.join(dir, KEY_FILE), JSON.stringify(file));
}

/** Crypto-shredding: overwrite the wrapped keys with random bytes, fsync, then unlink. */
export function shredKeyFile(dir: string): void {
  const target = path.join(dir, KEY_FILE);
  let size: number;
  try {
    size = statSync(target).size;
  } catch {
    return;
  }
  const fd = openSync(target, 'r+');
  try {
    writeSync(fd, randomBytes(Math.max(size, 1)), 0, Math.max(size, 1), 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  unlinkSync(target);
  fsyncDir(dir);
}
