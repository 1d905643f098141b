import type { FastifyInstance } from 'fastify';
import { normaliseDomain } from '../core/address.js';
import { mtaStsPolicy } from '../core/dns-records.js';
import type { DomainRepository } from '../store/control/types.js';

/**
 * Serves our MTA-STS policy (RFC 8461 §3.2) at https://mta-sts.<domain>/.well-known/mta-sts.txt,
 * chosen by Host header, for every hosted domain; anything else is a plain 404.
 */
export function mtaStsRoute(deps: { domains: DomainRepository; mailHost: string }) {
  return (app: FastifyInstance) => {
    app.get('/.well-known/mta-sts.txt', async (request, reply) => {
      const host = (request.headers.host ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
      const domain = host.startsWith('mta-sts.') ? host.slice('mta-sts.'.length) : '';
      let hosted = false;
      try {
        hosted = domain !== '' && (await deps.domains.get(normaliseDomain(domain))) !== undefined;
      } catch {
        hosted = false; // not a valid domain name
      }
      if (!hosted) return reply.status(404).send({ error: 'not found' });
      reply.header('Content-Type', 'text/plain; charset=utf-8');
      return reply.send(mtaStsPolicy(deps.mailHost));
    });
  };
}
