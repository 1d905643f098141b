import { SMTPServer } from 'smtp-server';
import { createLogger } from '../../src/log/logger.js';
import { adoptServer, type Listener, startTcpListener } from '../../src/net/listener.js';
import type { Guard } from '../../src/security/guard/guard.js';

/*
 * Minimal real listeners that consult the guard exactly as the protocol listeners do (see the API in
 * src/security/guard/index.ts). They stand in for the IMAP server and the MX until those land.
 */

const quiet = createLogger({ level: 'silent' });

/**
 * An IMAP-shaped login service: greeting, `tag LOGIN user pass`, `tag LOGOUT`. Unknown accounts
 * are checked against a dummy password, so they cost what a known one costs.
 */
export async function startLoginHarness(guard: Guard, users: Record<string, string>): Promise<Listener> {
  return startTcpListener({
    name: 'login-harness',
    host: '127.0.0.1',
    port: 0,
    log: quiet,
    onConnection(socket) {
      const ip = socket.remoteAddress ?? '';
      void guard.onConnect(ip, 'imap').then((verdict) => {
        if (!verdict.allowed) {
          socket.end(`* BYE ${verdict.reason}\r\n`);
          return;
        }
        socket.once('close', verdict.release);
        socket.write('* OK ready\r\n');
        let buffer = '';
        let busy = Promise.resolve();
        let first = true;
        socket.on('data', (chunk: Buffer) => {
          if (first) {
            first = false;
            busy = busy.then(async () => {
              if (await guard.inspectFirstBytes(ip, chunk)) socket.destroy();
            });
          }
          buffer += chunk.toString('utf8');
          let at = buffer.indexOf('\n');
          while (at >= 0) {
            const line = buffer.slice(0, at).replace(/\r$/, '');
            buffer = buffer.slice(at + 1);
            busy = busy.then(() => handle(line));
            at = buffer.indexOf('\n');
          }
        });
        const handle = async (line: string) => {
          if (socket.destroyed) return;
          const [tag = '*', verb = '', user = '', pass = ''] = line.split(' ');
          if (verb.toUpperCase() === 'LOGOUT') {
            socket.end(`* BYE\r\n${tag} OK LOGOUT\r\n`);
            return;
          }
          if (verb.toUpperCase() !== 'LOGIN') {
            socket.write(`${tag} BAD unknown command\r\n`);
            return;
          }
          const before = await guard.beforeAuth(ip, user);
          if (!before.allowed) {
            socket.end(`${tag} NO [UNAVAILABLE] ${before.reason}\r\n`);
            return;
          }
          const expected = users[user] ?? '\u0000dummy';
          if (pass === expected) {
            await guard.onAuthSuccess(ip, user);
            socket.write(`${tag} OK LOGIN completed\r\n`);
          } else {
            await guard.onAuthFailure(ip, user);
            socket.write(`${tag} NO [AUTHENTICATIONFAILED] invalid credentials\r\n`);
          }
        };
      });
    },
  });
}

/**
 * An MX-shaped smtp-server: guard at connect (554/421 from the verdict), and unknown recipients
 * reported to the guard; once it says no, the 421 reply closes the connection.
 */
export async function startSmtpHarness(guard: Guard, recipients: string[]): Promise<Listener> {
  const known = new Set(recipients.map((r) => r.toLowerCase()));
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    onConnect(session, callback) {
      guard
        .onConnect(session.remoteAddress, 'smtp')
        .then((verdict) => {
          if (verdict.allowed) return callback();
          const error = Object.assign(new Error(verdict.reply?.publicMessage ?? 'refused'), {
            responseCode: verdict.reply?.responseCode ?? 554,
          });
          callback(error);
        })
        .catch(callback);
    },
    onRcptTo(address, session, callback) {
      if (known.has(address.address.toLowerCase())) return callback();
      guard
        .onUnknownRecipient(session.remoteAddress, session.id)
        .then((verdict) => {
          const reply = verdict.allowed ? { code: 550, text: 'no such user here' } : { code: 421, text: verdict.reply!.publicMessage };
          callback(Object.assign(new Error(reply.text), { responseCode: reply.code }));
        })
        .catch(callback);
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  return adoptServer('smtp-harness', server.server, '127.0.0.1', 0, quiet);
}
