import type https from 'node:https';
import Fastify, { type FastifyInstance } from 'fastify';
import type { HealthRegistry } from '../app/health.js';
import { AppError, publicMessageOf } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import { adoptServer, type Listener } from '../net/listener.js';
import type { TlsProvider } from '../net/tls.js';
import type { Guard } from '../security/guard/guard.js';

export interface WebServerDeps {
  host: string;
  port: number;
  tls: TlsProvider;
  log: Logger;
  health: HealthRegistry;
  /** Consulted for every TCP connection before the TLS handshake; a banned IP is dropped. */
  guard?: Pick<Guard, 'onConnect'>;
  /** Later features (API, UI, MTA-STS policy host) register their routes here. */
  routes?: Array<(app: FastifyInstance) => void | Promise<void>>;
}

const STATUS_BY_CODE: Record<string, number> = {
  usage: 400,
  unauthorized: 401,
  forbidden: 403,
  auth_failed: 403,
  not_found: 404,
  conflict: 409,
  too_many: 429,
};

/** The HTTPS listener: /healthz now, the API, web UI and MTA-STS policy host as they land. */
export async function createWebServer(deps: WebServerDeps): Promise<Listener> {
  const app = Fastify({
    https: deps.tls.serverOptions() as https.ServerOptions,
    logger: false,
    bodyLimit: 1024 * 1024,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    trustProxy: false,
  });
  deps.tls.attach(app.server as unknown as import('node:tls').Server);

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error instanceof AppError ? (STATUS_BY_CODE[error.code] ?? 500) : (error.statusCode ?? 500);
    if (status >= 500) deps.log.error({ err: error, route: request.routeOptions.url }, 'request failed');
    const message = status < 500 && !(error instanceof AppError) ? error.message : publicMessageOf(error);
    reply.status(status).send({ error: message });
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not found' }));
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Strict-Transport-Security', 'max-age=31536000');
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Cache-Control', 'no-store');
  });

  app.get('/healthz', async (_request, reply) => {
    const report = await deps.health.report();
    reply.status(report.status === 'ok' ? 200 : 503).send(report);
  });
  for (const register of deps.routes ?? []) await register(app);

  if (deps.guard) gateConnections(app.server, deps.guard, deps.log);
  await app.ready();
  const listener = await adoptServer('https', app.server, deps.host, deps.port, deps.log);
  return {
    ...listener,
    close: async (graceMs) => {
      const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
      await app.close();
      clearTimeout(timer);
    },
  };
}

/**
 * Puts the guard in front of the HTTPS server: the TLS and HTTP machinery only sees a socket once
 * the guard allowed its IP. A refused socket is destroyed before the handshake.
 */
function gateConnections(server: import('node:net').Server, guard: Pick<Guard, 'onConnect'>, log: Logger): void {
  const handlers = server.listeners('connection') as Array<(socket: import('node:net').Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: import('node:net').Socket) => {
    socket.pause();
    socket.on('error', () => socket.destroy());
    guard
      .onConnect(socket.remoteAddress ?? '', 'https')
      .then((verdict) => {
        if (!verdict.allowed) {
          log.debug({ ip: socket.remoteAddress, reason: verdict.reason }, 'https connection refused');
          socket.destroy();
          return;
        }
        socket.once('close', verdict.release);
        for (const handler of handlers) handler.call(server, socket);
        socket.resume();
      })
      .catch((error) => {
        // A guard outage (Redis down) must not take the service down: fail open, loudly.
        log.warn({ err: error }, 'guard check failed; connection let through');
        for (const handler of handlers) handler.call(server, socket);
        socket.resume();
      });
  });
}
