import type { FastifyInstance } from 'fastify';
import { createApiToken, publicToken, revokeApiToken } from '../../core/accounts/tokens.js';
import { apiGuard } from '../auth/guards.js';
import { clearSessionCookie, sessionOf } from '../auth/principal.js';
import type { WebDeps } from '../deps.js';

/** /api/v1: the caller's account, API tokens, sessions, login history and audit events. */
export function registerAccountApi(app: FastifyInstance, deps: WebDeps): void {
  const guard = apiGuard(deps);
  const sessionOnly = apiGuard(deps, { sessionOnly: true });
  const { accounts, context } = deps;
  const tokenDeps = { accounts, audit: context.control.audit, domains: deps.domains };

  app.get('/api/v1/me', { onRequest: guard }, async (request) => {
    const { user } = request.principal!;
    return {
      email: user.email,
      role: user.role,
      mfa: { totp: user.totpEnabled, recoveryCodesLeft: await accounts.unusedRecoveryCodes(user.id) },
      via: request.principal!.kind,
      // Same-origin scripts read this to send X-CSRF-Token on writes; no CORS, so other sites cannot.
      csrf: sessionOf(request)?.session.csrf,
    };
  });

  app.get('/api/v1/tokens', { onRequest: sessionOnly }, async (request) => ({
    tokens: (await accounts.tokens(request.principal!.user.id)).map(publicToken),
  }));

  app.post<{ Body: { name: string; domains: string[] } }>(
    '/api/v1/tokens',
    {
      onRequest: sessionOnly,
      schema: {
        body: {
          type: 'object',
          required: ['name', 'domains'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 64 },
            domains: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', maxLength: 253 } },
          },
        },
      },
    },
    async (request, reply) => reply.status(201).send(await createApiToken(tokenDeps, request.principal!, request.body)),
  );

  app.delete<{ Params: { id: string } }>('/api/v1/tokens/:id', { onRequest: sessionOnly }, async (request, reply) => {
    await revokeApiToken(tokenDeps, request.principal!, request.params.id);
    return reply.status(204).send();
  });

  app.get('/api/v1/sessions', { onRequest: sessionOnly }, async (request) => {
    const current = sessionOf(request)!.session.idHash;
    const sessions = await accounts.sessions(request.principal!.user.id);
    return {
      sessions: sessions.map((s) => ({
        current: s.idHash === current,
        ip: s.ip,
        userAgent: s.userAgent,
        createdAt: s.createdAt,
        lastSeen: s.lastSeen,
      })),
    };
  });

  app.post('/api/v1/sessions/logout-everywhere', { onRequest: sessionOnly }, async (request, reply) => {
    const { user } = request.principal!;
    const ended = await accounts.deleteSessions(user.id);
    await context.control.audit.record({ actor: user.email, action: 'session.logout-everywhere', subject: user.email, detail: { ended } });
    clearSessionCookie(reply);
    return { ended };
  });

  app.get('/api/v1/logins', { onRequest: guard }, async (request) => ({
    logins: await accounts.logins(request.principal!.user.id, 50),
  }));

  app.get<{ Querystring: { limit?: number } }>(
    '/api/v1/audit',
    {
      onRequest: guard,
      schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } } },
    },
    async (request) => {
      const principal = request.principal!;
      const admin = principal.kind === 'session' && principal.user.role === 'admin';
      const events = await context.control.audit.list({
        limit: request.query.limit ?? 100,
        actor: admin ? undefined : principal.user.email,
      });
      if (principal.kind !== 'token') return { events };
      // A token sees only events about the domains (and their aliases) in its scope.
      const scope = principal.token.domains;
      return { events: events.filter((e) => scope.some((d) => e.subject === d || e.subject.endsWith(`@${d}`))) };
    },
  );
}
