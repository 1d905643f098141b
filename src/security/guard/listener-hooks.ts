/**
 * Adapters that put the guard in front of the protocol listeners: a socket gate for line-protocol
 * servers (IMAP, POP3), the LoginGuard those servers call around a password check, and the SMTP
 * reply text of a refusal. A guard outage (Redis down) must not take mail down: fail open, loudly.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import type { Logger } from '../../log/logger.js';
import type { LoginGuard } from '../../protocols/login.js';
import type { Guard } from './guard.js';

export type ConnectGuard = Pick<Guard, 'onConnect' | 'inspectFirstBytes'>;

/**
 * Wraps a connection handler: the guard decides first; a refused socket gets `refusal(reason)`
 * written and is closed, an allowed one releases its connection slot when it closes.
 */
export function guardConnections(
  guard: ConnectGuard | undefined,
  listener: string,
  log: Logger,
  refusal: (reason: string) => string,
  handler: (socket: net.Socket) => void,
): (socket: net.Socket) => void {
  if (!guard) return handler;
  return (socket) => {
    const ip = socket.remoteAddress ?? '';
    guard.onConnect(ip, listener).then(
      (verdict) => {
        if (socket.destroyed) return verdict.release();
        if (!verdict.allowed) {
          log.info({ ip, listener, reason: verdict.reason }, 'connection refused by the guard');
          socket.end(refusal(verdict.reason ?? 'refused'));
          setTimeout(() => socket.destroy(), 1000).unref();
          return;
        }
        socket.once('close', verdict.release);
        if (!(socket as Partial<tls.TLSSocket>).encrypted) watchFirstBytes(guard, socket, log);
        handler(socket);
      },
      (error) => {
        log.warn({ err: error, listener }, 'guard check failed; connection let through');
        handler(socket);
      },
    );
  };
}

/**
 * On a plain-text port the first bytes tell a scanner from a mail client: a TLS hello or an HTTP
 * request counts as misuse against the IP (enough of it bans) and the connection is dropped.
 */
export function watchFirstBytes(guard: Pick<Guard, 'inspectFirstBytes'> | undefined, socket: net.Socket, log: Logger): void {
  if (!guard) return;
  socket.once('data', (chunk: Buffer) => {
    guard.inspectFirstBytes(socket.remoteAddress ?? '', chunk).then(
      (misuse) => {
        if (misuse) socket.destroy();
      },
      (error) => log.warn({ err: error }, 'guard check failed'),
    );
  });
}

/** The LoginGuard (src/protocols/login.ts) implemented with the guard: delay/refuse, count, reset. */
export function loginGuardOf(guard: Pick<Guard, 'beforeAuth' | 'onAuthFailure' | 'onAuthSuccess'>, log: Logger): LoginGuard {
  return {
    async allow({ ip, address }) {
      try {
        return (await guard.beforeAuth(ip, address)).allowed;
      } catch (error) {
        log.warn({ err: error }, 'guard check failed; login attempt let through');
        return true;
      }
    },
    failed: ({ ip, address }) => guard.onAuthFailure(ip, address).catch((error) => log.warn({ err: error }, 'guard update failed')),
    succeeded: ({ ip, address }) => guard.onAuthSuccess(ip, address).catch((error) => log.warn({ err: error }, 'guard update failed')),
  };
}
