import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

/** A line-oriented TCP client bound to a chosen loopback source address (a distinct "IP" per test). */
export interface LineClient {
  /** The next line from the server, or undefined once the server closed the connection. */
  next(timeoutMs?: number): Promise<string | undefined>;
  send(line: string): void;
  readonly closed: Promise<void>;
  close(): void;
}

/** `secure`: implicit TLS (imaps, pop3s), the test certificate is not verified. */
export function connectLines(port: number, localAddress: string, options: { secure?: boolean } = {}): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const socket = options.secure
      ? tls.connect({ socket: net.connect({ host: '127.0.0.1', port, localAddress }), rejectUnauthorized: false })
      : net.connect({ host: '127.0.0.1', port, localAddress });
    const lines: string[] = [];
    const waiters: Array<(line: string | undefined) => void> = [];
    let buffer = '';
    let ended = false;
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    const flush = () => {
      while (waiters.length && (lines.length || ended)) waiters.shift()!(lines.shift());
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let at = buffer.indexOf('\n');
      while (at >= 0) {
        lines.push(buffer.slice(0, at).replace(/\r$/, ''));
        buffer = buffer.slice(at + 1);
        at = buffer.indexOf('\n');
      }
      flush();
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      ended = true;
      flush();
    });
    socket.once(options.secure ? 'secureConnect' : 'connect', () =>
      resolve({
        next: (timeoutMs = 10_000) =>
          new Promise((done, fail) => {
            const timer = setTimeout(() => fail(new Error('no line from server')), timeoutMs);
            waiters.push((line) => {
              clearTimeout(timer);
              done(line);
            });
            flush();
          }),
        send: (line) => {
          if (!socket.destroyed) socket.write(`${line}\r\n`);
        },
        closed,
        close: () => socket.destroy(),
      }),
    );
    socket.once('error', reject);
  });
}

/** GET over HTTPS from a chosen source address: the status, or 'dropped' when the server cut the connection. */
export function httpsStatus(port: number, localAddress: string, pathname = '/healthz'): Promise<number | 'dropped'> {
  return new Promise((resolve) => {
    const request = https.request(
      { host: '127.0.0.1', port, path: pathname, localAddress, rejectUnauthorized: false, agent: false, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    request.on('error', () => resolve('dropped'));
    request.on('timeout', () => request.destroy());
    request.end();
  });
}

/** Connects and reports whether the server closed the connection without sending anything. */
export function droppedSilently(port: number, localAddress: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    let received = 0;
    socket.on('data', (chunk) => {
      received += chunk.length;
    });
    socket.on('error', () => {});
    socket.once('close', () => resolve(received === 0));
  });
}

/** The last line of an SMTP reply (continuation lines skipped), or '(closed)'. */
export async function smtpReply(client: LineClient): Promise<string> {
  let line = await client.next();
  while (line !== undefined && /^\d{3}-/.test(line)) line = await client.next();
  return line ?? '(closed)';
}
