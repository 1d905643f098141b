import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../../core/accounts/secrets.js';
import type { WebDeps } from '../deps.js';
import { sessionOf } from './principal.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Cross-site requests never change state: a foreign Origin or Sec-Fetch-Site is refused before any handler. */
export function sameOriginOnly(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (UNSAFE.has(request.method)) {
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    let foreign = site === 'cross-site' || site === 'same-site';
    if (origin && origin !== 'null') {
      try {
        foreign ||= new URL(origin).host !== request.headers.host;
      } catch {
        foreign = true;
      }
    } else if (origin === 'null') foreign = true;
    if (foreign) {
      reply.status(403).send({ error: 'cross-site request refused' });
      return;
    }
  }
  done();
}

/** Whether this signed-in user must enrol a second factor before doing anything else. */
export async function mustEnrol(deps: WebDeps, request: FastifyRequest): Promise<boolean> {
  const principal = request.principal;
  return !!principal && !principal.user.totpEnabled && (await deps.auth.mfaRequired());
}

/** API: a full session (password + second factor, CSRF header on writes) or an API token. */
export function apiGuard(deps: WebDeps, options: { sessionOnly?: boolean; adminOnly?: boolean } = {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = request.principal;
    const session = sessionOf(request);
    if (!principal || (session && !session.session.mfaDone)) {
      return reply.status(401).send({ error: 'authentication required' });
    }
    if (options.sessionOnly && !session) return reply.status(403).send({ error: 'API tokens cannot use this route' });
    if (options.adminOnly && principal.user.role !== 'admin') return reply.status(403).send({ error: 'admins only' });
    if (await mustEnrol(deps, request)) return reply.status(403).send({ error: 'enrol a second factor first' });
    if (session && UNSAFE.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, session.session.csrf)) {
        return reply.status(403).send({ error: 'missing or wrong X-CSRF-Token header' });
      }
    }
  };
}

/** Web pages: a signed-in session; forms must carry the session's CSRF token. */
export function pageGuard(deps: WebDeps, options: { duringEnrolment?: boolean; adminOnly?: boolean } = {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const session = sessionOf(request);
    if (!session) return reply.redirect('/login', 303);
    if (!session.session.mfaDone) return reply.redirect('/login/mfa', 303);
    if (!options.duringEnrolment && (await mustEnrol(deps, request))) return reply.redirect('/security/totp', 303);
    if (options.adminOnly && session.user.role !== 'admin') return reply.status(403).send({ error: 'admins only' });
    if (UNSAFE.has(request.method)) {
      const sent = (request.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof sent !== 'string' || !safeEqual(sent, session.session.csrf)) {
        return reply.status(403).send({ error: 'the form expired; reload the page' });
      }
    }
  };
}
