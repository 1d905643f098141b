import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { CertificateMaterial } from '../../src/net/tls.js';
import { testCertificate } from './certs.js';

export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: Buffer;
  secure: boolean;
}

export interface SmtpSink {
  readonly port: number;
  readonly messages: ReceivedMessage[];
  /** Resolves when `count` messages have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** Offer STARTTLS with a certificate for this host name (default: offer it for localhost). */
  tlsHostname?: string;
  /** Listen here (default 127.0.0.1 on a random port): several sinks can share a port on 127.0.0.x. */
  host?: string;
  port?: number;
  /** Serve this certificate instead (e.g. one issued by `createTestCa`). */
  certificate?: CertificateMaterial;
  /** Do not offer STARTTLS at all. */
  noTls?: boolean;
  /** Reply to RCPT TO with this error for matching recipients. */
  rejectRecipient?: (address: string) => { code: number; message: string } | undefined;
  /** Reply to DATA with this error. */
  rejectData?: (message: ReceivedMessage) => { code: number; message: string } | undefined;
}

/** A local receiving MTA that records everything it is sent, standing in for a remote MX. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMessage[] = [];
  const waiters: Array<() => void> = [];
  const certificate = options.certificate ?? testCertificate(options.tlsHostname ?? 'localhost');
  const serverOptions: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: options.noTls ? ['AUTH', 'STARTTLS'] : ['AUTH'],
    key: certificate.key,
    cert: certificate.cert,
    logger: false,
    size: 60 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const rejection = options.rejectRecipient?.(address.address);
      if (rejection) return callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const message: ReceivedMessage = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
        };
        const rejection = options.rejectData?.(message);
        if (rejection) return callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
        messages.push(message);
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;

  return {
    port,
    messages,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`smtp sink: expected ${count} message(s), got ${messages.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
