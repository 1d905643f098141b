import { randomBytes } from 'node:crypto';

/**
 * A key held in memory only as long as needed: its own (unpooled) buffer, zeroed by `dispose()`.
 * It never serialises: JSON, util.inspect and string conversion show a placeholder, so a key
 * cannot slip into a log record or an error message by accident.
 */
export class SecretKey {
  readonly #bytes: Buffer;
  #disposed = false;

  private constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  /** Copies `source` into a fresh buffer; the caller should zero its own copy. */
  static from(source: Uint8Array): SecretKey {
    const bytes = Buffer.alloc(source.length);
    bytes.set(source);
    return new SecretKey(bytes);
  }

  /** Takes ownership of `bytes` (not copied), e.g. a freshly derived buffer. */
  static adopt(bytes: Buffer): SecretKey {
    return new SecretKey(bytes);
  }

  static random(length = 32): SecretKey {
    const source = randomBytes(length);
    const key = SecretKey.from(source);
    source.fill(0);
    return key;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  get length(): number {
    return this.#bytes.length;
  }

  /** The raw bytes, for the one call that needs them. Throws once disposed. */
  expose(): Buffer {
    if (this.#disposed) throw new Error('key has been released');
    return this.#bytes;
  }

  dispose(): void {
    this.#bytes.fill(0);
    this.#disposed = true;
  }

  toJSON(): string {
    return '[SecretKey]';
  }

  toString(): string {
    return '[SecretKey]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[SecretKey]';
  }
}
