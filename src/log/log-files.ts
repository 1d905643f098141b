import { createWriteStream, mkdirSync, readdirSync, statSync, unlinkSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';

const FILE_NAME = /^sealmail-(\d{4}-\d{2}-\d{2})\.log$/;

/** A stream that writes to one file per UTC day, `sealmail-YYYY-MM-DD.log`, mode 0600. */
export class DailyLogFile extends Writable {
  private day = '';
  private file: WriteStream | undefined;

  constructor(
    private readonly dir: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    super();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const today = this.clock().toISOString().slice(0, 10);
    if (today !== this.day || !this.file) {
      this.file?.end();
      this.file = createWriteStream(path.join(this.dir, `sealmail-${today}.log`), { flags: 'a', mode: 0o600 });
      this.day = today;
    }
    this.file.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.file) this.file.end(callback);
    else callback();
  }
}

/** Deletes log files older than `retentionDays`; returns the names removed. */
export function expireLogFiles(dir: string, retentionDays: number, now: Date = new Date()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  const removed: string[] = [];
  for (const name of names) {
    const match = FILE_NAME.exec(name);
    if (!match) continue;
    const dayEnd = Date.parse(`${match[1]}T23:59:59.999Z`);
    const file = path.join(dir, name);
    if (dayEnd < cutoff || (Number.isNaN(dayEnd) && statSync(file).mtimeMs < cutoff)) {
      unlinkSync(file);
      removed.push(name);
    }
  }
  return removed;
}
