import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import { registerApi } from './api/index.js';
import { sameOriginOnly } from './auth/guards.js';
import { registerPrincipal } from './auth/principal.js';
import { buildWebDeps } from './deps.js';
import { registerUi } from './ui/index.js';

/** Accounts, the JSON API and the web UI on the HTTPS listener. */
export function accountsApp(context: AppContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const deps = buildWebDeps(context);
    await app.register(helmet, {
      // One same-origin script (passkeys), no inline code or styles, no framing, forms only to ourselves.
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          connectSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      // Not no-referrer: with it browsers send `Origin: null` on form posts, which the same-origin check refuses.
      referrerPolicy: { policy: 'same-origin' },
      crossOriginEmbedderPolicy: false,
    });
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: 64 * 1024 });
    app.addHook('onRequest', sameOriginOnly);
    registerPrincipal(app, deps);
    registerApi(app, deps);
    registerUi(app, deps);
  };
}
