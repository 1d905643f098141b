import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../core/accounts/principal.js';
import { safeEqual, sha256 } from '../../core/accounts/secrets.js';
import type { WebDeps } from '../deps.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = '__Host-sealmail';
/** API tokens look like `smt_<id>.<secret>`; only the secret's hash is stored. */
const TOKEN_PATTERN = /^smt_([A-Za-z0-9_-]{8,40})\.([A-Za-z0-9_-]{20,100})$/;

export function setSessionCookie(reply: FastifyReply, rawId: string): void {
  reply.setCookie(SESSION_COOKIE, rawId, { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
}

/** Resolves the caller from `Authorization: Bearer` or the session cookie; a bad bearer token is refused outright. */
export function registerPrincipal(app: FastifyInstance, deps: WebDeps): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      request.principal = await tokenPrincipal(deps, header);
      if (!request.principal) return reply.status(401).send({ error: 'invalid or revoked API token' });
      return;
    }
    const raw = request.cookies[SESSION_COOKIE];
    const active = await deps.sessions.resolve(raw);
    if (active && raw) request.principal = { kind: 'session', ...active, rawSessionId: raw };
  });
}

async function tokenPrincipal(deps: WebDeps, header: string): Promise<Principal | null> {
  const match = /^Bearer (\S+)$/i.exec(header.trim());
  const parts = match?.[1] ? TOKEN_PATTERN.exec(match[1]) : null;
  if (!parts?.[1] || !parts[2]) return null;
  const token = await deps.accounts.token(parts[1]);
  if (!token || token.revokedAt || !safeEqual(token.secretHash, sha256(parts[2]))) return null;
  const user = await deps.accounts.userById(token.userId);
  if (!user) return null;
  await deps.accounts.touchToken(token.id, new Date().toISOString());
  return { kind: 'token', user, token };
}

export function sessionOf(request: FastifyRequest): Extract<Principal, { kind: 'session' }> | undefined {
  return request.principal?.kind === 'session' ? request.principal : undefined;
}
