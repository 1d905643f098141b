/** The POP3 listener: line reader, STLS upgrade, timeouts; commands in session.ts. */
import type net from 'node:net';
import tls from 'node:tls';
import type { Listener } from '../../net/listener.js';
import { NO_GUARD } from '../login.js';
import { type MailAccessOptions, startMailAccessListener } from '../mail-access-options.js';
import { Pop3Session } from './session.js';

export interface Pop3ServerOptions extends MailAccessOptions {
  timeoutMs?: number;
}

const MAX_LINE = 1024;

export function createPop3Server(options: Pop3ServerOptions): Promise<Listener> {
  const name = options.implicitTls ? 'pop3s' : 'pop3';
  return startMailAccessListener(options, name, options.log, (reason) => `-ERR [SYS/TEMP] ${reason}\r\n`, (socket) =>
    handlePop3Connection(socket, options),
  );
}

function handlePop3Connection(socket: net.Socket, options: Pop3ServerOptions): void {
  let current: net.Socket = socket;
  let buffer = '';
  let busy = false;
  let closed = false;
  let awaitingSasl = false;
  let timer: NodeJS.Timeout | undefined;
  const session = new Pop3Session(
    { mailboxes: options.mailboxes, guard: options.guard ?? NO_GUARD },
    {
      get secure() {
        return current instanceof tls.TLSSocket;
      },
      ip: socket.remoteAddress ?? '',
      starttls: !options.implicitTls,
    },
  );
  const write = (data: Buffer | string) => {
    if (!closed && current.writable) current.write(data);
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    void session.close();
    current.end();
    setTimeout(() => current.destroy(), 1000).unref();
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      write('-ERR Idle timeout\r\n');
      finish();
    }, options.timeoutMs ?? 10 * 60_000);
    timer.unref();
  };
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    if (buffer.length > 64 * MAX_LINE) {
      write('-ERR Too much input\r\n');
      return finish();
    }
    arm();
    pump();
  };
  const attach = (target: net.Socket) => {
    target.on('data', onData);
    target.on('error', () => finish());
    target.on('close', () => finish());
  };
  const pump = () => {
    if (busy || closed) return;
    const end = buffer.indexOf('\n');
    if (end < 0) {
      if (buffer.length > MAX_LINE) {
        write('-ERR Line too long\r\n');
        finish();
      }
      return;
    }
    const line = Buffer.from(buffer.slice(0, end).replace(/\r$/, ''), 'latin1').toString('utf8');
    buffer = buffer.slice(end + 1);
    busy = true;
    clearTimeout(timer); // a slow login (Argon2) is not client inactivity
    const step = awaitingSasl ? session.saslResponse(line) : session.handle(line);
    awaitingSasl = false;
    step
      .catch(() => ({ reply: '-ERR [SYS/TEMP] Server error\r\n' }) as { reply: string; next?: undefined })
      .then((action) => {
        write(action.reply);
        if (action.next === 'close') return finish();
        if (action.next === 'await-sasl') awaitingSasl = true;
        if (action.next === 'starttls') {
          socket.off('data', onData);
          buffer = '';
          const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: options.tls.context });
          secure.once('secure', () => {
            current = secure;
          });
          attach(secure);
        }
      })
      .finally(() => {
        busy = false;
        if (!closed) arm();
        setImmediate(pump);
      });
  };
  attach(socket);
  arm();
  write(`+OK ${options.hostname} POP3 ready\r\n`);
}
