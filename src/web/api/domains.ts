import type { FastifyInstance } from 'fastify';
import { apiGuard } from '../auth/guards.js';
import type { WebDeps } from '../deps.js';

type DomainParams = { Params: { domain: string } };
type AliasParams = { Params: { address: string } };

const address = { type: 'string', minLength: 3, maxLength: 320 } as const;
const forwards = { type: 'array', items: address, maxItems: 50 } as const;

/** /api/v1 domains and aliases: each principal sees only its own domains (tokens: only their scope). */
export function registerDomainApi(app: FastifyInstance, deps: WebDeps): void {
  const guard = apiGuard(deps);
  const { domains } = deps;

  app.get('/api/v1/domains', { onRequest: guard }, async (request) => ({
    domains: await domains.list(request.principal!),
  }));

  app.post<{ Body: { name: string } }>(
    '/api/v1/domains',
    {
      onRequest: guard,
      schema: {
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 253 } },
        },
      },
    },
    async (request, reply) => reply.status(201).send(await domains.add(request.principal!, request.body.name)),
  );

  app.get<DomainParams>('/api/v1/domains/:domain', { onRequest: guard }, async (request) =>
    domains.access(request.principal!, request.params.domain),
  );

  app.delete<DomainParams>('/api/v1/domains/:domain', { onRequest: guard }, async (request, reply) => {
    await domains.remove(request.principal!, request.params.domain);
    return reply.status(204).send();
  });

  app.post<DomainParams>('/api/v1/domains/:domain/verify', { onRequest: guard }, async (request) =>
    domains.verify(request.principal!, request.params.domain),
  );

  app.get<DomainParams>('/api/v1/domains/:domain/dns', { onRequest: guard }, async (request) => ({
    records: await domains.records(request.principal!, request.params.domain),
  }));

  app.get<DomainParams>('/api/v1/domains/:domain/aliases', { onRequest: guard }, async (request) => ({
    aliases: await domains.aliases(request.principal!, request.params.domain),
  }));

  app.post<DomainParams & { Body: { local: string; forwards?: string[]; mailbox?: boolean } }>(
    '/api/v1/domains/:domain/aliases',
    {
      onRequest: guard,
      schema: {
        body: {
          type: 'object',
          required: ['local'],
          additionalProperties: false,
          properties: { local: { type: 'string', minLength: 1, maxLength: 64 }, forwards, mailbox: { type: 'boolean' } },
        },
      },
    },
    async (request, reply) => {
      const { local, ...rest } = request.body;
      const alias = await domains.addAlias(request.principal!, { address: `${local}@${request.params.domain}`, ...rest });
      return reply.status(201).send(alias);
    },
  );

  app.get<AliasParams>('/api/v1/aliases/:address', { onRequest: guard }, async (request) =>
    domains.alias(request.principal!, request.params.address),
  );

  app.patch<AliasParams & { Body: { forwards?: string[]; enabled?: boolean } }>(
    '/api/v1/aliases/:address',
    {
      onRequest: guard,
      schema: {
        body: { type: 'object', additionalProperties: false, properties: { forwards, enabled: { type: 'boolean' } } },
      },
    },
    async (request) => domains.updateAlias(request.principal!, request.params.address, request.body),
  );

  app.delete<AliasParams>('/api/v1/aliases/:address', { onRequest: guard }, async (request, reply) => {
    await domains.removeAlias(request.principal!, request.params.address);
    return reply.status(204).send();
  });
}
