import net from 'node:net';
import tls from 'node:tls';
import { AppError } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import type { TlsProvider } from './tls.js';

/** A running listener, as every protocol and the web expose it to the app. */
export interface Listener {
  readonly name: string;
  readonly port: number;
  /** Stops accepting, lets sessions finish until the deadline, then cuts what is left. */
  close(graceMs: number): Promise<void>;
}

export interface TcpListenerOptions {
  name: string;
  host: string;
  port: number;
  log: Logger;
  /** Implicit TLS: the socket handed to `onConnection` is already a TLSSocket. */
  tls?: TlsProvider;
  /** Called for each accepted connection; the listener tracks the socket for shutdown. */
  onConnection(socket: net.Socket): void;
  maxConnections?: number;
}

/** Binds a plain or implicit-TLS TCP listener and tracks its sockets for graceful shutdown. */
export async function startTcpListener(options: TcpListenerOptions): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    options.onConnection(socket);
  };
  let server: net.Server;
  if (options.tls) {
    const tlsServer = tls.createServer({ ...options.tls.serverOptions(), handshakeTimeout: 10_000 }, track);
    options.tls.attach(tlsServer);
    tlsServer.on('tlsClientError', (error, socket) => {
      options.log.debug({ listener: options.name, err: error }, 'tls handshake failed');
      socket.destroy();
    });
    server = tlsServer;
  } else {
    server = net.createServer(track);
  }
  if (options.maxConnections) server.maxConnections = options.maxConnections;
  return adoptServer(options.name, server, options.host, options.port, options.log, () => sockets);
}

/**
 * Binds an already built server (https, smtp-server's, …) and gives it the common shutdown.
 * `openSockets` returns what to cut when the grace period is over.
 */
export async function adoptServer(
  name: string,
  server: net.Server,
  host: string,
  port: number,
  log: Logger,
  openSockets: () => Iterable<net.Socket> = () => [],
): Promise<Listener> {
  await listen(server, name, host, port);
  const address = server.address() as net.AddressInfo;
  log.info({ listener: name, port: address.port }, 'listening');
  return {
    name,
    port: address.port,
    close: (graceMs) => closeServer(server, graceMs, openSockets),
  };
}

function listen(server: net.Server, name: string, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new AppError('port_in_use', `port ${port} (${name}) is already in use`));
      else if (error.code === 'EACCES') reject(new AppError('port_denied', `port ${port} (${name}): permission denied`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new AppError('bind_failed', `cannot bind ${host} (${name})`));
      else reject(new AppError('listen_failed', `cannot listen on ${host}:${port} (${name})`, { cause: error }));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

async function closeServer(server: net.Server, graceMs: number, openSockets: () => Iterable<net.Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([closed, deadline]);
  clearTimeout(timer);
  for (const socket of openSockets()) socket.destroy();
  await closed;
}
