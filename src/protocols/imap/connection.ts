/**
 * Socket glue for one IMAP connection: buffers input, feeds the pure parser, runs commands one at a
 * time (pipelined commands queue up), answers literal continuations, upgrades to TLS, times out.
 */
import type net from 'node:net';
import tls from 'node:tls';
import type { TlsProvider } from '../../net/tls.js';
import { type ParseLimits, parseCommand, readLine } from './parser.js';
import { ImapSession, type SessionDeps } from './session.js';

export interface ConnectionOptions extends SessionDeps {
  tls: TlsProvider;
  limits: ParseLimits;
  /** Inactivity before autologout (RFC 3501 asks for at least 30 minutes when authenticated). */
  idleTimeoutMs: number;
  /** Before login: shorter, so idle unauthenticated sockets do not pile up. */
  preauthTimeoutMs: number;
}

export function handleImapConnection(socket: net.Socket, options: ConnectionOptions): void {
  let current: net.Socket = socket;
  let buffer: Buffer = Buffer.alloc(0);
  let busy = false;
  let closed = false;
  let continuationSentFor = -1;
  let lineWaiter: ((line: string) => void) | undefined;
  let lineFailer: ((error: Error) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  // Replies are gathered and sent in one write per turn: with Nagle off, many small writes would
  // each become a packet; with it on, delayed ACKs would stall pipelined clients.
  let pending: Buffer[] = [];
  const flush = () => {
    const data = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
    pending = [];
    if (data.length && !closed && current.writable) current.write(data);
  };
  const write = (data: Buffer | string) => {
    if (closed) return;
    if (pending.length === 0) setImmediate(flush);
    pending.push(typeof data === 'string' ? Buffer.from(data) : data);
  };
  const session = new ImapSession(options, {
    write,
    readLine: () =>
      new Promise<string>((resolve, reject) => {
        armTimer(); // waiting on the client again (IDLE, AUTHENTICATE): inactivity counts
        lineWaiter = resolve;
        lineFailer = reject;
        setImmediate(pump);
      }),
    startTls: () => upgrade(),
    get secure() {
      return current instanceof tls.TLSSocket;
    },
    ip: socket.remoteAddress ?? '',
  });

  const armTimer = () => {
    clearTimeout(timer);
    const ms = session.state === 'not-authenticated' ? options.preauthTimeoutMs : options.idleTimeoutMs;
    timer = setTimeout(() => {
      write('* BYE Autologout; idle for too long\r\n');
      finish();
    }, ms);
    timer.unref();
  };

  const finish = () => {
    if (closed) return;
    flush();
    closed = true;
    clearTimeout(timer);
    lineFailer?.(new Error('connection closed'));
    void session.close();
    current.end();
    setTimeout(() => current.destroy(), 1000).unref();
  };

  // Pipelined input waiting behind a running command is bounded too.
  const maxBuffered = options.limits.maxLiteral + 4 * options.limits.maxLine;
  const onData = (chunk: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    if (buffer.length > maxBuffered) return fatal('Too much input');
    armTimer();
    pump();
  };

  const attach = (target: net.Socket) => {
    target.on('data', onData);
    target.on('error', () => finish());
    target.on('close', () => finish());
  };

  const upgrade = () =>
    new Promise<void>((resolve, reject) => {
      flush(); // the tagged OK must leave in cleartext before the handshake
      socket.off('data', onData);
      buffer = Buffer.alloc(0); // anything pipelined after STARTTLS is discarded (CVE-2011-0411 class)
      const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: options.tls.context });
      secure.once('secure', () => {
        current = secure;
        resolve();
      });
      secure.once('error', (error) => {
        reject(error);
        finish();
      });
      attach(secure);
    });

  const pump = () => {
    if (closed) return;
    if (lineWaiter) {
      const result = readLine(buffer, options.limits.maxLine);
      if (result === 'too-long') return fatal('Line too long');
      if (!result) return;
      buffer = buffer.subarray(result.consumed);
      const waiter = lineWaiter;
      lineWaiter = undefined;
      lineFailer = undefined;
      waiter(result.line);
      return;
    }
    if (busy || buffer.length === 0) return;
    const result = parseCommand(buffer, options.limits);
    if (result.kind === 'need-more') {
      if (result.continuation && continuationSentFor !== result.needBytes) {
        continuationSentFor = result.needBytes;
        write('+ Ready for literal data\r\n');
      }
      return;
    }
    continuationSentFor = -1;
    buffer = buffer.subarray(result.consumed);
    if (result.kind === 'error') {
      write(`${result.tag} BAD ${result.message}\r\n`);
      if (result.fatal) return fatal('Cannot continue');
      setImmediate(pump);
      return;
    }
    busy = true;
    clearTimeout(timer); // a slow command (Argon2 login, big FETCH) is not client inactivity
    session
      .run(result.command)
      .catch(() => write(`${result.command.tag} NO Server error\r\n`))
      .finally(() => {
        busy = false;
        if (session.state === 'logout') return finish();
        armTimer();
        setImmediate(pump);
      });
  };

  const fatal = (message: string) => {
    write(`* BYE ${message}\r\n`);
    finish();
  };

  socket.setNoDelay(true);
  attach(socket);
  armTimer();
  write(`* OK [CAPABILITY ${session.capabilities().join(' ')}] ${options.hostname} IMAP ready\r\n`);
}
