import type { FastifyInstance } from 'fastify';
import { UsageError } from '../../core/errors.js';
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

  app.post<DomainParams & { Body: { local: string; forwards?: string[]; mailbox?: boolean; password?: string } }>(
    '/api/v1/domains/:domain/aliases',
    {
      onRequest: guard,
      schema: {
        body: {
          type: 'object',
          required: ['local'],
          additionalProperties: false,
          properties: {
            local: { type: 'string', minLength: 1, maxLength: 64 },
            forwards,
            mailbox: { type: 'boolean' },
            password: { type: 'string', minLength: 8, maxLength: 1024 },
          },
        },
      },
    },
    async (request, reply) => {
      const { local, password, ...rest } = request.body;
      if (password !== undefined && !rest.mailbox) throw new UsageError('a password needs "mailbox": true');
      const alias = await domains.addAlias(request.principal!, { address: `${local}@${request.params.domain}`, ...rest });
      // The mailbox password is returned only when the server generated it, and only this once.
      const generated = alias.mailbox ? await deps.aliasExtras.createMailbox(alias.address, password) : undefined;
      return reply.status(201).send(generated ? { ...alias, password: generated } : alias);
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
    const alias = await domains.alias(request.principal!, request.params.address);
    if (alias.mailbox) await deps.aliasExtras.destroyMailbox(alias.address);
    await domains.removeAlias(request.principal!, alias.address);
    return reply.status(204).send();
  });

  app.post<AliasParams & { Body: { currentPassword: string; label?: string } }>(
    '/api/v1/aliases/:address/app-passwords',
    {
      onRequest: guard,
      schema: {
        body: {
          type: 'object',
          required: ['currentPassword'],
          additionalProperties: false,
          properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 1024 }, label: { type: 'string', maxLength: 40 } },
        },
      },
    },
    async (request, reply) => {
      const { currentPassword, label } = request.body;
      return reply.status(201).send(await deps.aliasExtras.addAppPassword(request.principal!, request.params.address, currentPassword, label ?? 'app'));
    },
  );

  const keyBody = (name: string) => ({
    body: {
      type: 'object',
      required: [name],
      additionalProperties: false,
      properties: { [name]: { type: ['string', 'null'], maxLength: 200_000 } },
    },
  });
  app.put<AliasParams & { Body: { key: string | null } }>('/api/v1/aliases/:address/pgp', { onRequest: guard, schema: keyBody('key') }, async (request) =>
    deps.aliasExtras.setPgp(request.principal!, request.params.address, request.body.key),
  );
  app.put<AliasParams & { Body: { certificate: string | null } }>(
    '/api/v1/aliases/:address/smime',
    { onRequest: guard, schema: keyBody('certificate') },
    async (request) => deps.aliasExtras.setSmime(request.principal!, request.params.address, request.body.certificate),
  );
}
