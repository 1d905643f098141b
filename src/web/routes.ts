import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import { accountsApp } from './accounts-app.js';
import { mtaStsRoute } from './mta-sts-route.js';

export type RouteRegistrar = (app: FastifyInstance) => void | Promise<void>;

/** Every feature's HTTPS routes (API, UI, MTA-STS policy host), given the app's dependencies. */
export function webRoutes(context: AppContext): RouteRegistrar[] {
  return [mtaStsRoute({ domains: context.control.domains, mailHost: context.config.hostname }), accountsApp(context)];
}
