/** A bare IMAP client over TLS for bad-input and fuzz tests: write bytes, read until a tagged reply. */
import tls from 'node:tls';

export class RawImap {
  private data = '';
  private closed = false;
  private readonly waiters = new Set<() => void>();
  private constructor(readonly socket: tls.TLSSocket) {
    socket.on('data', (chunk: Buffer) => {
      this.data += chunk.toString('latin1');
      for (const wake of this.waiters) wake();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const wake of this.waiters) wake();
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<RawImap> {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    socket.setNoDelay(true);
    const client = new RawImap(socket);
    await client.waitFor(/^\* OK/m);
    return client;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get transcript(): string {
    return this.data;
  }

  send(bytes: string | Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Waits until the transcript (after `from`) matches; returns that part. */
  waitFor(pattern: RegExp, ms = 5000, from = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const part = this.data.slice(from);
        if (pattern.test(part)) done(() => resolve(part));
        else if (this.closed) done(() => reject(new Error(`closed before ${pattern}: ${part.slice(-300)}`)));
      };
      const timer = setTimeout(() => {
        done(() => reject(new Error(`timed out waiting for ${pattern}: ${this.data.slice(from).slice(-300)}`)));
      }, ms);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Forgets the transcript so far (long benchmark runs). */
  reset(): void {
    this.data = '';
  }

  /** Sends a command line and waits for its tagged reply. */
  async command(tag: string, text: string, ms = 5000): Promise<string> {
    const from = this.data.length;
    this.send(`${tag} ${text}\r\n`);
    return this.waitFor(new RegExp(`^${tag} (OK|NO|BAD)`, 'm'), ms, from);
  }

  close(): void {
    this.socket.destroy();
  }
}
