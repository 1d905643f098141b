import { randomFillSync } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { openBytes, sealBytes } from '../../../crypto/aead.js';
import { writeFileDurably } from '../../../store/durable-file.js';

/**
 * Queued messages on disk: one file per queue entry, ChaCha20-Poly1305 under the queue key
 * (bound to the entry id), written durably, and overwritten before unlinking when done.
 */
export class QueueSpool {
  constructor(
    private readonly dir: string,
    private readonly key: Buffer,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  write(id: string, raw: Buffer): void {
    writeFileDurably(this.file(id), sealBytes(this.key, raw, id));
  }

  read(id: string): Buffer {
    return openBytes(this.key, readFileSync(this.file(id)), id);
  }

  /** Overwrites the ciphertext with random bytes, syncs, then unlinks: nothing is left to recover. */
  remove(id: string): void {
    const file = this.file(id);
    let fd: number;
    try {
      fd = openSync(file, 'r+');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const size = fstatSync(fd).size;
      const noise = Buffer.alloc(Math.min(size, 1 << 20));
      for (let offset = 0; offset < size; offset += noise.length) {
        randomFillSync(noise);
        writeSync(fd, noise, 0, Math.min(noise.length, size - offset), offset);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    unlinkSync(file);
  }

  private file(id: string): string {
    if (!/^[a-z0-9-]+$/.test(id)) throw new Error('invalid queue id');
    return path.join(this.dir, `${id}.msg`);
  }
}
