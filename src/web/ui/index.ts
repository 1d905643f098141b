import type { FastifyInstance } from 'fastify';
import { sessionOf } from '../auth/principal.js';
import type { WebDeps } from '../deps.js';
import { registerAdminPages } from './admin-pages.js';
import { registerAuthPages } from './auth-pages.js';
import { registerDomainPages } from './domain-pages.js';
import { PASSKEY_SCRIPT, registerPasskeyRoutes } from './passkey-routes.js';
import { registerSecurityPages } from './security-pages.js';
import { STYLESHEET } from './stylesheet.js';
import { registerTokenPages } from './token-pages.js';

/** The server-rendered web UI: plain HTML forms, no scripts. */
export function registerUi(app: FastifyInstance, deps: WebDeps): void {
  app.get('/', async (request, reply) => reply.redirect(sessionOf(request)?.session.mfaDone ? '/domains' : '/login', 303));
  app.get('/static/app.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(STYLESHEET),
  );
  app.get('/static/passkey.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(PASSKEY_SCRIPT),
  );
  registerAuthPages(app, deps);
  registerPasskeyRoutes(app, deps);
  registerDomainPages(app, deps);
  registerSecurityPages(app, deps);
  registerTokenPages(app, deps);
  registerAdminPages(app, deps);
}
