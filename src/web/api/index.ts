import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../deps.js';
import { registerAccountApi } from './account.js';
import { registerDomainApi } from './domains.js';
import { API_OPERATIONS, openApiDocument } from './openapi.js';

const documented = new Set(API_OPERATIONS.map(([method, path]) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));

/** The JSON API under /api/v1 and its OpenAPI description at /api/openapi.json. */
export function registerApi(app: FastifyInstance, deps: WebDeps): void {
  // An undocumented route is a bug; refuse to start rather than serve it.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1/')) return;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      if (!documented.has(`${method} ${route.url}`)) throw new Error(`API route ${method} ${route.url} is missing from openapi.ts`);
    }
  });
  app.get('/api/openapi.json', async (request) => openApiDocument(`https://${request.headers.host ?? 'localhost'}`));
  registerDomainApi(app, deps);
  registerAccountApi(app, deps);
}
